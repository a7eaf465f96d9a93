"""Events that carry the community's state: the newest state wins, in whatever order events arrive."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from lcn_monitor.communities import repository, service
from lcn_shared.contracts.base import EventContract
from lcn_shared.contracts.registry import CommunityMember
from lcn_shared.db import SessionFactory, unit_of_work
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import fetch
from services.monitor.tests.communities.builders import (
    apply,
    create_membership_changed,
    create_merged,
    create_registered,
    create_state,
    create_status_changed,
    create_updated,
    envelope_of,
    with_state,
)
from services.monitor.tests.communities.test_service import partners_of, row_of

HANZE = uuid.uuid4()


def hanze(role: str = "lead", name: str = "Hanzehogeschool") -> CommunityMember:
    """An organisation as states carry it."""
    return CommunityMember.model_validate(
        {"organisation_id": HANZE, "organisation_name": name, "organisation_type": "school-hbo", "role": role}
    )


async def registered(sessions: SessionFactory, community_id: UUID | None = None) -> UUID:
    """Project a `registered` event carrying its state at version 1."""
    event = create_registered(community_id)
    await apply(sessions, service.project_registered, with_state(event, create_state(1)))
    return event.community_id


async def test_a_state_replaces_every_kept_field_and_the_partners(
    platform: PlatformSettings, sessions: SessionFactory
) -> None:
    """Every kept field comes from the state, whatever the event's own fields say (the update names only one)."""
    community_id = await registered(sessions)
    state = create_state(
        2,
        name="Energy College Emmen",
        kinds=["lectoraat"],
        landsdeel="oost",
        province="overijssel",
        municipality=None,
        topsectors=["htsm", "energie"],
        primary_topsector="htsm",
        key_technologies=[],
        education_levels=["hbo", "wo"],
        status="ended",
        phase=None,
        owner_organisation_id=HANZE,
        members=[hanze()],
    )
    await apply(sessions, service.project_updated, with_state(create_updated(community_id, 2, {"name": "x"}), state))
    row = await row_of(platform, community_id)
    assert (row["name"], row["kind"], row["kinds"]) == ("Energy College Emmen", "lectoraat", ["lectoraat"])
    assert (row["landsdeel"], row["province"], row["municipality"]) == ("oost", "overijssel", None)
    assert (row["topsectors"], row["primary_topsector"]) == (["htsm", "energie"], "htsm")
    assert (row["key_technologies"], row["education_levels"]) == ([], ["hbo", "wo"])
    assert (row["status"], row["phase"], row["owner_organisation_id"], row["version"]) == ("ended", None, HANZE, 2)
    assert partners_of(row) == {
        str(HANZE): {"name": "Hanzehogeschool", "type": "school-hbo", "role": "lead", "can_edit": True}
    }


async def test_an_older_state_after_a_newer_one_loses_nothing(
    platform: PlatformSettings, sessions: SessionFactory
) -> None:
    """Version 3 applied before version 2 (a redriven dead letter): 2 is skipped and 3's fields, which
    include 2's change, stay."""
    community_id = await registered(sessions)
    second = create_state(2, name="Renamed", phase="mature")
    third = create_state(3, name="Renamed", phase="mature", status="ended")
    status = create_status_changed(community_id, 3, "active", "ended")
    await apply(sessions, service.project_status_changed, with_state(status, third))
    await apply(sessions, service.project_updated, with_state(create_updated(community_id, 2, {"name": "x"}), second))
    row = await row_of(platform, community_id)
    assert (row["name"], row["phase"], row["status"], row["version"]) == ("Renamed", "mature", "ended", 3)


async def test_the_same_version_again_changes_nothing(platform: PlatformSettings, sessions: SessionFactory) -> None:
    """A replay of the version the row holds does not even touch the row."""
    community_id = await registered(sessions)
    before = await row_of(platform, community_id)
    await apply(sessions, service.project_updated, with_state(create_updated(community_id, 1, {}), create_state(1)))
    assert (await row_of(platform, community_id))["projected_at"] == before["projected_at"]


async def test_an_event_about_a_community_never_seen_creates_it(
    platform: PlatformSettings, sessions: SessionFactory
) -> None:
    """Its registration was dead-lettered (or is on its way): the state is enough, nothing waits in a DLQ."""
    community_id = uuid.uuid4()
    membership = create_membership_changed(community_id, 4, HANZE, "added", "partner")
    await apply(
        sessions,
        service.project_membership_changed,
        with_state(membership, create_state(4, members=[hanze("partner")])),
    )
    row = await row_of(platform, community_id)
    assert (row["name"], row["version"]) == ("Energy College", 4)
    assert partners_of(row)[str(HANZE)]["role"] == "partner"
    await registered(sessions, community_id)  # the late registration is older: it changes nothing
    assert (await row_of(platform, community_id))["version"] == 4


async def test_a_renamed_partner_is_shown_under_its_new_name(
    platform: PlatformSettings, sessions: SessionFactory
) -> None:
    """An organisation's rename reaches the read model as a membership change that carries the new name."""
    community_id = uuid.uuid4()
    await apply(
        sessions,
        service.project_registered,
        with_state(create_registered(community_id), create_state(1, members=[hanze()])),
    )
    renamed = create_membership_changed(community_id, 2, HANZE, "changed", "lead", organisation_name="Hanze")
    await apply(
        sessions,
        service.project_membership_changed,
        with_state(renamed, create_state(2, members=[hanze(name="Hanze")])),
    )
    assert partners_of(await row_of(platform, community_id))[str(HANZE)]["name"] == "Hanze"


async def test_a_merge_with_state_redirects_the_duplicate_even_when_the_survivor_is_unknown(
    platform: PlatformSettings, sessions: SessionFactory
) -> None:
    """The survivor is created from the merge's state, the duplicate's id redirects to it, and the
    duplicate's late registration fills in its stub without reviving it."""
    survivor_id, duplicate_id = uuid.uuid4(), uuid.uuid4()
    merged = with_state(create_merged(survivor_id, duplicate_id, 5), create_state(5, name="Survivor"))
    await apply(sessions, service.project_merged, merged)
    await registered(sessions, duplicate_id)
    duplicate = await row_of(platform, duplicate_id)
    assert (duplicate["merged_into"], duplicate["version"]) == (survivor_id, 1)
    async with unit_of_work(sessions) as session:
        resolved = await service.resolve_community(session, community_id=duplicate_id)
        listed, total = await repository.page(session, limit=10, offset=0)
    assert resolved.community_id == survivor_id
    assert ([community.name for community in listed], total) == (["Survivor"], 1)


async def project_poll(sessions: SessionFactory, *events: EventContract) -> None:
    """Apply events as one poll of the consumer: one call of the batch projection, in one unit of work."""
    async with unit_of_work(sessions) as session:
        await service.project_all(session, [(event, envelope_of(event)) for event in events])  # type: ignore[misc]


async def test_a_poll_writes_the_newest_state_of_each_community(
    platform: PlatformSettings, sessions: SessionFactory
) -> None:
    """States of one community in one poll, out of order: the row ends at the newest, whatever came last."""
    first, second = uuid.uuid4(), uuid.uuid4()
    await project_poll(
        sessions,
        with_state(create_registered(first), create_state(1)),
        with_state(create_updated(first, 3, {"name": "Drie"}), create_state(3, name="Drie")),
        with_state(create_registered(second), create_state(1, name="Tweede")),
        with_state(create_updated(first, 2, {"name": "Twee"}), create_state(2, name="Twee")),
    )
    assert ((await row_of(platform, first))["name"], (await row_of(platform, first))["version"]) == ("Drie", 3)
    assert (await row_of(platform, second))["name"] == "Tweede"


async def test_an_event_without_a_state_in_a_poll_keeps_its_place_in_the_order(
    platform: PlatformSettings, sessions: SessionFactory
) -> None:
    """An event from before states were carried is applied field by field after the states before it and
    before the ones after it, so the newest version still wins."""
    community_id = uuid.uuid4()
    await project_poll(
        sessions,
        with_state(create_registered(community_id), create_state(1)),
        create_updated(community_id, 2, {"name": "Zonder staat"}),
        with_state(
            create_status_changed(community_id, 3, "active", "ended"),
            create_state(3, name="Zonder staat", status="ended"),
        ),
    )
    row = await row_of(platform, community_id)
    assert (row["name"], row["status"], row["version"]) == ("Zonder staat", "ended", 3)


async def test_a_merge_in_a_poll_redirects_after_the_states_before_it(
    platform: PlatformSettings, sessions: SessionFactory
) -> None:
    """The duplicate's registration and the merge arrive in one poll: the duplicate ends redirected."""
    survivor, duplicate = uuid.uuid4(), uuid.uuid4()
    await project_poll(
        sessions,
        with_state(create_registered(survivor), create_state(1)),
        with_state(create_registered(duplicate), create_state(1, name="Dubbel")),
        with_state(create_merged(survivor, duplicate, 2), create_state(2)),
    )
    assert (await row_of(platform, duplicate))["merged_into"] == survivor
    assert (await row_of(platform, survivor))["version"] == 2


async def test_a_state_keeps_who_may_edit_and_the_dates(platform: PlatformSettings, sessions: SessionFactory) -> None:
    """A lead may always edit; a partner the lead let edit keeps `can_edit`; another partner has not; the start and
    end dates come along (the registry-derived indicators count by them)."""
    community_id = await registered(sessions)
    editor, other = uuid.uuid4(), uuid.uuid4()
    members = [
        hanze(),
        CommunityMember.model_validate(
            {
                "organisation_id": editor,
                "organisation_name": "Enexis",
                "organisation_type": "company-large",
                "role": "partner",
                "can_edit": True,
            }
        ),
        CommunityMember.model_validate(
            {
                "organisation_id": other,
                "organisation_name": "Gasunie",
                "organisation_type": "company-large",
                "role": "partner",
            }
        ),
    ]
    state = create_state(2, members=members, start_date="2019-03-01", end_date="2025-12-31", status="ended")
    await apply(sessions, service.project_updated, with_state(create_updated(community_id, 2, {"name": "x"}), state))
    row = await row_of(platform, community_id)
    assert {key: value["can_edit"] for key, value in partners_of(row).items()} == {
        str(HANZE): True,
        str(editor): True,
        str(other): False,
    }
    assert (str(row["start_date"]), str(row["end_date"])) == ("2019-03-01", "2025-12-31")


async def test_a_large_poll_is_staged_through_copy_and_writes_what_a_small_one_writes(
    platform: PlatformSettings, sessions: SessionFactory
) -> None:
    """From `STAGED_FROM` states on, a poll's rows go to PostgreSQL as JSON documents through COPY: a name with a
    quote, a backslash, a tab, a newline and an accent, the partners, the dates and the times arrive as the bound
    statement writes them, and an older version still changes nothing."""
    state = create_state(
        2, name='Lab "Noord"\\ 1\t2\nÉén', members=[hanze()], start_date="2019-03-01", end_date="2025-12-31"
    )
    alone = uuid.uuid4()
    await project_poll(sessions, with_state(create_registered(alone), state))
    many = [uuid.uuid4() for _ in range(repository.STAGED_FROM)]
    await project_poll(sessions, *(with_state(create_registered(community_id), state) for community_id in many))

    def kept(row: Any) -> dict[str, Any]:
        """A row without what names it or says when and from which event it was written."""
        return {key: value for key, value in dict(row).items() if key not in IDENTIFYING}

    expected = kept(await row_of(platform, alone))
    assert expected["name"] == state.name
    assert all([kept(await row_of(platform, community_id)) == expected for community_id in many])

    half = len(many) // 2
    await project_poll(
        sessions,
        *(with_state(create_updated(c, 3, {"name": "Nieuw"}), create_state(3, name="Nieuw")) for c in many[:half]),
        *(with_state(create_updated(c, 1, {"name": "Oud"}), create_state(1, name="Oud")) for c in many[half:]),
    )
    rows = await fetch(platform, "monitor", "SELECT name, version FROM community WHERE community_id = ANY($1)", many)
    assert sorted((row["name"], row["version"]) for row in rows) == sorted(
        [("Nieuw", 3)] * half + [(state.name, 2)] * (len(many) - half)
    )


IDENTIFYING = {"community_id", "survivor_id", "last_event_id", "projected_at"}
