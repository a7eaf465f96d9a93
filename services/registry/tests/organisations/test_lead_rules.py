"""One lead per community on every path that writes memberships besides the API's own (ADR 0021): feeds, their
survivorship, and merges. None of them may run into the one-lead index as a 500."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from lcn_registry.communities import service as communities
from lcn_registry.communities.schemas import CommunityCreate
from lcn_registry.matching import service as matching
from lcn_registry.matching.survivorship import SourceView, golden_partners
from lcn_registry.organisations.models import Membership, Organisation
from lcn_registry.organisations.service import settle_lead
from lcn_shared.auth import Principal, Role
from lcn_shared.db import SessionFactory, unit_of_work
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import fetch
from services.registry.tests.communities.builders import (
    IssueKey,
    create_community_body,
    create_coordinator,
    create_feed_caller,
    hand_over_lead,
    put_organisation,
    running_registry,
)
from services.registry.tests.feeds.builders import create_record, deliver

NOW = datetime(2026, 12, 2, tzinfo=UTC)
ROLES = """
SELECT organisation.name, membership.role, membership.origin FROM membership JOIN organisation USING (organisation_id)
WHERE community_id = $1
"""


def partners(*named: tuple[str, str]) -> list[dict[str, Any]]:
    """Feed partners from (name, role) pairs."""
    return [{"name": name, "type": "other", "role": role} for name, role in named]


async def roles(platform: PlatformSettings, community_id: str | uuid.UUID) -> dict[str, tuple[str, str]]:
    """Each member's role and origin by name."""
    rows = await fetch(platform, "registry", ROLES, uuid.UUID(str(community_id)))
    return {row["name"]: (row["role"], row["origin"]) for row in rows}


def held(name: str, role: str, origin: str) -> tuple[Membership, Organisation]:
    """A current membership as `_sync_memberships` reads it."""
    organisation_id = uuid.uuid4()
    organisation = Organisation(
        organisation_id=organisation_id, name=name, name_key=name.lower(), type="other", created_at=NOW, updated_at=NOW
    )
    membership = Membership(
        community_id=uuid.uuid4(), organisation_id=organisation_id, role=role, origin=origin, created_at=NOW
    )
    return membership, organisation


def wanted(*named: tuple[str, str]) -> dict[str, dict[str, Any]]:
    """Partners as survivorship gives them, by key."""
    return {
        name.lower(): {"name": name, "type": "other", "role": role, "origin": "feed:katapult"} for name, role in named
    }


def test_survivorship_keeps_the_best_sources_lead_and_makes_other_named_leads_partners() -> None:
    """Two sources name different leads (and one record names two): the best source's first lead leads."""
    best = SourceView("regional:overijssel", "R-1", {"partners": partners(("Saxion", "lead"), ("Demcon", "lead"))}, NOW)
    other = SourceView("katapult", "K-1", {"partners": partners(("ROC van Twente", "lead"))}, NOW)
    found = golden_partners([other, best])
    assert {partner["name"]: partner["role"] for partner in found.values()} == {
        "Saxion": "lead",
        "Demcon": "partner",
        "ROC van Twente": "partner",
    }


def test_settle_lead_keeps_an_api_set_lead_and_a_feed_lead_the_sources_stopped_naming() -> None:
    """An API-set lead stays whatever the feed says; a feed-given one stays until the sources name another."""
    api_lead = {"windesheim": held("Windesheim", "lead", "api")}
    settled = settle_lead(wanted(("Saxion", "lead")), api_lead)
    assert {key: partner["role"] for key, partner in settled.items()} == {"saxion": "partner"}
    feed_lead = {"saxion": held("Saxion", "lead", "feed:katapult")}
    replaced = settle_lead(wanted(("Demcon", "lead"), ("Saxion", "partner")), feed_lead)
    assert {key: partner["role"] for key, partner in replaced.items()} == {"demcon": "lead", "saxion": "partner"}
    unnamed = settle_lead(wanted(("Demcon", "partner")), feed_lead)
    assert {key: partner["role"] for key, partner in unnamed.items()} == {"demcon": "partner", "saxion": "lead"}
    assert settle_lead(wanted(("Saxion", "lead")), {}) == wanted(("Saxion", "lead"))


async def test_a_feed_replaces_its_own_penvoerder_without_a_second_lead(platform: PlatformSettings) -> None:
    """The sources move the lead from Saxion to ROC van Twente (both stay), then to Demcon (the others leave): each
    delivery is accepted and the community has one lead, the one the sources name."""
    feed = await create_feed_caller(platform)
    async with running_registry(platform) as client:
        first = await deliver(client, feed.key, "katapult", [create_record("KAT-1")])
        community_id = first.json()["results"][0]["community_id"]
        swapped = partners(("Saxion", "partner"), ("ROC van Twente", "lead"), ("Demcon", "partner"))
        second = await deliver(client, feed.key, "katapult", [create_record("KAT-1", partners=swapped)])
        after_second = await roles(platform, community_id)
        third = await deliver(
            client, feed.key, "katapult", [create_record("KAT-1", partners=partners(("Demcon", "lead")))]
        )
    for response in (first, second, third):
        assert response.status_code == 201, response.text
        assert response.json()["results"][0]["outcome"] in ("added", "updated"), response.text
    assert {name: role for name, (role, _) in after_second.items()} == {
        "Saxion": "partner",
        "ROC van Twente": "lead",
        "Demcon": "partner",
    }
    assert await roles(platform, community_id) == {"Demcon": ("lead", "feed:katapult")}


async def test_a_feed_never_displaces_a_lead_set_through_the_api(platform: PlatformSettings, api_key: IssueKey) -> None:
    """A coordinator hands a feed's community to Windesheim; the feed then names Saxion as penvoerder again and
    again: Saxion takes part as a partner, Windesheim keeps the lead. A record naming two leads founds a
    community with one."""
    feed = await create_feed_caller(platform)
    coordinator = await create_coordinator(api_key)
    windesheim = uuid.uuid4()
    async with running_registry(platform) as client:
        first = await deliver(client, feed.key, "katapult", [create_record("KAT-1")])
        community_id = first.json()["results"][0]["community_id"]
        await put_organisation(client, coordinator, windesheim, "Windesheim", "school-hbo")
        handed = await hand_over_lead(client, coordinator, community_id, windesheim)
        renamed = create_record("KAT-1", description="Nieuwe beschrijving")
        again = await deliver(client, feed.key, "katapult", [renamed])
        two_leads = partners(("Saxion", "lead"), ("Demcon", "lead"))
        founded = await deliver(
            client, feed.key, "katapult", [create_record("KAT-9", name="Smart Industry Hub Zwolle", partners=two_leads)]
        )
    assert handed.status_code == 204, handed.text
    assert again.status_code == 201, again.text
    assert await roles(platform, community_id) == {
        "Windesheim": ("lead", "api"),
        "Saxion": ("partner", "feed:katapult"),
        "ROC van Twente": ("partner", "feed:katapult"),
        "Demcon": ("partner", "feed:katapult"),
    }
    new_id = founded.json()["results"][0]["community_id"]
    assert {name: role for name, (role, _) in (await roles(platform, new_id)).items()} == {
        "Saxion": "lead",
        "Demcon": "partner",
    }


def partner_principal(name: str) -> Principal:
    """A partner's credential for its own new organisation."""
    return Principal(key_id=f"{name}-key", role=Role.PARTNER, organisation_id=uuid.uuid4(), organisation_name=name)


async def test_a_merge_of_two_led_communities_keeps_the_survivors_lead(
    platform: PlatformSettings, sessions: SessionFactory
) -> None:
    """Each community has its registrant as lead; after the merge the survivor's lead leads and the other's takes
    part as a partner who may edit."""
    async with unit_of_work(sessions) as session:
        survivor, merged = await communities.register_communities(
            session,
            [
                communities.NewCommunity(
                    CommunityCreate.model_validate(create_community_body()), partner_principal("Hanze")
                ),
                communities.NewCommunity(
                    CommunityCreate.model_validate(create_community_body(name="Energy College Drenthe")),
                    partner_principal("Drenthe College"),
                ),
            ],
        )
    async with unit_of_work(sessions) as session:
        await matching.merge_communities(
            session, survivor_id=survivor.community_id, merged_id=merged.community_id, actor="test", reason="manual"
        )
    assert {name: role for name, (role, _) in (await roles(platform, survivor.community_id)).items()} == {
        "Hanze": "lead",
        "Drenthe College": "partner",
    }
    rows = await fetch(platform, "registry", "SELECT can_edit FROM membership WHERE role = 'partner'")
    assert [row["can_edit"] for row in rows] == [True]
