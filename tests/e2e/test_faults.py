"""Acceptance (faults): broker down, duplicate delivery, poison message, relay killed mid-batch, one relay."""

from __future__ import annotations

import asyncio
import signal
import sys
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer

from lcn_monitor.main import create_app as create_monitor
from lcn_registry.main import create_app as create_registry
from lcn_shared.auth import Role
from lcn_shared.contracts.registry import COMMUNITY_TOPIC
from lcn_shared.embedded import EmbeddedKafka, free_port
from lcn_shared.messaging.dlq import DeadLetter, read_dead_letters
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import execute, fetch, run_service, service_config, wait_until
from tests.e2e.flow import platform_env, post_community, read_topic, run_lcn
from tests.e2e.proxy import SwitchableProxy


async def monitor_has(monitor, community_id: str) -> bool:  # type: ignore[no-untyped-def]
    """True when the monitor's API shows the community."""
    return (await monitor.get(f"/v1/communities/{community_id}")).status_code == 200


@pytest.fixture
async def proxied_platform(platform: PlatformSettings) -> AsyncIterator[tuple[PlatformSettings, SwitchableProxy]]:
    """The test's platform, but with a broker of its own reached through a switchable proxy."""
    proxy_port = free_port()
    kafka = EmbeddedKafka(free_port(), Path(tempfile.mkdtemp()) / "kafka.log", advertised_port=proxy_port)
    kafka.start()
    proxy = SwitchableProxy(proxy_port, kafka.port)
    await proxy.up()
    try:
        yield platform.model_copy(update={"kafka_bootstrap_servers": f"127.0.0.1:{proxy_port}"}), proxy
    finally:
        await proxy.down()
        kafka.stop()


async def test_broker_down_post_succeeds_and_event_arrives_once_back(proxied_platform, api_key) -> None:  # type: ignore[no-untyped-def]
    """The POST commits to the outbox while Kafka is away; the relay delivers when it returns."""
    platform, proxy = proxied_platform
    key = await api_key(Role.COORDINATOR)
    async with (
        run_service(create_registry, service_config(platform, "registry")) as (_, registry),
        run_service(create_monitor, service_config(platform, "monitor")) as (_, monitor),
    ):
        await proxy.down()
        created = await post_community(registry, key, name="Duurzaamheidsfabriek")
        assert created.status_code == 201
        community_id = created.json()["community_id"]
        await asyncio.sleep(2)
        assert (await registry.get("/health/ready")).status_code == 503  # the broker is away: not ready
        pending = await fetch(platform, "registry", "SELECT sent_at, attempts FROM outbox_message")
        assert len(pending) == 1
        assert pending[0]["sent_at"] is None
        assert not await monitor_has(monitor, community_id)

        await proxy.up()
        await wait_until(lambda: monitor_has(monitor, community_id), timeout=60, what="delivery after recovery")
    sent = await fetch(platform, "registry", "SELECT sent_at FROM outbox_message")
    assert sent[0]["sent_at"] is not None


async def test_same_event_delivered_twice_changes_read_model_once(platform: PlatformSettings, api_key) -> None:  # type: ignore[no-untyped-def]
    """A redelivered record (same CloudEvents id) is acknowledged and skipped by the inbox."""
    key = await api_key(Role.COORDINATOR)
    async with (
        run_service(create_registry, service_config(platform, "registry")) as (_, registry),
        run_service(create_monitor, service_config(platform, "monitor")) as (monitor_app, monitor),
    ):
        community_id = (await post_community(registry, key)).json()["community_id"]
        await wait_until(lambda: monitor_has(monitor, community_id), timeout=15, what="first delivery")
        before = await fetch(platform, "monitor", "SELECT projected_at FROM community")
        original = (await read_topic(platform, COMMUNITY_TOPIC, expected=1))[0]
        producer = AIOKafkaProducer(bootstrap_servers=platform.kafka_bootstrap_servers)
        await producer.start()
        try:
            for _ in range(2):
                await producer.send_and_wait(
                    original.topic, value=original.value, key=original.key, headers=list(original.headers)
                )
        finally:
            await producer.stop()
        duplicates = monitor_app.state.runtime.metrics.inbox_duplicates.labels("monitor.community-projection")
        await wait_until(lambda: duplicates._value.get() >= 2, timeout=15, what="both duplicates skipped")
    after = await fetch(platform, "monitor", "SELECT projected_at FROM community")
    assert after == before
    inbox = await fetch(platform, "monitor", "SELECT count(*) AS n FROM inbox_message")
    assert inbox[0]["n"] == 1


POISON_TRIGGER = """
CREATE FUNCTION reject_poison() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN IF NEW.name LIKE 'Poison%' THEN RAISE EXCEPTION 'simulated defect for %', NEW.name; END IF; RETURN NEW; END $$;
CREATE TRIGGER reject_poison BEFORE INSERT ON community FOR EACH ROW EXECUTE FUNCTION reject_poison();
"""


async def test_poison_message_goes_to_dlq_others_flow_and_redrive_delivers(platform: PlatformSettings, api_key) -> None:  # type: ignore[no-untyped-def]
    """Bounded retries, then `<topic>.dlq` with the error; later records flow; `lcn dlq redrive` re-delivers."""
    key = await api_key(Role.COORDINATOR)
    await execute(platform, "monitor", POISON_TRIGGER)
    async with (
        run_service(create_registry, service_config(platform, "registry")) as (_, registry),
        run_service(create_monitor, service_config(platform, "monitor")) as (monitor_app, monitor),
    ):
        poison_id = (await post_community(registry, key, name="Poison Fieldlab")).json()["community_id"]
        healthy_id = (await post_community(registry, key, name="Talent Innovatie Pool")).json()["community_id"]
        await wait_until(lambda: monitor_has(monitor, healthy_id), timeout=20, what="the record behind the poison")
        dlq_topic = platform.topic(COMMUNITY_TOPIC) + ".dlq"
        letters = await wait_until(
            lambda: read_dead_letters(platform.kafka_bootstrap_servers, [dlq_topic]), timeout=20, what="a dead letter"
        )
        assert len(letters) == 1
        headers = letters[0].headers
        assert headers["ce_subject"] == poison_id
        assert "simulated defect" in headers["lcn-dlq-error"]
        assert headers["lcn-dlq-attempts"] == "3"  # the first try plus consumer_max_retries=2
        assert headers["lcn-dlq-original-topic"] == platform.topic(COMMUNITY_TOPIC)
        assert not await monitor_has(monitor, poison_id)
        code, listing = await run_lcn(platform, "dlq", "list")
        assert code == 0, listing
        assert "Poison" in listing

        await execute(platform, "monitor", "DROP TRIGGER reject_poison ON community")  # the cause is fixed
        code, redriven = await run_lcn(platform, "dlq", "redrive", "--all")
        assert code == 0, redriven
        assert "re-drove 1" in redriven
        await wait_until(lambda: monitor_has(monitor, poison_id), timeout=20, what="the re-driven event")
        dead = monitor_app.state.runtime.metrics.dlq_messages.labels(dlq_topic)._value.get()
    assert dead == 1


async def test_relay_killed_mid_batch_loses_nothing_and_applies_once(platform: PlatformSettings, api_key) -> None:  # type: ignore[no-untyped-def]
    """SIGKILL the registry while its relay drains a backlog; after restart every event is applied once."""
    key = await api_key(Role.COORDINATOR)
    total = 1500
    env = platform_env(
        platform,
        LCN_KAFKA_PARTITIONS="2",
        LCN_REGISTRY_RELAY_BATCH_SIZE="50",
        LCN_REGISTRY_RELAY_ENABLED="false",
    )
    port = free_port()
    command = [sys.executable, "-m", "lcn_shared.cli", "serve", "registry", "--port", str(port)]
    writer = await asyncio.create_subprocess_exec(
        *command, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )
    try:
        import httpx

        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as registry:
            await wait_until(lambda: _ready(registry), timeout=30, what="registry without relay")
            for batch in range(total // 50):
                responses = await asyncio.gather(
                    *(post_community(registry, key, name=f"Fieldlab {batch}-{i}") for i in range(50))
                )
                assert all(r.status_code == 201 for r in responses)
    finally:
        writer.send_signal(signal.SIGTERM)
        await writer.wait()

    env["LCN_REGISTRY_RELAY_ENABLED"] = "true"
    relay = await asyncio.create_subprocess_exec(
        *command, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )
    sent_query = "SELECT count(*) AS n FROM outbox_message WHERE sent_at IS NOT NULL"
    await wait_until(lambda: _count_at_least(platform, sent_query, 200), timeout=30, what="the relay to start draining")
    relay.send_signal(signal.SIGKILL)
    await relay.wait()
    assert (await fetch(platform, "registry", sent_query))[0]["n"] < total  # killed mid-way

    relay = await asyncio.create_subprocess_exec(
        *command, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )
    try:
        async with run_service(create_monitor, service_config(platform, "monitor")):
            count = "SELECT count(*) AS n FROM community"
            await wait_until(
                lambda: _count_at_least(platform, count, total, owner="monitor"), timeout=90, what="all events"
            )
            await asyncio.sleep(1)  # let any redelivered duplicates arrive too
    finally:
        relay.send_signal(signal.SIGTERM)
        await relay.wait()
    assert (await fetch(platform, "monitor", "SELECT count(*) AS n FROM community"))[0]["n"] == total
    assert (await fetch(platform, "monitor", "SELECT count(*) AS n FROM inbox_message"))[0]["n"] == total
    assert (await fetch(platform, "registry", "SELECT count(*) AS n FROM outbox_message WHERE sent_at IS NULL"))[0][
        "n"
    ] == 0


async def _ready(client) -> bool:  # type: ignore[no-untyped-def]
    """True when the service answers ready."""
    try:
        return (await client.get("/health/ready")).status_code == 200
    except Exception:
        return False


async def _count_at_least(platform: PlatformSettings, query: str, minimum: int, owner: str = "registry") -> bool:
    """True when the query's count reaches `minimum`."""
    return (await fetch(platform, owner, query))[0]["n"] >= minimum


async def test_only_one_relay_is_active_and_a_standby_takes_over(platform: PlatformSettings) -> None:
    """Two replicas: the advisory lock lets one relay publish; when it stops, the standby takes over."""
    config = service_config(platform, "registry")
    first_replica = run_service(create_registry, config)
    first, _ = await first_replica.__aenter__()
    try:
        await wait_until(lambda: first.state.runtime.relay.active, timeout=10, what="a leader")
        async with run_service(create_registry, config) as (second, _):
            await asyncio.sleep(1)
            assert not second.state.runtime.relay.active
            await first_replica.__aexit__(None, None, None)
            await wait_until(lambda: second.state.runtime.relay.active, timeout=10, what="the standby to take over")
    finally:
        await first_replica.__aexit__(None, None, None)


async def test_unreadable_record_is_dead_lettered_at_once_and_later_records_flow(  # type: ignore[no-untyped-def]
    platform: PlatformSettings, api_key
) -> None:
    """A record that is not a CloudEvent cannot improve by retrying: straight to the DLQ, no retries."""
    key = await api_key(Role.COORDINATOR)
    async with (
        run_service(create_registry, service_config(platform, "registry")) as (_, registry),
        run_service(create_monitor, service_config(platform, "monitor")) as (_, monitor),
    ):
        producer = AIOKafkaProducer(bootstrap_servers=platform.kafka_bootstrap_servers)
        await producer.start()
        try:
            for body in (b"\x00garbage", b"[1, 2, 3]"):
                headers = [("content-type", b"application/cloudevents+json")] if body.startswith(b"[") else []
                await producer.send_and_wait(platform.topic(COMMUNITY_TOPIC), value=body, key=b"x", headers=headers)
        finally:
            await producer.stop()
        community_id = (await post_community(registry, key)).json()["community_id"]
        await wait_until(lambda: monitor_has(monitor, community_id), timeout=20, what="the record behind the garbage")
        dlq_topic = platform.topic(COMMUNITY_TOPIC) + ".dlq"

        async def monitors_letters() -> list[DeadLetter] | None:
            # The registry's own consumer of the topic dead-letters the same records under its name.
            letters = await read_dead_letters(platform.kafka_bootstrap_servers, [dlq_topic])
            mine = [
                letter for letter in letters if letter.headers["lcn-dlq-consumer"] == "monitor.community-projection"
            ]
            return mine if len(mine) == 2 else None

        letters = await wait_until(monitors_letters, timeout=20, what="dead letters")
    assert sorted(letter.value for letter in letters) == [b"\x00garbage", b"[1, 2, 3]"]
    assert {letter.headers["lcn-dlq-error-type"] for letter in letters} == {"EnvelopeError"}
    assert {letter.headers["lcn-dlq-attempts"] for letter in letters} == {"1"}
