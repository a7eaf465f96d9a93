"""Acceptance (issue 10, item 6, consuming the registry): the directory of organisation and community names follows
the registry's community events over the real broker, the newest state winning; events use it to check and show."""

from __future__ import annotations

import uuid
from datetime import timedelta
from uuid import UUID

import httpx
from aiokafka import AIOKafkaProducer

from lcn_events.directory.consumers import directory_projection
from lcn_events.messaging import CONSUMERS
from lcn_shared.contracts import CommunityMerged, all_contracts
from lcn_shared.contracts.registry import COMMUNITY_TOPIC
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import fetch, wait_until
from services.events.tests.builders import REGISTERED_AT, KeyMaker, conference_team, create, record_of, registered


async def names(platform: PlatformSettings) -> tuple[dict[UUID, tuple[str, UUID | None]], dict[UUID, str]]:
    """The directory: communities (name, merged into) and organisations' names, by id."""
    communities = await fetch(platform, "events", "SELECT community_id, name, merged_into FROM community")
    organisations = await fetch(platform, "events", "SELECT organisation_id, name FROM organisation")
    return (
        {row["community_id"]: (row["name"], row["merged_into"]) for row in communities},
        {row["organisation_id"]: row["name"] for row in organisations},
    )


def test_every_event_on_the_community_topic_has_a_handler() -> None:
    """No registry community event is skipped as `ignored`."""
    on_topic = {contract for contract in all_contracts() if contract.topic == COMMUNITY_TOPIC}
    assert directory_projection.contracts == on_topic
    assert directory_projection in CONSUMERS


async def test_acceptance_directory_follows_the_registry_and_events_use_it(
    events: httpx.AsyncClient, api_key: KeyMaker, platform: PlatformSettings
) -> None:
    """A renamed community and organisation show their newest names, whatever the order; a merged-away community id
    given to an event becomes its survivor; an organiser is checked and named from the directory."""
    hanze, community_id, duplicate_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    later = REGISTERED_AT + timedelta(days=3)
    renamed = registered(
        community_id, name="Energy College Emmen", version=2, members=[(hanze, "Hanze University")], at=later
    )
    # The older state arrives after the newer one (a redrive, say): it changes nothing.
    stale = registered(community_id, name="Energy College", members=[(hanze, "Hanze")])
    duplicate = registered(duplicate_id, name="Energy College (dubbel)")
    merged = CommunityMerged(
        community_id=community_id,
        merged_community_id=duplicate_id,
        version=3,
        merged_at=later,
        reason="review",
        state=renamed.state.model_copy(update={"version": 3}),  # type: ignore[union-attr]
    )
    async with AIOKafkaProducer(bootstrap_servers=platform.kafka_bootstrap_servers, acks="all") as producer:
        for event in (renamed, stale, duplicate, merged):
            headers, value = record_of(event)
            topic = platform.topic(event.topic)
            await producer.send_and_wait(topic, value=value, key=event.aggregate_id().encode(), headers=headers)

    async def settled() -> bool:
        communities, organisations = await names(platform)
        return communities.get(duplicate_id, ("", None))[1] == community_id and hanze in organisations

    await wait_until(settled, timeout=30, what="the directory to follow the registry")
    communities, organisations = await names(platform)
    assert communities[community_id] == ("Energy College Emmen", None)
    assert organisations == {hanze: "Hanze University"}

    team = await conference_team(api_key)
    event = await create(events, team, organiser=str(hanze), community_ids=[str(duplicate_id), str(community_id)])
    assert event["organiser_name"] == "Hanze University"
    assert event["communities"] == [{"community_id": str(community_id), "name": "Energy College Emmen"}]
    body = {"title": "Onbekend", "kind": "webinar", "starts_at": "2027-06-10T10:00:00", "organiser": str(uuid.uuid4())}
    unknown = await events.post("/v1/events", json=body, headers=team)
    assert unknown.status_code == 422, unknown.text
