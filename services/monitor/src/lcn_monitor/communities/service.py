"""Projection of registry events into the read model, and its queries.

Every community event carries the whole community after it (`state`, ADR 0013). The projection
takes that state when its version is newer than the row's, and creates the row when it has none:
so events may arrive in any order (a dead letter redriven after later events, a gap) and the row
still ends at the registry's latest state. An older state changes nothing, so a replay can never
roll a row back; the inbox already drops exact duplicates. Events published before states were
carried (no `state`) are applied field by field as before.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_monitor.communities import repository
from lcn_monitor.communities.models import CommunityView
from lcn_monitor.communities.schemas import kept_changes
from lcn_shared.auth import Principal, Role
from lcn_shared.contracts import (
    CommunityMerged,
    CommunityRegistered,
    CommunityState,
    CommunityStatusChanged,
    CommunityUpdated,
    MembershipChanged,
)
from lcn_shared.contracts.vocabulary import MembershipRole
from lcn_shared.envelope import Envelope
from lcn_shared.problems import Forbidden, NotFound

log = logging.getLogger(__name__)
# The state's fields the read model keeps as they are (JSON values: codes, not enum members).
STATE_COLUMNS = {
    "name",
    "kinds",
    "landsdeel",
    "province",
    "municipality",
    "topsectors",
    "primary_topsector",
    "key_technologies",
    "education_levels",
    "status",
    "phase",
    "start_date",
    "end_date",
    "version",
}
DUMPED = STATE_COLUMNS | {"members"}
LEAD = MembershipRole.LEAD.value


class UnknownCommunity(LookupError):
    """An event about a community the read model never saw registered: its history is missing here."""


async def take_state(session: AsyncSession, *, community_id: UUID, state: CommunityState, envelope: Envelope) -> None:
    """The row becomes `state` unless it already holds that version or a newer one; created if missing."""
    await repository.upsert_newer(session, [state_row(community_id, state, envelope=envelope)])


CommunityEvent = CommunityRegistered | CommunityUpdated | CommunityStatusChanged | MembershipChanged | CommunityMerged


async def project_all(session: AsyncSession, events: Sequence[tuple[CommunityEvent, Envelope]]) -> None:
    """Apply a poll's community events in topic order. The states they carry are written together, the newest per
    community in one upsert (taking v3 after v2 ends where taking v3 alone does), merges' states included; each
    merge then redirects its duplicate, in topic order, once its survivor's row is there. An event without a state
    (published before states were carried) is applied on its own, after everything before it, so its order is
    kept."""
    newest: dict[UUID, dict[str, Any]] = {}
    merges: list[tuple[CommunityMerged, Envelope]] = []

    async def flush() -> None:
        await repository.upsert_newer(session, list(newest.values()))
        newest.clear()
        if merges:
            # Every row the merges touch, locked in one query rather than two round trips a merge.
            involved = {merge.community_id for merge, _ in merges} | {merge.merged_community_id for merge, _ in merges}
            await _merge_all(session, await repository.lock_many(session, involved), merges)
        merges.clear()

    for event, envelope in events:
        if event.state is None:
            await flush()
            await PROJECTIONS[type(event)](session, event, envelope)
            continue
        row = state_row(event.community_id, event.state, envelope=envelope)
        if event.community_id not in newest or row["version"] > newest[event.community_id]["version"]:
            newest[event.community_id] = row
        if isinstance(event, CommunityMerged):
            merges.append((event, envelope))
    await flush()


async def project_registered(session: AsyncSession, event: CommunityRegistered, envelope: Envelope) -> None:
    """A registered community enters the read model (once, whatever the deliveries)."""
    if event.state is not None:
        return await take_state(session, community_id=event.community_id, state=event.state, envelope=envelope)
    await repository.insert_if_absent(session, _registered_row(event, envelope=envelope))


async def project_updated(session: AsyncSession, event: CommunityUpdated, envelope: Envelope) -> None:
    """Changed fields the read model keeps are applied; the others are ignored."""
    if event.state is not None:
        return await take_state(session, community_id=event.community_id, state=event.state, envelope=envelope)
    community = await _newer(session, community_id=event.community_id, version=event.version, envelope=envelope)
    if community is None:
        return
    for field, value in _with_kind(kept_changes(event.changes), kinds=community.kinds).items():
        setattr(community, field, value)
    _applied(community, version=event.version, at=event.updated_at, envelope=envelope)
    await session.flush()


async def project_status_changed(session: AsyncSession, event: CommunityStatusChanged, envelope: Envelope) -> None:
    """The community's lifecycle status follows the registry."""
    if event.state is not None:
        return await take_state(session, community_id=event.community_id, state=event.state, envelope=envelope)
    community = await _newer(session, community_id=event.community_id, version=event.version, envelope=envelope)
    if community is None:
        return
    community.status = event.status.value
    _applied(community, version=event.version, at=event.changed_at, envelope=envelope)
    await session.flush()


async def project_membership_changed(session: AsyncSession, event: MembershipChanged, envelope: Envelope) -> None:
    """The partner list follows organisations joining, changing role, being renamed and leaving."""
    if event.state is not None:
        return await take_state(session, community_id=event.community_id, state=event.state, envelope=envelope)
    community = await _newer(session, community_id=event.community_id, version=event.version, envelope=envelope)
    if community is None:
        return
    partners = dict(community.partners)  # a new dict: the ORM does not notice a JSON value changed in place
    organisation_id = str(event.organisation_id)
    if event.change == "removed":
        partners.pop(organisation_id, None)
    else:
        partners[organisation_id] = _partner(
            name=event.organisation_name,
            organisation_type=event.organisation_type.value,
            role=event.role.value if event.role else None,
            can_edit=False,  # events without a state carry no `can_edit`: only a lead may edit
        )
    community.partners = partners
    _applied(community, version=event.version, at=event.changed_at, envelope=envelope)
    await session.flush()


async def project_merged(session: AsyncSession, event: CommunityMerged, envelope: Envelope) -> None:
    """The duplicate now redirects to the survivor and leaves the listings; the survivor's version moves on."""
    if event.state is not None:
        await take_state(session, community_id=event.community_id, state=event.state, envelope=envelope)
        rows = await repository.lock_many(session, {event.community_id, event.merged_community_id})
        return await _merge_all(session, rows, [(event, envelope)])
    survivor = await _newer(session, community_id=event.community_id, version=event.version, envelope=envelope)
    if survivor is None:
        return
    rows = await repository.lock_many(session, {event.merged_community_id})
    await _merge_all(session, rows | {survivor.community_id: survivor}, [(event, envelope)])
    _applied(survivor, version=event.version, at=event.merged_at, envelope=envelope)
    await session.flush()


async def _merge_all(
    session: AsyncSession, rows: dict[UUID, CommunityView], merges: Sequence[tuple[CommunityMerged, Envelope]]
) -> None:
    """Apply merges in topic order to their rows (locked, by id; every survivor's row is there): the redirects are
    made on the rows, and everything counted under each duplicate moves in one statement at the end."""
    merging = _Merging(session, rows)
    for merge, envelope in merges:
        # Redirecting is idempotent, so even a merge older than the survivor's row still redirects.
        merging.redirect(merge, envelope)
    await session.flush()
    await repository.move_survivors(session, merging.moved)


class _Merging:
    """Merges applied in memory to the rows they touch, noting the moves of what counted under each duplicate."""

    def __init__(self, session: AsyncSession, rows: dict[UUID, CommunityView]) -> None:
        self._session = session
        self._rows = rows
        self._under: dict[UUID, list[CommunityView]] = defaultdict(list)  # the rows by the survivor they count under
        for row in rows.values():
            self._under[row.survivor_id].append(row)
        self.moved: dict[UUID, UUID] = {}  # merged-away id -> where what counted under it counts now
        self._moved_to: dict[UUID, list[UUID]] = defaultdict(list)  # the reverse of `moved`

    def redirect(self, event: CommunityMerged, envelope: Envelope) -> None:
        """Point the merged-away id at the survivor (a stub row when the duplicate is unknown), and move what counted
        under it to the end of the survivor's chain."""
        survivor = self._rows[event.community_id]
        duplicate = self._rows.get(event.merged_community_id)
        if duplicate is None:
            # The duplicate's own events travel under its own key, possibly on another partition, so its
            # registration may still be on its way. A stub holds the redirect now; the late registration
            # then fills the stub's fields but keeps the redirect, so the duplicate never shows up in listings.
            duplicate = _stub(survivor, community_id=event.merged_community_id, at=event.merged_at, envelope=envelope)
            repository.add(self._session, duplicate)
            self._rows[duplicate.community_id] = duplicate
            self._under[duplicate.survivor_id].append(duplicate)
        elif duplicate.merged_into != survivor.community_id:
            duplicate.merged_into = survivor.community_id
            duplicate.updated_at = event.merged_at
            duplicate.last_event_id = envelope.id
        # Everything that counted under the duplicate (itself, and what merged into it before) now counts under the
        # end of the survivor's chain. The moves stay flat (each ends where its chain ends now), so one statement
        # makes them all; the locked rows follow at once, for the merges after this one.
        end, gone = survivor.survivor_id, event.merged_community_id
        sources = [*self._moved_to.pop(gone, []), gone]
        for source in sources:
            self.moved[source] = end
        self._moved_to[end] += sources
        moving = self._under.pop(gone, [])
        for row in moving:
            row.survivor_id = end
        self._under[end] += moving


async def resolve_community(session: AsyncSession, *, community_id: UUID) -> CommunityView:
    """The community, or the one it was merged into (following chains of merges); NotFound when unknown."""
    community = await repository.survivor(session, community_id)
    if community is None:
        raise NotFound(f"The monitor knows no community {community_id}.")
    return community


async def _newer(
    session: AsyncSession, *, community_id: UUID, version: int, envelope: Envelope
) -> CommunityView | None:
    """The community to change, locked; None when it already holds `version` or a newer one."""
    community = await repository.lock(session, community_id)
    if community is None:
        # Per-community order puts the registration first, so its absence is lost history: fail,
        # and after the retries the event waits in the dead-letter topic for an operator.
        raise UnknownCommunity(f"{envelope.type} {envelope.id} is about unknown community {community_id}")
    if version <= community.version:
        log.debug("skipped %s %s: version %d, row at %d", envelope.type, envelope.id, version, community.version)
        return None
    return community


def may_edit(community: CommunityView, principal: Principal) -> bool:
    """True when the principal's organisation leads the community or may edit it, as the registry's membership
    events say (the monitor never asks the registry)."""
    if principal.role is not Role.PARTNER or principal.organisation_id is None:
        return False
    partner = community.partners.get(str(principal.organisation_id))
    return partner is not None and (partner.get("role") == MembershipRole.LEAD.value or bool(partner.get("can_edit")))


async def editable_community(session: AsyncSession, *, community_id: UUID, principal: Principal) -> CommunityView:
    """The community (its survivor, for a merged-away id) when the principal is a coordinator, an admin, or a partner
    that leads it or may edit it; NotFound when unknown, Forbidden otherwise."""
    community = await resolve_community(session, community_id=community_id)
    if principal.role in (Role.COORDINATOR, Role.ADMIN) or may_edit(community, principal):
        return community
    raise Forbidden(f"Only the lead and the partners who may edit community {community.community_id} may do this.")


def _applied(community: CommunityView, *, version: int, at: datetime, envelope: Envelope) -> None:
    """Record that the row now reflects the registry's `version`."""
    community.version = version
    community.updated_at = at
    community.last_event_id = envelope.id


def _with_kind(changes: dict[str, Any], *, kinds: list[str]) -> dict[str, Any]:
    """Keep `kind` the first of `kinds`, whichever of the two the change names."""
    if changes.get("kinds"):
        return {**changes, "kind": changes["kinds"][0]}
    if "kind" in changes and "kinds" not in changes:
        return {**changes, "kinds": [changes["kind"], *(kind for kind in kinds if kind != changes["kind"])]}
    return changes


def _registered_row(event: CommunityRegistered, *, envelope: Envelope) -> dict[str, Any]:
    """The read model's row of a newly registered community."""
    return {
        "community_id": event.community_id,
        "name": event.name,
        "kind": event.kind.value,
        "kinds": [kind.value for kind in event.kinds] or [event.kind.value],
        "landsdeel": event.landsdeel.value,
        "province": event.province.value if event.province else None,
        "municipality": event.municipality,
        "topsectors": [topsector.value for topsector in event.topsectors],
        "primary_topsector": event.primary_topsector.value if event.primary_topsector else None,
        "key_technologies": [technology.value for technology in event.key_technologies],
        "education_levels": [level.value for level in event.education_levels],
        "status": event.status.value,
        "phase": event.phase.value if event.phase else None,
        "start_date": event.start_date,
        "owner_organisation_id": event.owner_organisation_id,
        "partners": _partners(member.model_dump(mode="json") for member in event.members),
        "version": event.version,
        "survivor_id": event.community_id,
        "registered_at": event.registered_at,
        "updated_at": event.registered_at,
        "last_event_id": envelope.id,
    }


def state_row(community_id: UUID, state: CommunityState, *, envelope: Envelope) -> dict[str, Any]:
    """The read model's row of a community in `state` (every column but the redirect; `survivor_id` is the row's
    own id only when the row is new)."""
    # One dump in JSON mode turns every code and id into text at once (a replay makes 10,000 rows).
    kept: dict[str, Any] = state.model_dump(mode="json", include=DUMPED)
    members = kept.pop("members")
    return kept | {
        "community_id": community_id,
        "start_date": state.start_date,
        "end_date": state.end_date,
        "survivor_id": community_id,
        "kind": kept["kinds"][0],
        "owner_organisation_id": state.owner_organisation_id,
        "partners": _partners(members),
        "registered_at": state.registered_at,
        "updated_at": state.updated_at,
        "last_event_id": envelope.id,
    }


def _partners(members: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The partner map of a community's members (`CommunityMember`s dumped in JSON mode), keyed by organisation id."""
    return {
        member["organisation_id"]: _partner(
            name=member["organisation_name"],
            organisation_type=member["organisation_type"],
            role=member["role"],
            can_edit=member["can_edit"],
        )
        for member in members
    }


def _partner(*, name: str, organisation_type: str, role: str | None, can_edit: bool) -> dict[str, Any]:
    """One entry of the partner map (codes as text); a lead may always edit."""
    return {"name": name, "type": organisation_type, "role": role, "can_edit": can_edit or role == LEAD}


def _stub(survivor: CommunityView, *, community_id: UUID, at: datetime, envelope: Envelope) -> CommunityView:
    """A row for a merged-away id the read model never saw: it only redirects, so it borrows the
    survivor's required fields and claims no version of its own."""
    return CommunityView(
        community_id=community_id,
        name=survivor.name,
        kind=survivor.kind,
        kinds=list(survivor.kinds),
        landsdeel=survivor.landsdeel,
        topsectors=list(survivor.topsectors),
        version=0,
        merged_into=survivor.community_id,
        survivor_id=survivor.survivor_id,
        registered_at=survivor.registered_at,
        updated_at=at,
        last_event_id=envelope.id,
    )


# The projection of each event type one at a time (events without a carried state, and merges).
PROJECTIONS: dict[type[CommunityEvent], Callable[[AsyncSession, Any, Envelope], Awaitable[None]]] = {
    CommunityRegistered: project_registered,
    CommunityUpdated: project_updated,
    CommunityStatusChanged: project_status_changed,
    MembershipChanged: project_membership_changed,
    CommunityMerged: project_merged,
}
