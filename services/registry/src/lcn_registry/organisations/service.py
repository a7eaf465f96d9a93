"""Business rules for organisations and their memberships of communities."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_registry.communities import repository as communities_repository
from lcn_registry.communities import service as communities
from lcn_registry.communities.models import Community
from lcn_registry.matching.normalise import organisation_key
from lcn_registry.organisations import repository
from lcn_registry.organisations.models import Membership, Organisation
from lcn_registry.organisations.schemas import MembershipPut, OrganisationCreate
from lcn_shared.auth import Principal
from lcn_shared.contracts import MembershipChanged
from lcn_shared.contracts.registry import CommunityMember
from lcn_shared.contracts.vocabulary import MembershipRole, OrganisationType
from lcn_shared.cursors import cursor_text, page_of, read_cursor
from lcn_shared.messaging.outbox import record_event
from lcn_shared.problems import Conflict, NotFound


async def get_organisation(session: AsyncSession, *, organisation_id: UUID) -> Organisation:
    """The organisation, or NotFound."""
    organisation = await repository.get(session, organisation_id)
    if organisation is None:
        raise NotFound(f"No organisation {organisation_id}.")
    return organisation


async def _refuse_known_name(session: AsyncSession, *, name_key: str, organisation_id: UUID | None) -> None:
    """409 naming the organisation that already goes by this normalised name, unless it is this one."""
    existing = (await repository.by_name_keys(session, [name_key])).get(name_key)
    if existing is not None and existing.organisation_id != organisation_id:
        raise Conflict(
            f"{existing.name!r} is already registered.", existing_organisation_id=str(existing.organisation_id)
        )


async def create_organisation(
    session: AsyncSession, *, data: OrganisationCreate, organisation_id: UUID | None = None
) -> Organisation:
    """Add an organisation; a second one with the same normalised name is a conflict, not a duplicate."""
    name_key = organisation_key(data.name)
    await _refuse_known_name(session, name_key=name_key, organisation_id=organisation_id)
    now = datetime.now(UTC)
    organisation = Organisation(
        organisation_id=organisation_id or uuid.uuid4(),
        name=data.name,
        name_key=name_key,
        type=data.type.value,
        website=data.website,
        created_at=now,
        updated_at=now,
    )
    session.add(organisation)
    await session.flush()
    return organisation


async def put_organisation(
    session: AsyncSession, *, organisation_id: UUID, data: OrganisationCreate, actor: str
) -> Organisation:
    """Create the organisation under a known id (a partner key's organisation), or update it. A new name
    or type reaches its communities: they are re-filed for matching and each records a membership change."""
    organisation = await repository.get(session, organisation_id)
    if organisation is None:
        return await create_organisation(session, data=data, organisation_id=organisation_id)
    name_key = organisation_key(data.name)
    await _refuse_known_name(session, name_key=name_key, organisation_id=organisation_id)
    renamed = (organisation.name, organisation.type) != (data.name, data.type.value)
    organisation.name, organisation.name_key = data.name, name_key
    organisation.type, organisation.website = data.type.value, data.website
    organisation.updated_at = datetime.now(UTC)
    session.add(organisation)
    if renamed:
        await _tell_communities(session, organisation=organisation, actor=actor)
    return organisation


async def list_organisations(
    session: AsyncSession, *, name: str | None, type_: str | None, cursor: str | None, limit: int
) -> tuple[list[Organisation], str | None]:
    """A page of organisations by name (part of the name, a type), and the cursor of the next page."""
    tag = f"organisations|{name}|{type_}"
    after = read_cursor(cursor, tag=tag, parse=lambda position: cursor_text(position["k"]))
    rows = await repository.page(session, name=name, type_=type_, after=after, limit=limit + 1)
    return page_of(rows, limit=limit, position=lambda organisation: {"k": organisation.name_key}, tag=tag)


async def communities_of(
    session: AsyncSession, *, organisation_id: UUID, cursor: str | None, limit: int
) -> tuple[list[tuple[Membership, Community]], str | None]:
    """A page of the communities an organisation takes part in, by name, and the cursor of the next page."""
    await get_organisation(session, organisation_id=organisation_id)
    tag = f"organisation-communities|{organisation_id}"
    after = read_cursor(cursor, tag=tag, parse=lambda position: (cursor_text(position["name"]), UUID(position["id"])))
    rows = await repository.communities_of(session, organisation_id, after=after, limit=limit + 1)
    return page_of(rows, limit=limit, position=_community_position, tag=tag)


def _community_position(row: tuple[Membership, Community]) -> dict[str, Any]:
    """Where a page of an organisation's communities ends: the last community's name and id."""
    return {"name": row[1].name, "id": str(row[1].community_id)}


async def _tell_communities(session: AsyncSession, *, organisation: Organisation, actor: str) -> None:
    """Each community of a renamed organisation moves to a new version whose event carries the new name,
    so a read model cannot keep the old one (see ADR 0013); the matching keys follow the name."""
    from lcn_registry.matching import service as matching  # a cycle: matching merges memberships

    community_ids = sorted(
        {
            membership.community_id
            for membership, _ in await repository.communities_of(session, organisation.organisation_id)
        }
    )
    if not community_ids:
        return
    rows = await communities_repository.get_many(session, community_ids, for_update=True)
    members = await communities.members_of(session, community_ids)
    for community_id, community in rows.items():
        role = next(
            member.role.value
            for member in members[community_id]
            if member.organisation_id == organisation.organisation_id
        )
        await record_membership_change(
            session,
            community=community,
            organisation=organisation,
            change="changed",
            role=role,
            previous_role=role,
            members=members[community_id],
            actor=actor,
            origin="api",
            history_change="partner-renamed",
        )
    await matching.reindex(session, community_ids)


async def organisation_of(session: AsyncSession, principal: Principal) -> Organisation:
    """The partner's organisation, registered on its first write if the registry does not know it yet."""
    assert principal.organisation_id is not None, "only partners have an organisation"
    organisation = await repository.get(session, principal.organisation_id)
    if organisation is not None:
        return organisation
    name = principal.organisation_name or f"organisation {principal.organisation_id}"
    known = (await repository.by_name_keys(session, [organisation_key(name)])).get(organisation_key(name))
    if known is not None:  # the same name under another id: keep the key's id distinct but recognisable
        name = f"{name} ({principal.organisation_id})"
    now = datetime.now(UTC)
    row = {
        "organisation_id": principal.organisation_id,
        "name": name,
        "name_key": organisation_key(name),
        "type": OrganisationType.OTHER.value,
        "created_at": now,
        "updated_at": now,
    }
    # The partner's concurrent first writes insert the same row: the first to commit wins, the others use it.
    await repository.insert_missing(session, [row])
    organisation = await repository.get(session, principal.organisation_id)
    if organisation is None:
        raise Conflict(f"Another organisation is being registered as {name!r}; retry.")
    return organisation


def member(organisation: Organisation, role: str, *, can_edit: bool) -> CommunityMember:
    """An organisation as events carry it; a lead may always edit."""
    return CommunityMember(
        organisation_id=organisation.organisation_id,
        organisation_name=organisation.name,
        organisation_type=OrganisationType(organisation.type),
        role=MembershipRole(role),
        can_edit=can_edit or role == MembershipRole.LEAD.value,
    )


def lead(organisation: Organisation, community: Mapping[str, Any]) -> tuple[dict[str, Any], CommunityMember]:
    """The registering partner's organisation as the new community's lead: the membership row and the member."""
    row = {
        "community_id": community["community_id"],
        "organisation_id": organisation.organisation_id,
        "role": MembershipRole.LEAD.value,
        "can_edit": True,
        "origin": "api",
        "created_at": community["created_at"],
    }
    return row, member(organisation, MembershipRole.LEAD.value, can_edit=True)


async def _community_for_membership_change(
    session: AsyncSession, *, community_id: UUID, expected_version: int | None, principal: Principal
) -> Community:
    """The community, locked, once the caller may change its memberships, it is not read-only, and the caller
    saw its current version."""
    community = await communities.get_community(session, community_id=community_id, for_update=True)
    await communities.authorise_membership_change(session, community=community, principal=principal)
    communities.check_writable(community)
    communities.check_version(community, expected_version)
    return community


def _handover_needed(community_id: UUID, detail: str) -> Conflict:
    """409: leads change only by a handover, which says where it is done."""
    return Conflict(f"{detail} Hand the lead over instead.", handover=f"/v1/communities/{community_id}/lead")


async def set_membership(
    session: AsyncSession,
    *,
    community_id: UUID,
    organisation_id: UUID,
    data: MembershipPut,
    expected_version: int | None,
    principal: Principal,
) -> Community:
    """Add the organisation to the community or change its role; stage `membership-changed` if anything changed.
    A lead is neither made nor unmade here (409): that is a handover."""
    community = await _community_for_membership_change(
        session, community_id=community_id, expected_version=expected_version, principal=principal
    )
    organisation = await get_organisation(session, organisation_id=organisation_id)
    current = await repository.membership(session, community_id, organisation_id)
    if current is not None and current.role == data.role.value and current.can_edit == data.can_edit:
        return community
    if data.role is MembershipRole.LEAD:
        raise _handover_needed(community_id, "A membership cannot be set to lead.")
    if current is not None and current.role == MembershipRole.LEAD.value:
        raise _handover_needed(community_id, f"{organisation.name} leads the community and always may edit it.")
    previous_role = current.role if current else None
    membership = current or Membership(
        community_id=community_id,
        organisation_id=organisation_id,
        role=data.role.value,
        origin="api",
        created_at=datetime.now(UTC),
    )
    membership.role, membership.can_edit = data.role.value, data.can_edit
    session.add(membership)
    await record_membership_change(
        session,
        community=community,
        organisation=organisation,
        change="changed" if current else "added",
        role=data.role.value,
        previous_role=previous_role,
        members=(await communities.members_of(session, [community_id]))[community_id],
        actor=principal.actor,
        origin="api",
    )
    return community


async def remove_membership(
    session: AsyncSession,
    *,
    community_id: UUID,
    organisation_id: UUID,
    expected_version: int | None,
    principal: Principal,
) -> Community:
    """Take the organisation out of the community; stage `membership-changed`. The lead stays until handed over."""
    community = await _community_for_membership_change(
        session, community_id=community_id, expected_version=expected_version, principal=principal
    )
    current = await repository.membership(session, community_id, organisation_id)
    if current is None:
        raise NotFound(f"Organisation {organisation_id} is not in community {community_id}.")
    organisation = await get_organisation(session, organisation_id=organisation_id)
    if current.role == MembershipRole.LEAD.value:
        raise _handover_needed(community_id, f"{organisation.name} leads the community and cannot be removed.")
    await session.delete(current)
    await record_membership_change(
        session,
        community=community,
        organisation=organisation,
        change="removed",
        role=None,
        previous_role=current.role,
        members=(await communities.members_of(session, [community_id]))[community_id],
        actor=principal.actor,
        origin="api",
    )
    return community


async def hand_over_lead(
    session: AsyncSession,
    *,
    community_id: UUID,
    organisation_id: UUID,
    expected_version: int | None,
    principal: Principal,
) -> Community:
    """Make the organisation the community's lead, joining it if need be; the previous lead stays as a partner who
    may edit. One version and one `lead-handed-over` history entry; a `membership-changed` per organisation."""
    community = await _community_for_membership_change(
        session, community_id=community_id, expected_version=expected_version, principal=principal
    )
    organisation = await get_organisation(session, organisation_id=organisation_id)
    previous = await repository.lead_of(session, community_id)
    if previous is not None and previous.organisation_id == organisation_id:
        return community  # already the lead: nothing to hand over
    incoming = await repository.membership(session, community_id, organisation_id)
    stepping_down = None
    if previous is not None:
        stepping_down = await get_organisation(session, organisation_id=previous.organisation_id)
        previous.role, previous.can_edit = MembershipRole.PARTNER.value, True
        session.add(previous)
        await session.flush()  # the database holds one lead per community: the old one steps down first
    membership = incoming or Membership(
        community_id=community_id,
        organisation_id=organisation_id,
        role=MembershipRole.LEAD.value,
        origin="api",
        created_at=datetime.now(UTC),
    )
    incoming_role = incoming.role if incoming else None
    # An API-set lead: a feed naming another penvoerder no longer displaces it.
    membership.role, membership.can_edit, membership.origin = MembershipRole.LEAD.value, True, "api"
    session.add(membership)
    community.owner_organisation_id = organisation_id
    handover = {"old": _named(stepping_down) if stepping_down else None, "new": _named(organisation)}
    now = communities.record_change(
        session, community, change="lead-handed-over", actor=principal.actor, origin="api", changes={"lead": handover}
    )
    members = (await communities.members_of(session, [community_id]))[community_id]
    if stepping_down is not None:
        record_event(
            session,
            _membership_event(community, stepping_down, "changed", MembershipRole.PARTNER.value, "lead", members, now),
            occurred_at=now,
        )
    change = "changed" if incoming else "added"
    event = _membership_event(community, organisation, change, MembershipRole.LEAD.value, incoming_role, members, now)
    record_event(session, event, occurred_at=now)
    return community


def _named(organisation: Organisation) -> dict[str, str]:
    """An organisation as history names it."""
    return {"organisation_id": str(organisation.organisation_id), "name": organisation.name}


def _membership_event(
    community: Community,
    organisation: Organisation,
    change: str,
    role: str | None,
    previous_role: str | None,
    members: list[CommunityMember],
    changed_at: datetime,
) -> MembershipChanged:
    """The `membership-changed` event of one organisation at the community's current version."""
    return MembershipChanged.model_validate(
        {
            "community_id": community.community_id,
            "version": community.version,
            "organisation_id": organisation.organisation_id,
            "organisation_name": organisation.name,
            "organisation_type": organisation.type,
            "change": change,
            "role": role,
            "previous_role": previous_role,
            "changed_at": changed_at,
            "state": communities.state_of(community, members),
        }
    )


async def record_membership_change(
    session: AsyncSession,
    *,
    community: Community,
    organisation: Organisation,
    change: str,
    role: str | None,
    previous_role: str | None,
    members: list[CommunityMember],
    actor: str,
    origin: str,
    history_change: str = "membership-changed",
) -> None:
    """Version, history and event of a membership change; `members` are the community's after it."""
    details = {**_named(organisation), "change": change, "old": previous_role, "new": role}
    now = communities.record_change(
        session, community, change=history_change, actor=actor, origin=origin, changes={"membership": details}
    )
    event = _membership_event(community, organisation, change, role, previous_role, members, now)
    record_event(session, event, occurred_at=now)


async def ensure_organisations(session: AsyncSession, partners: Iterable[dict[str, Any]]) -> dict[str, Organisation]:
    """The organisations feeds name, by normalised name; unknown ones are registered in one round trip."""
    wanted: dict[str, dict[str, Any]] = {}
    for partner in partners:
        wanted.setdefault(organisation_key(partner["name"]), partner)
    known = await repository.by_name_keys(session, list(wanted))
    now = datetime.now(UTC)
    missing = [
        {
            "organisation_id": uuid.uuid4(),
            "name": partner["name"],
            "name_key": key,
            "type": partner.get("type") or OrganisationType.OTHER.value,
            "website": None,
            "created_at": now,
            "updated_at": now,
        }
        for key, partner in wanted.items()
        if key not in known
    ]
    if missing:
        await repository.insert_missing(session, missing)
        known |= await repository.by_name_keys(session, [row["name_key"] for row in missing])
    return known


def feed_membership_row(
    community_id: UUID, organisation_id: UUID, partner: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """A membership a feed gives (`partner` as survivorship returns it); a feed's lead may edit the community."""
    return {
        "community_id": community_id,
        "organisation_id": organisation_id,
        "role": partner["role"],
        "can_edit": partner["role"] == "lead",
        "origin": partner["origin"],
        "created_at": now,
    }


def settle_lead(
    wanted: dict[str, dict[str, Any]], current: dict[str, tuple[Membership, Organisation]]
) -> dict[str, dict[str, Any]]:
    """The partners the feeds name (by normalised name, as survivorship gives them, one lead at most) under the
    one-lead rule (ADR 0021): a lead set through the API stays, and one a feed gave stays until the sources name
    another; a named lead that does not take over takes part as a partner."""
    held = next((key for key, (membership, _) in current.items() if membership.role == MembershipRole.LEAD), None)
    named = next((key for key, partner in wanted.items() if partner["role"] == MembershipRole.LEAD), None)
    if held is None or named == held:
        return wanted
    membership, organisation = current[held]
    feed_given = membership.origin.startswith("feed:")
    if feed_given and named is not None:
        return wanted  # the sources name a new penvoerder in place of the one they named before
    settled = {
        key: {**partner, "role": MembershipRole.PARTNER.value} if key == named else partner
        for key, partner in wanted.items()
    }
    if feed_given:  # no source names a lead any more: the community keeps the one it has
        settled[held] = {
            "name": organisation.name,
            "type": organisation.type,
            "role": membership.role,
            "origin": membership.origin,
        }
    return settled
