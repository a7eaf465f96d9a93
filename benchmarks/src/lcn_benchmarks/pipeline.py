"""`lcn bench pipeline`: relay drain rate, registry-to-monitor propagation under load, and a bare baseline.

Everything runs on throwaway infrastructure it starts itself (or on `DATABASE_URL` / `KAFKA_BOOTSTRAP_SERVERS`
under unique prefixes) and stops again; the numbers go to a Markdown report and a JSON file.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Coroutine, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from lcn_benchmarks import saturation
from lcn_benchmarks.load import (
    OUTBOX_COLUMNS,
    READY_TIMEOUT_SECONDS,
    SHARED_KEY_SHARE,
    LoadProfile,
    LoadResult,
    ServiceProcess,
    community_bodies,
    key_counts,
    load_client,
    outbox_backlog,
    percentiles,
    run_open_loop,
    start_service,
    wait_ready,
)
from lcn_benchmarks.report import CpuMeter, machine_info, print_summary, write_report
from lcn_shared.auth.keys import Role, create_key
from lcn_shared.contracts.registry import COMMUNITY_TOPIC
from lcn_shared.db import create_engine, create_session_factory, unit_of_work
from lcn_shared.embedded import EmbeddedKafka, EmbeddedPostgres, free_port
from lcn_shared.messaging.relay import OutboxRelay
from lcn_shared.messaging.topics import ensure_topics
from lcn_shared.migrations import migrate
from lcn_shared.settings import IDENTITY, PlatformSettings, asyncpg_dsn, load_config
from lcn_shared.telemetry.metrics import KitMetrics
from lcn_shared.telemetry.tracing import create_tracer_provider

try:
    import uvloop
except ImportError:  # the benchmark still runs on the default loop, only its generator is slower
    uvloop = None  # type: ignore[assignment]

T = TypeVar("T")
WARMUP_SECONDS = 3.0
CATCH_UP_STALL_SECONDS = 15.0
PROJECTED_AT = """
SELECT community_id::text, extract(epoch FROM projected_at)::float8 FROM community
WHERE community_id = ANY($1::uuid[])
"""
SENT_AT = "SELECT subject, extract(epoch FROM sent_at)::float8 FROM outbox_message WHERE subject = ANY($1::text[])"


@dataclass
class Infrastructure:
    """Where PostgreSQL and the broker are, how they were provided, and their pids when embedded."""

    platform: PlatformSettings
    description: dict[str, Any]
    pids: dict[str, int | None]

    def service_env(self) -> dict[str, str]:
        """The environment of a service process on this infrastructure."""
        platform = self.platform
        return {
            **os.environ,
            "DATABASE_URL": platform.database_url,
            "KAFKA_BOOTSTRAP_SERVERS": platform.kafka_bootstrap_servers,
            "LCN_DATABASE_PREFIX": platform.database_prefix,
            "LCN_TOPIC_PREFIX": platform.topic_prefix,
        }

    def dsn(self, owner: str) -> str:
        """A plain asyncpg DSN of `owner`'s database."""
        return asyncpg_dsn(self.platform.database_url_for(owner))


def run_pipeline_benchmark(
    *,
    output_dir: Path,
    duration_seconds: float = 30.0,
    rate_per_second: float = 300.0,
    backlog_events: int = 20000,
    saturation_seconds: float = 10.0,
    progress: bool = True,
) -> Path:
    """Run the drain, propagation, baseline and flat-out measurements; write the report, return its Markdown path."""
    console = Console(quiet=not progress)
    profile = LoadProfile(rate_per_second, duration_seconds, WARMUP_SECONDS)
    started_at = datetime.now(UTC)
    workdir = Path(tempfile.mkdtemp(prefix="lcn-bench-"))
    try:
        with benchmark_infrastructure(workdir, console) as infra:
            for owner in (IDENTITY, "registry", "monitor"):
                migrate(owner, infra.platform)
            measurements = run_sync(
                _measure(infra, workdir, profile, backlog_events, saturation_seconds, progress, console)
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    results = {
        "benchmark": "pipeline",
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "infrastructure": infra.description,
        "parameters": {
            "duration_seconds": duration_seconds,
            "rate_per_second": rate_per_second,
            "backlog_events": backlog_events,
            "saturation_seconds": saturation_seconds,
            "saturation_clients": saturation.CLIENTS,
            "warmup_seconds": WARMUP_SECONDS,
            "shared_key_share": SHARED_KEY_SHARE,
            "event_loop": "uvloop" if uvloop else "asyncio",
            "http_client": "keep-alive HTTP/1.1 pool on asyncio + httptools (LoadClient)",
            "relay_batch_size": load_config("registry").service.relay_batch_size,
            "kafka_partitions": infra.platform.kafka_partitions,
        },
        **measurements,
    }
    markdown = write_report(results, output_dir, started_at)
    print_summary(console, results, markdown)
    return markdown


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run on uvloop when it is installed, so the load generator is not the bottleneck."""
    with asyncio.Runner(loop_factory=uvloop.new_event_loop if uvloop else None) as runner:
        return runner.run(coroutine)


@contextmanager
def benchmark_infrastructure(workdir: Path, console: Console) -> Iterator[Infrastructure]:
    """Embedded PostgreSQL (durable) and Tansu, or the servers the environment names, for one run."""
    run_id = secrets.token_hex(4)
    database_url, bootstrap = os.environ.get("DATABASE_URL"), os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    description: dict[str, Any] = {}
    pids: dict[str, int | None] = {}
    with ExitStack() as stack:
        if database_url:
            description["postgres"] = "external (DATABASE_URL)"
        else:
            postgres = EmbeddedPostgres(workdir / "postgres" / "data", free_port(), durable=True)
            stack.callback(postgres.stop)
            console.log("starting embedded PostgreSQL (durable: fsync and synchronous_commit on)")
            postgres.start()
            database_url, pids["postgres"] = postgres.url, postgres.process.pid if postgres.process else None
            description["postgres"] = "embedded"
        if bootstrap:
            description["broker"] = "external Kafka-protocol broker (KAFKA_BOOTSTRAP_SERVERS)"
        else:
            kafka = EmbeddedKafka(free_port(), workdir / "tansu.log")
            stack.callback(kafka.stop)
            console.log("starting embedded Tansu broker")
            kafka.start()
            bootstrap, pids["broker"] = kafka.bootstrap_servers, kafka.process.pid if kafka.process else None
            description["broker"] = "embedded Tansu (Kafka protocol, memory storage)"
        platform = PlatformSettings(
            database_url=database_url,
            kafka_bootstrap_servers=bootstrap,
            database_prefix=f"bench{run_id}_" if "postgres" not in pids else "lcn_",
            topic_prefix=f"bench{run_id}." if "broker" not in pids else "",
        )
        if "postgres" not in pids:
            stack.callback(run_sync, drop_databases(platform))
        description.update(database_prefix=platform.database_prefix, topic_prefix=platform.topic_prefix)
        yield Infrastructure(platform, description, pids)


async def drop_databases(platform: PlatformSettings) -> None:
    """Remove this run's databases from an external server."""
    conn = await asyncpg.connect(asyncpg_dsn(platform.server_url()))
    try:
        for owner in (IDENTITY, "registry", "monitor"):
            await conn.execute(f'DROP DATABASE IF EXISTS "{platform.database_name(owner)}" WITH (FORCE)')
    finally:
        await conn.close()


async def _measure(
    infra: Infrastructure,
    workdir: Path,
    profile: LoadProfile,
    backlog_events: int,
    saturation_seconds: float,
    progress: bool,
    console: Console,
) -> dict[str, Any]:
    """The measurements, in an order that keeps each one's events out of the others'."""
    key = await _create_partner_key(infra.platform)
    infra.description.update(await server_facts(infra))
    bodies = community_bodies(profile.total_requests)
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=console, disable=not progress, refresh_per_second=4) as bar:
        drain = await _measure_drain(infra, backlog_events, bar)
        propagation = await _measure_propagation(infra, workdir, profile, bodies, key, bar)
        baseline = await _measure_baseline(infra, workdir, profile, bodies, bar)
    console.log(f"flat-out POSTs, {saturation_seconds:.0f} s each: the registry, then the baseline")
    flat_out = await saturation.measure_flat_out(
        env=infra.service_env(),
        registry_dsn=infra.dsn("registry"),
        workdir=workdir,
        roots=infra.pids,
        key=key,
        seconds=saturation_seconds,
    )
    kit, bare = propagation["write_latency_ms"], baseline["write_latency_ms"]
    comparison = {
        f"write_{q}_ratio": round(kit[q] / bare[q], 2) if bare.get(q) and kit.get(q) else None for q in ("p50", "p99")
    }
    return {
        "drain": drain,
        "propagation": propagation,
        "baseline": baseline,
        "comparison": comparison,
        "flat_out": flat_out,
    }


async def _create_partner_key(platform: PlatformSettings) -> str:
    """A partner key in the identity store, as `lcn keys create` would make it."""
    engine = create_engine(platform.database_url_for(IDENTITY), pool_size=1)
    try:
        async with unit_of_work(create_session_factory(engine)) as session:
            return await create_key(
                session, role=Role.PARTNER, organisation_id=uuid.uuid4(), organisation_name="Benchmark partner"
            )
    finally:
        await engine.dispose()


async def server_facts(infra: Infrastructure) -> dict[str, Any]:
    """PostgreSQL's version and the settings that decide how honest a commit is."""
    conn = await asyncpg.connect(infra.dsn("registry"))
    try:
        facts = {name: await conn.fetchval(f"SHOW {name}") for name in ("fsync", "synchronous_commit")}
        facts["full_page_writes"] = await conn.fetchval("SHOW full_page_writes")
        facts["postgres_version"] = await conn.fetchval("SHOW server_version")
    finally:
        await conn.close()
    return facts


async def _measure_drain(infra: Infrastructure, backlog_events: int, bar: Progress) -> dict[str, Any]:
    """Insert a backlog with no relay running, then time an in-process relay draining it to the broker."""
    # Its own topic prefix keeps the backlog off the topic the monitor will consume later.
    platform = infra.platform.model_copy(update={"topic_prefix": f"{infra.platform.topic_prefix}bench-drain."})
    topic = platform.topic(COMMUNITY_TOPIC)
    await ensure_topics(platform.kafka_bootstrap_servers, [topic], partitions=platform.kafka_partitions)
    rows = outbox_backlog(backlog_events)
    task = bar.add_task("relay drain", total=backlog_events)
    relay = OutboxRelay(
        service="registry",
        dsn=infra.dsn("registry"),
        platform=platform,
        settings=load_config("registry").service,
        metrics=KitMetrics(),
        tracer_provider=create_tracer_provider("registry"),
    )
    conn = await asyncpg.connect(infra.dsn("registry"))
    try:
        started = time.perf_counter()
        await conn.copy_records_to_table("outbox_message", records=rows, columns=OUTBOX_COLUMNS)
        insert_seconds = time.perf_counter() - started
        producer = await relay.start_producer()  # the relay's own producer settings, as in production
        try:
            drained, batches, seconds = await _drain(relay, conn, producer, lambda n: bar.update(task, completed=n))
        finally:
            await producer.stop()
        pending = await conn.fetchval("SELECT count(*) FROM outbox_message WHERE sent_at IS NULL")
    finally:
        await conn.close()
    arrived, out_of_order = await _read_topic(platform.kafka_bootstrap_servers, topic, rows)
    return {
        "events": backlog_events,
        "drained": drained,
        "batches": batches,
        "seconds": round(seconds, 3),
        "events_per_second": round(drained / seconds, 1) if seconds > 0 else 0.0,
        "insert_seconds": round(insert_seconds, 3),
        "pending_after": pending,
        "shared_key_events": sum(count for count in key_counts(rows).values() if count > 1),
        "arrived_on_topic": arrived,
        "missing_on_topic": backlog_events - arrived,
        "keys_out_of_order": out_of_order,
    }


async def _drain(
    relay: OutboxRelay, conn: asyncpg.Connection[Any], producer: Any, on_progress: Callable[[int], None]
) -> tuple[int, int, float]:
    """Call `drain_once` until a batch comes back empty; return (events, batches, seconds)."""
    drained = batches = 0
    started = time.perf_counter()
    while (sent := await relay.drain_once(conn, producer)) > 0:
        drained, batches = drained + sent, batches + 1
        on_progress(drained)
    return drained, batches, time.perf_counter() - started


async def _read_topic(bootstrap: str, topic: str, rows: list[tuple[Any, ...]]) -> tuple[int, int]:
    """Read the topic back: how many of the backlog's events arrived, and how many keys lost their order."""
    expected: dict[str, list[str]] = {}
    for row in rows:
        expected.setdefault(row[2], []).append(str(row[0]))
    observed: dict[str, list[str]] = {}
    wanted, seen = {str(row[0]) for row in rows}, set[str]()
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest")
    await consumer.start()
    try:
        idle_since = time.perf_counter()
        while len(seen) < len(wanted) and time.perf_counter() - idle_since < CATCH_UP_STALL_SECONDS:
            batch = await consumer.getmany(timeout_ms=500, max_records=10_000)
            for record in (record for records in batch.values() for record in records):
                event_id = dict(record.headers).get("ce_id", b"").decode()
                if event_id in wanted and event_id not in seen:
                    seen.add(event_id)
                    observed.setdefault(record.key.decode() if record.key else "", []).append(event_id)
                    idle_since = time.perf_counter()
    finally:
        await consumer.stop()
    out_of_order = sum(1 for key, ids in expected.items() if observed.get(key, []) != ids)
    return len(seen), out_of_order


async def _measure_propagation(
    infra: Infrastructure, workdir: Path, profile: LoadProfile, bodies: list[bytes], key: str, bar: Progress
) -> dict[str, Any]:
    """Open-loop writes to the registry; then when each community reached the monitor's read model."""
    env = infra.service_env()
    with ExitStack() as stack:
        registry = start_service(stack, "registry", "lcn_registry.main:create_app", env, workdir)
        monitor = start_service(stack, "monitor", "lcn_monitor.main:create_app", env, workdir)
        await asyncio.gather(wait_ready(registry, "/health/ready"), wait_ready(monitor, "/health/ready"))
        monitor_db = await asyncpg.connect(infra.dsn("monitor"))
        try:
            await _prime(registry, key, monitor_db)
            roots = {**infra.pids, "registry": registry.process.pid, "monitor": monitor.process.pid}
            headers = {"authorization": f"Bearer {key}"}
            load, usage = await _load(infra, registry, roots, bodies, headers, profile, bar, "kit writes")
            ids = [sample.community_id for sample in load.samples if sample.community_id]
            projected, catch_up = await _wait_for_projection(monitor_db, ids, bar)
        finally:
            await monitor_db.close()
        sent = await _fetch_times(infra.dsn("registry"), SENT_AT, ids)
    acknowledged = {s.community_id: s.completed_at for s in load.measured if s.community_id and s.completed_at}
    delays = [(projected[i] - done) * 1000 for i, done in acknowledged.items() if i in projected]
    relayed = [(sent[i] - done) * 1000 for i, done in acknowledged.items() if i in sent]
    consumed = [(projected[i] - sent[i]) * 1000 for i in acknowledged if i in sent and i in projected]
    return {
        **load.summary(),
        "propagation_ms": percentiles(delays),
        "missing": len(set(ids) - set(projected)),
        "acknowledged_writes": len(ids),
        "catch_up_seconds": round(catch_up, 2),
        # The relay marks each batch with one UPDATE, so a batch's rows share their `sent_at`.
        "relay_batches": len(set(sent.values())),
        "stages_ms": {"response_to_relay_sent": percentiles(relayed), "relay_sent_to_projected": percentiles(consumed)},
        **usage,
    }


async def _measure_baseline(
    infra: Infrastructure, workdir: Path, profile: LoadProfile, bodies: list[bytes], bar: Progress
) -> dict[str, Any]:
    """The same load against the bare FastAPI + asyncpg app on the same database."""
    env = {**infra.service_env(), "LCN_BASELINE_DATABASE_URL": infra.dsn("registry")}
    with ExitStack() as stack:
        baseline = start_service(stack, "baseline", "lcn_benchmarks.baseline_app:create_app", env, workdir)
        await wait_ready(baseline, "/health")
        roots = {**infra.pids, "baseline": baseline.process.pid}
        load, usage = await _load(infra, baseline, roots, bodies, {}, profile, bar, "baseline writes")
    return {**load.summary(), **usage}


async def _load(
    infra: Infrastructure,
    service: ServiceProcess,
    roots: dict[str, int | None],
    bodies: list[bytes],
    headers: dict[str, str],
    profile: LoadProfile,
    bar: Progress,
    label: str,
) -> tuple[LoadResult, dict[str, Any]]:
    """One open-loop run against `service`; also the CPU each process used and the database sessions opened."""
    task = bar.add_task(label, total=profile.total_requests)
    client, meter = load_client(service), CpuMeter(roots)
    sessions_before = await _session_counts(infra)
    meter.start()
    try:
        result = await run_open_loop(
            client, "/v1/communities", bodies, headers, profile, lambda n: bar.update(task, completed=n)
        )
    finally:
        client.close()
    cpu = meter.stop()
    sessions = {name: count - sessions_before.get(name, 0) for name, count in (await _session_counts(infra)).items()}
    return result, {"cpu_seconds": cpu, "postgres_sessions_opened": sessions}


async def _session_counts(infra: Infrastructure) -> dict[str, int]:
    """Sessions ever opened per database of this run: new sessions under load mean connection churn."""
    names = {infra.platform.database_name(owner): owner for owner in (IDENTITY, "registry", "monitor")}
    conn = await asyncpg.connect(infra.dsn(IDENTITY))
    try:
        rows = await conn.fetch("SELECT datname, sessions FROM pg_stat_database WHERE datname = ANY($1)", list(names))
    finally:
        await conn.close()
    return {names[row["datname"]]: int(row["sessions"]) for row in rows}


async def _prime(registry: ServiceProcess, key: str, monitor_db: asyncpg.Connection[Any]) -> None:
    """One write end to end, so the monitor's consumer is assigned its partitions before the clock runs."""
    body = {"name": "Benchmark primer", "kinds": ["civ"], "landsdeel": "noord", "topsectors": ["energie"]}
    async with httpx.AsyncClient(base_url=registry.url) as client:
        response = await client.post("/v1/communities", json=body, headers={"authorization": f"Bearer {key}"})
    response.raise_for_status()
    community_id = response.json()["community_id"]
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while not await monitor_db.fetch(PROJECTED_AT, [community_id]):
        if time.monotonic() > deadline:
            raise TimeoutError("the monitor never projected the primer event")
        await asyncio.sleep(0.1)


async def _wait_for_projection(
    monitor_db: asyncpg.Connection[Any], ids: list[str], bar: Progress
) -> tuple[dict[str, float], float]:
    """Poll the read model until every id is there or progress stalls; return projected_at per id and the wait."""
    task = bar.add_task("monitor catch-up", total=len(ids))
    projected: dict[str, float] = {}
    started = last_progress = time.perf_counter()
    while len(projected) < len(ids) and time.perf_counter() - last_progress < CATCH_UP_STALL_SECONDS:
        rows = await monitor_db.fetch(PROJECTED_AT, [i for i in ids if i not in projected])
        if rows:
            projected.update((row[0], row[1]) for row in rows)
            last_progress = time.perf_counter()
            bar.update(task, completed=len(projected))
        if len(projected) < len(ids):
            await asyncio.sleep(0.2)
    return projected, time.perf_counter() - started


async def _fetch_times(dsn: str, query: str, ids: list[str]) -> dict[str, float]:
    """Run a `(id, epoch seconds)` query for `ids` and return it as a dict."""
    conn = await asyncpg.connect(dsn)
    try:
        return {row[0]: row[1] for row in await conn.fetch(query, ids) if row[1] is not None}
    finally:
        await conn.close()
