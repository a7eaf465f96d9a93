"""Projection of registry events into the read model, and its queries.

Every event after `registered` carries the community's version in the registry; one that is not
newer than the row's version changes nothing, so a replay (a projection rebuild, say) can never
roll a row back. The inbox already drops exact duplicates.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_monitor.communities import repository
from lcn_monitor.communities.models import CommunityView
from lcn_monitor.communities.schemas import kept_changes
from lcn_shared.contracts import (
    CommunityMerged,
    CommunityRegistered,
    CommunityStatusChanged,
    CommunityUpdated,
    MembershipChanged,
)
from lcn_shared.contracts.vocabulary import MembershipRole, OrganisationType
from lcn_shared.envelope import Envelope
from lcn_shared.problems import NotFound

log = logging.getLogger(__name__)


class UnknownCommunity(LookupError):
    """An event about a community the read model never saw registered: its history is missing here."""


async def project_registered(session: AsyncSession, event: CommunityRegistered, envelope: Envelope) -> None:
    """A registered community enters the read model (once, whatever the deliveries)."""
    await repository.insert_if_absent(session, _registered_row(event, envelope=envelope))


async def project_updated(session: AsyncSession, event: CommunityUpdated, envelope: Envelope) -> None:
    """Changed fields the read model keeps are applied; the others are ignored."""
    community = await _newer(session, community_id=event.community_id, version=event.version, envelope=envelope)
    if community is None:
        return
    for field, value in _with_kind(kept_changes(event.changes), kinds=community.kinds).items():
        setattr(community, field, value)
    _applied(community, version=event.version, at=event.updated_at, envelope=envelope)
    await session.flush()


async def project_status_changed(session: AsyncSession, event: CommunityStatusChanged, envelope: Envelope) -> None:
    """The community's lifecycle status follows the registry."""
    community = await _newer(session, community_id=event.community_id, version=event.version, envelope=envelope)
    if community is None:
        return
    community.status = event.status.value
    _applied(community, version=event.version, at=event.changed_at, envelope=envelope)
    await session.flush()


async def project_membership_changed(session: AsyncSession, event: MembershipChanged, envelope: Envelope) -> None:
    """The partner list follows organisations joining, changing role and leaving."""
    community = await _newer(session, community_id=event.community_id, version=event.version, envelope=envelope)
    if community is None:
        return
    partners = dict(community.partners)  # a new dict: the ORM does not notice a JSON value changed in place
    organisation_id = str(event.organisation_id)
    if event.change == "removed":
        partners.pop(organisation_id, None)
    else:
        partners[organisation_id] = _partner(
            name=event.organisation_name, organisation_type=event.organisation_type, role=event.role
        )
    community.partners = partners
    _applied(community, version=event.version, at=event.changed_at, envelope=envelope)
    await session.flush()


async def project_merged(session: AsyncSession, event: CommunityMerged, envelope: Envelope) -> None:
    """The duplicate now redirects to the survivor and leaves the listings; the survivor's version moves on."""
    survivor = await _newer(session, community_id=event.community_id, version=event.version, envelope=envelope)
    if survivor is None:
        return
    duplicate = await repository.lock(session, event.merged_community_id)
    if duplicate is None:
        # The duplicate's own events travel under its own key, possibly on another partition, so its
        # registration may still be on its way. A stub holds the redirect now; the late registration
        # then finds the id taken (insert-if-absent) and the duplicate never shows up in listings.
        stub = _stub(survivor, community_id=event.merged_community_id, at=event.merged_at, envelope=envelope)
        repository.add(session, stub)
    else:
        duplicate.merged_into = survivor.community_id
        duplicate.updated_at = event.merged_at
        duplicate.last_event_id = envelope.id
    _applied(survivor, version=event.version, at=event.merged_at, envelope=envelope)
    await session.flush()


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
        "owner_organisation_id": event.owner_organisation_id,
        "partners": {
            str(member.organisation_id): _partner(
                name=member.organisation_name, organisation_type=member.organisation_type, role=member.role
            )
            for member in event.members
        },
        "version": event.version,
        "registered_at": event.registered_at,
        "updated_at": event.registered_at,
        "last_event_id": envelope.id,
    }


def _partner(*, name: str, organisation_type: OrganisationType, role: MembershipRole | None) -> dict[str, Any]:
    """One entry of the partner map."""
    return {"name": name, "type": organisation_type.value, "role": role.value if role else None}


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
        registered_at=survivor.registered_at,
        updated_at=at,
        last_event_id=envelope.id,
    )
