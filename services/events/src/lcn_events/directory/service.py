"""Projection of the registry's community events into the directory, and the checks and names events use.

Every community event carries the community's whole state (ADR 0013); its members name their organisations. Per
poll the newest state of each community wins (by version) and the newest name of each organisation (by the time the
state that named it was current), so events may arrive in any order, twice, or after a redrive, and the directory
still ends at the registry's latest names. Events published before states were carried give what they hold.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_events.directory import repository
from lcn_shared.contracts import (
    CommunityMerged,
    CommunityRegistered,
    CommunityStatusChanged,
    CommunityUpdated,
    MembershipChanged,
)
from lcn_shared.contracts.registry import CommunityMember
from lcn_shared.envelope import Envelope
from lcn_shared.problems import UnprocessableContent

CommunityEvent = CommunityRegistered | CommunityUpdated | CommunityStatusChanged | MembershipChanged | CommunityMerged
# A chain of merges longer than this is a loop, not history.
MAX_MERGE_HOPS = 20


async def project_all(session: AsyncSession, events: Sequence[tuple[CommunityEvent, Envelope]]) -> None:
    """Apply a poll's community events: the newest name per community and per organisation in one upsert each,
    then each merge's redirect, in topic order."""
    communities: dict[UUID, dict[str, Any]] = {}
    organisations: dict[UUID, dict[str, Any]] = {}
    for event, _ in events:
        community = _community_row(event)
        if community is not None:
            known = communities.get(event.community_id)
            if known is None or community["version"] > known["version"]:
                communities[event.community_id] = community
        for organisation in _organisation_rows(event):
            known = organisations.get(organisation["organisation_id"])
            if known is None or organisation["named_at"] > known["named_at"]:
                organisations[organisation["organisation_id"]] = organisation
    await repository.upsert_communities(session, list(communities.values()))
    await repository.upsert_organisations(session, list(organisations.values()))
    for event, _ in events:
        if isinstance(event, CommunityMerged):
            name = event.state.name if event.state is not None else ""
            await repository.redirect(
                session, merged_id=event.merged_community_id, survivor_id=event.community_id, name=name
            )


def _community_row(event: CommunityEvent) -> dict[str, Any] | None:
    """The community's name and version the event tells, if it tells one."""
    if event.state is not None:
        return {"community_id": event.community_id, "name": event.state.name, "version": event.state.version}
    if isinstance(event, CommunityRegistered):
        return {"community_id": event.community_id, "name": event.name, "version": event.version}
    if isinstance(event, CommunityUpdated) and isinstance(event.changes.get("name"), str):
        return {"community_id": event.community_id, "name": event.changes["name"], "version": event.version}
    return None


def _organisation_rows(event: CommunityEvent) -> list[dict[str, Any]]:
    """The organisations the event names, each with the time its name was current."""
    rows: list[dict[str, Any]] = []
    if event.state is not None:
        rows += _members(event.state.members, named_at=event.state.updated_at)
    elif isinstance(event, CommunityRegistered):
        rows += _members(event.members, named_at=event.registered_at)
    if isinstance(event, MembershipChanged):
        rows.append(_organisation(event.organisation_id, event.organisation_name, event.changed_at))
    return rows


def _members(members: Iterable[CommunityMember], *, named_at: datetime) -> list[dict[str, Any]]:
    """The members' organisations as directory rows."""
    return [_organisation(member.organisation_id, member.organisation_name, named_at) for member in members]


def _organisation(organisation_id: UUID, name: str, named_at: datetime) -> dict[str, Any]:
    """One organisation row."""
    return {"organisation_id": organisation_id, "name": name, "named_at": named_at}


@dataclass(frozen=True)
class Names:
    """The names to show beside ids: organisations' and communities' (absent while unknown)."""

    organisations: dict[UUID, str]
    communities: dict[UUID, str]


async def names(session: AsyncSession, *, organisation_ids: Collection[UUID], community_ids: Collection[UUID]) -> Names:
    """The names of these organisations and communities that the directory knows."""
    known = await repository.communities(session, community_ids)
    return Names(
        organisations=await repository.organisation_names(session, organisation_ids),
        communities={community_id: row.name for community_id, row in known.items()},
    )


async def check_organisation(session: AsyncSession, organisation_id: UUID) -> None:
    """422 unless the registry's events named the organisation."""
    if not await repository.organisation_names(session, [organisation_id]):
        raise UnprocessableContent(
            f"No organisation {organisation_id} is known from the registry; name one of a community's members.",
            errors=[{"loc": ["body", "organiser"], "msg": "unknown organisation", "invalid": [str(organisation_id)]}],
        )


async def current_communities(session: AsyncSession, community_ids: Sequence[UUID]) -> list[UUID]:
    """The communities of these ids in the order given, a merged-away id replaced by its survivor (each once);
    422 naming the ids the registry's events never mentioned."""
    current: dict[UUID, UUID] = {}
    pending = {community_id: community_id for community_id in community_ids}
    unknown: list[UUID] = []
    for _ in range(MAX_MERGE_HOPS):
        if not pending:
            break
        rows = await repository.communities(session, set(pending.values()))
        following: dict[UUID, UUID] = {}
        for given, reached in pending.items():
            row = rows.get(reached)
            if row is None:
                unknown.append(given)
            elif row.merged_into is None:
                current[given] = reached
            else:
                following[given] = row.merged_into
        pending = following
    unknown += list(pending)  # a chain that never ended
    if unknown:
        invalid = [str(community_id) for community_id in community_ids if community_id in unknown]
        raise UnprocessableContent(
            f"No community {', '.join(invalid)} is known from the registry.",
            errors=[{"loc": ["body", "community_ids"], "msg": "unknown community", "invalid": invalid}],
        )
    return list(dict.fromkeys(current[community_id] for community_id in community_ids))
