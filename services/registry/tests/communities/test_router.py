"""The community endpoints against real PostgreSQL and the real broker: ETags, If-Match, Idempotency-Key, 308s."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from uuid import UUID

import httpx

from lcn_registry.communities.flows import REGISTRATIONS
from lcn_registry.main import create_app
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import execute, run_service, service_config, wait_until
from services.registry.tests.communities.builders import (
    IssueKey,
    assert_problem,
    count_rows,
    create_community,
    create_community_body,
    create_coordinator,
    create_partner,
    held_lock,
    lock_waiters,
    outbox_events,
    patch_community,
    running_registry,
)


async def test_acceptance_concurrency_two_patches_with_one_etag_give_one_200_and_one_412(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Acceptance "Concurrency": both PATCHes hold ETag "1" and are truly in flight at once; one wins."""
    partner = await create_partner(api_key)
    async with running_registry(platform) as client:
        community_id = (await create_community(client, partner))["community_id"]
        lock = "SELECT 1 FROM community WHERE community_id = $1 FOR UPDATE"
        async with held_lock(platform, lock, UUID(community_id)):
            both = asyncio.gather(
                patch_community(client, partner, community_id, {"name": "Energy College Emmen-Noord"}),
                patch_community(client, partner, community_id, {"description": "Waterstof en netcongestie."}),
            )
            await lock_waiters(platform, 2)  # both passed auth and If-Match parsing and wait for the row
        responses = await both
        current = await client.get(f"/v1/communities/{community_id}")
        updated = await outbox_events(platform, "updated")

        await wait_until(lambda: _all_sent(platform), timeout=10, what="the relay to publish the update")
    assert sorted(response.status_code for response in responses) == [200, 412]
    (winner,) = [response for response in responses if response.status_code == 200]
    (loser,) = [response for response in responses if response.status_code == 412]
    problem = assert_problem(loser, 412)
    assert problem["current_version"] == 2
    assert winner.headers["etag"] == '"2"'
    assert current.json()["version"] == 2
    assert current.headers["etag"] == '"2"'
    assert len(updated) == 1
    assert updated[0]["payload"]["version"] == 2
    assert await count_rows(platform, "community_change", "change = 'updated'") == 1


async def _all_sent(platform: PlatformSettings) -> bool:
    """True when the relay has published every staged event."""
    return await count_rows(platform, "outbox_message", "sent_at IS NULL") == 0


async def test_patch_without_if_match_is_428_and_changes_nothing(platform: PlatformSettings, api_key: IssueKey) -> None:
    """Acceptance "Concurrency": a change must name the version it saw."""
    partner = await create_partner(api_key)
    async with running_registry(platform) as client:
        community_id = (await create_community(client, partner))["community_id"]
        response = await patch_community(client, partner, community_id, {"name": "Renamed"}, if_match=None)
        status = await client.post(
            f"/v1/communities/{community_id}/status", json={"status": "ended"}, headers=partner.headers
        )
        current = (await client.get(f"/v1/communities/{community_id}")).json()
    assert_problem(response, 428)
    assert_problem(status, 428)
    assert (current["name"], current["version"]) == ("Energy College Emmen", 1)


async def test_if_match_star_and_the_current_etag_succeed(platform: PlatformSettings, api_key: IssueKey) -> None:
    """Acceptance "Concurrency": `*` matches any version; the ETag of the last answer matches the next change."""
    partner = await create_partner(api_key)
    async with running_registry(platform) as client:
        community_id = (await create_community(client, partner))["community_id"]
        star = await patch_community(client, partner, community_id, {"name": "Energy College Zuidoost"}, if_match="*")
        chained = await patch_community(
            client, partner, community_id, {"municipality": "Emmen"}, if_match=star.headers["etag"]
        )
    assert star.status_code == 200, star.text
    assert star.headers["etag"] == '"2"'
    assert chained.status_code == 200, chained.text
    assert chained.json()["version"] == 3


async def test_weak_or_stale_etag_is_412(platform: PlatformSettings, api_key: IssueKey) -> None:
    """Acceptance "Concurrency": a weak ETag never matches under If-Match; a stale one is refused with the version."""
    partner = await create_partner(api_key)
    async with running_registry(platform) as client:
        community_id = (await create_community(client, partner))["community_id"]
        weak = await patch_community(client, partner, community_id, {"name": "Weak"}, if_match='W/"1"')
        garbage = await patch_community(client, partner, community_id, {"name": "Garbage"}, if_match="one")
        await patch_community(client, partner, community_id, {"name": "Energy College Assen"})
        stale = await patch_community(client, partner, community_id, {"name": "Stale"}, if_match='"1"')
    assert_problem(weak, 412)
    assert_problem(garbage, 412)
    assert assert_problem(stale, 412)["current_version"] == 2
    assert await count_rows(platform, "community", "version = 2 AND name = 'Energy College Assen'") == 1


async def test_get_returns_the_community_with_its_etag_and_404_for_an_unknown_id(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Reads need no key; the ETag is the version."""
    partner = await create_partner(api_key)
    async with running_registry(platform) as client:
        created = await create_community(client, partner)
        found = await client.get(f"/v1/communities/{created['community_id']}")
        missing = await client.get(f"/v1/communities/{uuid.uuid4()}")
    assert found.status_code == 200
    assert found.headers["etag"] == '"1"'
    assert found.json() == created
    assert_problem(missing, 404)


async def test_same_idempotency_key_and_body_replays_the_first_answer(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """A retried POST gets the same 201, body and Location, marked replayed; one row, one event."""
    partner = await create_partner(api_key)
    headers = partner.headers | {"Idempotency-Key": "register-energy-college"}
    async with running_registry(platform) as client:
        first = await client.post("/v1/communities", json=create_community_body(), headers=headers)
        second = await client.post("/v1/communities", json=create_community_body(), headers=headers)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert second.headers["location"] == first.headers["location"]
    assert second.headers["etag"] == first.headers["etag"]
    assert "idempotent-replayed" not in first.headers
    assert second.headers["idempotent-replayed"] == "true"
    assert await count_rows(platform, "community") == 1
    assert len(await outbox_events(platform, "registered")) == 1


async def test_same_idempotency_key_with_another_body_is_422(platform: PlatformSettings, api_key: IssueKey) -> None:
    """A key names one request: reusing it for a different one is refused, and nothing new is written."""
    partner = await create_partner(api_key)
    headers = partner.headers | {"Idempotency-Key": "k-1"}
    async with running_registry(platform) as client:
        first = await client.post("/v1/communities", json=create_community_body(), headers=headers)
        other = await client.post("/v1/communities", json=create_community_body(name="Other College"), headers=headers)
        too_long = await client.post(
            "/v1/communities", json=create_community_body(), headers=partner.headers | {"Idempotency-Key": "k" * 256}
        )
    assert first.status_code == 201
    assert assert_problem(other, 422)["type"].endswith("/idempotency-key-reused")
    assert_problem(too_long, 400)
    assert await count_rows(platform, "community") == 1


async def test_different_callers_use_the_same_idempotency_key_independently(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Keys are scoped per caller: two partners' "k-1" are two requests."""
    first_partner = await create_partner(api_key, "ROC van Twente")
    second_partner = await create_partner(api_key, "Saxion")
    async with running_registry(platform) as client:
        first = await client.post(
            "/v1/communities", json=create_community_body(), headers=first_partner.headers | {"Idempotency-Key": "k-1"}
        )
        second = await client.post(
            "/v1/communities", json=create_community_body(), headers=second_partner.headers | {"Idempotency-Key": "k-1"}
        )
    assert (first.status_code, second.status_code) == (201, 201)
    assert "idempotent-replayed" not in second.headers
    assert first.json()["community_id"] != second.json()["community_id"]
    assert await count_rows(platform, "community") == 2


async def test_concurrent_posts_with_one_idempotency_key_to_two_replicas_register_one_community(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Two registry processes get the same key at once: one holds the key's claim, the other waits on it in
    PostgreSQL; one community results and the second answer is the first one replayed."""
    partner = await create_partner(api_key)
    headers = partner.headers | {"Idempotency-Key": "concurrent"}
    async with running_registry(platform) as first, running_registry(platform) as second:
        # Blocking inserts into `community` parks the claimant there, and the other request on the claim.
        async with held_lock(platform, "LOCK TABLE community IN EXCLUSIVE MODE"):
            both = asyncio.gather(
                first.post("/v1/communities", json=create_community_body(), headers=headers),
                second.post("/v1/communities", json=create_community_body(), headers=headers),
            )
            await lock_waiters(platform, 2)
        responses = await both
    assert [response.status_code for response in responses] == [201, 201]
    assert responses[0].json() == responses[1].json()
    assert sorted(response.headers.get("idempotent-replayed", "no") for response in responses) == ["no", "true"]
    assert await count_rows(platform, "community") == 1
    assert len(await outbox_events(platform, "registered")) == 1


async def test_one_idempotency_key_twice_in_one_group_commit_registers_once_and_replays(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Registrations that arrive while a batch is written share the next one (ADR 0018); a key sent twice
    in it registers one community, and the second request gets the first answer replayed."""
    partner = await create_partner(api_key)
    keyed = partner.headers | {"Idempotency-Key": "twice"}
    config = service_config(platform, "registry", consumers_enabled=False)
    async with run_service(create_app, config) as (app, client):
        runtime = app.state.runtime
        async with held_lock(platform, "LOCK TABLE community IN EXCLUSIVE MODE"):
            blocker = asyncio.ensure_future(
                client.post("/v1/communities", json=create_community_body(), headers=partner.headers)
            )
            await lock_waiters(platform, 1)
            both = asyncio.gather(
                client.post("/v1/communities", json=create_community_body(), headers=keyed),
                client.post("/v1/communities", json=create_community_body(), headers=keyed),
            )
            await wait_until(lambda: REGISTRATIONS.waiting(runtime) == 2, timeout=10, what="two queued requests")
        responses = await both
        assert (await blocker).status_code == 201
    assert [response.status_code for response in responses] == [201, 201]
    assert responses[0].json() == responses[1].json()
    assert [response.headers.get("idempotent-replayed", "no") for response in responses] == ["no", "true"]
    assert await count_rows(platform, "community") == 2
    assert len(await outbox_events(platform, "registered")) == 2


async def test_a_registration_that_fails_in_a_group_commit_fails_alone(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """A batch that fails as a whole is written again one by one: the request at fault gets its error,
    the others in its batch are registered."""
    partner = await create_partner(api_key)
    config = service_config(platform, "registry", consumers_enabled=False)
    async with run_service(create_app, config) as (app, client):
        runtime = app.state.runtime
        # A partner's name that no row may hold: its registration fails in the database, the others do not.
        await execute(
            platform,
            "registry",
            "ALTER TABLE community ADD CONSTRAINT test_no_doomed CHECK (name <> 'Doomed')",
        )
        async with held_lock(platform, "LOCK TABLE community IN EXCLUSIVE MODE"):
            blocker = asyncio.ensure_future(
                client.post("/v1/communities", json=create_community_body(), headers=partner.headers)
            )
            await lock_waiters(platform, 1)
            batch = asyncio.gather(
                client.post("/v1/communities", json=create_community_body(name="Fine 1"), headers=partner.headers),
                client.post("/v1/communities", json=create_community_body(name="Doomed"), headers=partner.headers),
                client.post("/v1/communities", json=create_community_body(name="Fine 2"), headers=partner.headers),
            )
            await wait_until(lambda: REGISTRATIONS.waiting(runtime) == 3, timeout=10, what="three queued requests")
        responses = await batch
        assert (await blocker).status_code == 201
    assert [response.status_code for response in responses] == [201, 409, 201]
    assert await count_rows(platform, "community") == 3
    assert len(await outbox_events(platform, "registered")) == 3


async def test_merged_away_id_answers_308_to_the_surviving_community(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """A `community_redirect` row sends reads of the old id (and its history) to the survivor."""
    coordinator = await create_coordinator(api_key)
    merged_id = uuid.uuid4()
    async with running_registry(platform) as client:
        survivor_id = (await create_community(client, coordinator))["community_id"]
        await execute(
            platform,
            "registry",
            "INSERT INTO community_redirect (merged_community_id, community_id, merged_at) "
            f"VALUES ('{merged_id}', '{survivor_id}', '{datetime.now(UTC).isoformat()}')",
        )
        read = await client.get(f"/v1/communities/{merged_id}")
        history = await client.get(f"/v1/communities/{merged_id}/history?limit=5")
        patch = await patch_community(client, coordinator, str(merged_id), {"name": "Renamed"})
        followed = await client.get(f"/v1/communities/{merged_id}", follow_redirects=True)
    assert_problem(read, 308)
    assert read.headers["location"].endswith(f"/v1/communities/{survivor_id}")
    assert_problem(history, 308)
    assert httpx.URL(history.headers["location"]).path == f"/v1/communities/{survivor_id}/history"
    assert httpx.URL(history.headers["location"]).params["limit"] == "5"
    assert_problem(patch, 308)
    assert followed.status_code == 200
    assert followed.json()["community_id"] == survivor_id
