"""Business rules for communities; every change is versioned, recorded in history and emitted."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_registry.communities import repository
from lcn_registry.communities.models import LIST_FIELDS, Community, CommunityChange
from lcn_registry.communities.regions import landsdelen_of
from lcn_registry.communities.schemas import CommunityCreate, CommunityPublic, CommunityUpdate, check_consistency
from lcn_registry.matching import profiles
from lcn_registry.matching import repository as matching_repository
from lcn_registry.matching.blocking import index_rows
from lcn_registry.matching.normalise import organisation_key
from lcn_registry.organisations import repository as organisations
from lcn_shared.auth import Principal, Role
from lcn_shared.contracts import CommunityRegistered, CommunityState, CommunityStatusChanged, CommunityUpdated
from lcn_shared.contracts.registry import CommunityMember
from lcn_shared.contracts.vocabulary import LANDSDEEL_OF_PROVINCE, CommunityStatus, MembershipRole, Province
from lcn_shared.cursors import cursor_bigint, page_of, read_cursor
from lcn_shared.messaging.outbox import record_event
from lcn_shared.problems import Conflict, Forbidden, NotFound, PreconditionFailed, UnprocessableContent

# The community's own fields (everything but identity, bookkeeping and status, which has its own endpoint).
DOMAIN_FIELDS = tuple(name for name in CommunityUpdate.model_fields)
ALLOWED_TRANSITIONS = {
    CommunityStatus.PLANNED: {CommunityStatus.ACTIVE, CommunityStatus.ENDED},
    CommunityStatus.ACTIVE: {CommunityStatus.ENDED, CommunityStatus.ABSORBED},
    CommunityStatus.ENDED: {CommunityStatus.ACTIVE},
    CommunityStatus.ABSORBED: set(),
}
EDITING_ROLES = {Role.ADMIN, Role.COORDINATOR}
# A community that ended or was absorbed is a record of the past: only its status changes, by a coordinator.
READ_ONLY_STATUSES = {CommunityStatus.ENDED.value, CommunityStatus.ABSORBED.value}
# What every community event carries besides the domain fields (see CommunityState).
STATE_FIELDS = (*DOMAIN_FIELDS, "status", "synthetic", "owner_organisation_id", "version", "updated_at")


def as_json(value: Any) -> Any:
    """A field value as the API and events show it."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    return value


def from_json(name: str, value: Any) -> Any:
    """A field value as the table holds it."""
    if name in ("start_date", "end_date") and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def state_of(community: Community | Mapping[str, Any], members: Iterable[CommunityMember]) -> CommunityState:
    """The community as every event about it carries it (a table row or its values)."""
    row = community if isinstance(community, Mapping) else values_of(community)
    return CommunityState.model_validate(
        {name: row.get(name) for name in STATE_FIELDS}
        | {"registered_at": row["created_at"], "members": sorted(members, key=_member_order)}
    )


def values_of(community: Community) -> dict[str, Any]:
    """The row's values that registrations and events read."""
    return {name: getattr(community, name) for name in ("community_id", "created_at", *STATE_FIELDS)}


def _member_order(member: CommunityMember) -> tuple[str, str]:
    """Members by name, so equal states serialise equally."""
    return member.organisation_name.casefold(), str(member.organisation_id)


async def members_of(session: AsyncSession, community_ids: Sequence[UUID]) -> dict[UUID, list[CommunityMember]]:
    """The organisations in each community, as events carry them (one query for all)."""
    found = await organisations.members_of(session, community_ids)
    return {
        community_id: [
            CommunityMember.model_validate(
                {
                    "organisation_id": organisation.organisation_id,
                    "organisation_name": organisation.name,
                    "organisation_type": organisation.type,
                    "role": membership.role,
                    "can_edit": membership.can_edit or membership.role == "lead",
                }
            )
            for membership, organisation in pairs
        ]
        for community_id, pairs in found.items()
    }


def public(community: Community) -> CommunityPublic:
    """The API's view of a community."""
    return CommunityPublic.model_validate(community, from_attributes=True)


async def get_community(session: AsyncSession, *, community_id: UUID, for_update: bool = False) -> Community:
    """The community, or NotFound (a merged-away id is resolved by the router first)."""
    community = await repository.get(session, community_id, for_update=for_update)
    if community is None:
        raise NotFound(f"No community {community_id}.")
    return community


async def _role_of(session: AsyncSession, community: Community, principal: Principal) -> tuple[str, bool] | None:
    """The partner's role in the community and whether it may edit, or None when it is not a member."""
    if principal.role is not Role.PARTNER or principal.organisation_id is None:
        return None
    found = await organisations.membership(session, community.community_id, principal.organisation_id)
    return (found.role, found.can_edit) if found is not None else None


async def authorise_change(session: AsyncSession, *, community: Community, principal: Principal) -> None:
    """Coordinators change any community's fields; a partner only one its organisation leads or may edit."""
    if principal.role in EDITING_ROLES:
        return
    found = await _role_of(session, community, principal)
    if found is not None and (found[0] == MembershipRole.LEAD.value or found[1]):
        return
    raise Forbidden(f"{principal.actor} may not change community {community.community_id}.")


async def authorise_membership_change(session: AsyncSession, *, community: Community, principal: Principal) -> None:
    """Who takes part, in which role and with which rights is up to the lead (penvoerder) and coordinators;
    a co-editor edits the community's fields only (ADR 0021)."""
    if principal.role in EDITING_ROLES:
        return
    found = await _role_of(session, community, principal)
    if found is not None and found[0] == MembershipRole.LEAD.value:
        return
    raise Forbidden(
        f"{principal.actor} may not change the memberships of community {community.community_id}: "
        "only its lead or a coordinator may."
    )


def check_writable(community: Community) -> None:
    """409 for an ended or absorbed community: it is read-only except for its status."""
    if community.status in READ_ONLY_STATUSES:
        raise Conflict(
            f"Community {community.community_id} is {community.status} and read-only; "
            "only a coordinator may change its status.",
            community_status=community.status,
        )


def check_version(community: Community, expected_version: int | None) -> None:
    """412 unless the caller saw the current version (`If-Match: *` passes None)."""
    if expected_version is not None and expected_version != community.version:
        raise PreconditionFailed(
            f"The community is at version {community.version}, not {expected_version}; fetch it and retry.",
            current_version=community.version,
        )


def history_row(
    community_id: UUID,
    *,
    version: int,
    change: str,
    actor: str,
    origin: str,
    changes: dict[str, Any],
    changed_at: datetime,
) -> dict[str, Any]:
    """One history entry (a `CommunityChange` row); bulk imports insert these directly."""
    return {
        "community_id": community_id,
        "version": version,
        "change": change,
        "actor": actor,
        "origin": origin,
        "changes": changes,
        "changed_at": changed_at,
    }


def registration_changes(values: dict[str, Any]) -> dict[str, Any]:
    """A registration's history: every field given, from nothing to its value."""
    return {name: {"old": None, "new": value} for name, value in values.items() if value not in (None, [])}


def record_change(
    session: AsyncSession, community: Community, *, change: str, actor: str, origin: str, changes: dict[str, Any]
) -> datetime:
    """Bump the version and write the history entry; return the change's time."""
    now = datetime.now(UTC)
    community.version += 1
    community.updated_at = now
    session.add(community)
    session.add(
        CommunityChange(
            **history_row(
                community.community_id,
                version=community.version,
                change=change,
                actor=actor,
                origin=origin,
                changes=changes,
                changed_at=now,
            )
        )
    )
    return now


async def apply_values(
    session: AsyncSession,
    community: Community,
    values: dict[str, Any],
    *,
    members: list[CommunityMember],
    actor: str,
    origin: str,
    provenance: dict[str, Any],
) -> dict[str, Any]:
    """Set the fields that differ, record the change and its event; return the changed fields' new values."""
    changed = {name: value for name, value in values.items() if as_json(getattr(community, name)) != value}
    if not changed:
        return {}
    history = {name: {"old": as_json(getattr(community, name)), "new": value} for name, value in changed.items()}
    for name, value in changed.items():
        setattr(community, name, from_json(name, value))
    community.provenance = {**community.provenance, **{name: provenance[name] for name in changed}}
    now = record_change(session, community, change="updated", actor=actor, origin=origin, changes=history)
    event = CommunityUpdated(
        community_id=community.community_id,
        version=community.version,
        changed_fields=sorted(changed),
        changes=changed,
        updated_at=now,
        origin=origin,
        state=state_of(community, members),
    )
    record_event(session, event, occurred_at=now)
    return changed


def registered_event(row: Mapping[str, Any], members: list[CommunityMember], origin: str) -> CommunityRegistered:
    """The registered event of a new community (its table row's values)."""
    return CommunityRegistered.model_validate(
        {
            **{name: as_json(row.get(name)) for name in DOMAIN_FIELDS},
            "community_id": row["community_id"],
            "kind": row["kinds"][0],
            "status": row["status"],
            "owner_organisation_id": row["owner_organisation_id"],
            "registered_at": row["created_at"],
            "version": row["version"],
            "origin": origin,
            "members": members,
            "state": state_of(row, members),
        }
    )


@dataclass(frozen=True)
class Registration:
    """A new community: its table row (already inserted), its first members, the values it was given,
    who registered it and the trace of the request that did (None: the current one)."""

    row: Mapping[str, Any]
    members: list[CommunityMember]
    values: dict[str, Any]
    actor: str
    trace_context: dict[str, str] | None = None


async def record_registrations(session: AsyncSession, registrations: Sequence[Registration], *, origin: str) -> None:
    """What every registration writes besides its row, through the API or a feed alike: the history
    entry, the matching keys and the `registered` event, in one round trip per table."""
    history, keys = registration_rows(session, registrations, origin=origin)
    await repository.add_history(session, history)
    await matching_repository.add_keys(session, keys)


def registration_rows(
    session: AsyncSession, registrations: Sequence[Registration], *, origin: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Record the registrations' `registered` events on the session and return their history and matching
    key rows, for the caller to insert (no I/O: a bulk import computes this while its rows are written)."""
    history, keys = [], []
    for registration in registrations:
        row = registration.row
        history.append(
            history_row(
                row["community_id"],
                version=row["version"],
                change="registered",
                actor=registration.actor,
                origin=origin,
                changes=registration_changes(registration.values),
                changed_at=row["created_at"],
            )
        )
        profile = profiles.profile(
            name=row["name"],
            kinds=row["kinds"],
            landsdeel=row["landsdeel"],
            province=row["province"],
            municipality=row["municipality"],
            website=row["website"],
            partner_keys=(organisation_key(member.organisation_name) for member in registration.members),
        )
        keys += index_rows(row["community_id"], profile)
        event = registered_event(row, registration.members, origin)
        record_event(session, event, occurred_at=row["created_at"], trace_context=registration.trace_context)
    return history, keys


def new_community_row(values: dict[str, Any], *, owner_organisation_id: UUID | None, now: datetime) -> dict[str, Any]:
    """A new community's table row from API-shaped values (bulk imports insert these directly)."""
    return {
        "community_id": uuid.uuid4(),
        **{name: [] if name in LIST_FIELDS else None for name in DOMAIN_FIELDS},  # every column: rows insert in bulk
        "status": "active",
        "synthetic": False,
        "provenance": {},
        **{name: from_json(name, value) for name, value in values.items()},
        "owner_organisation_id": owner_organisation_id,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }


@dataclass(frozen=True)
class NewCommunity:
    """A community to register through the API, by whom, and the trace of the request (None: the current one)."""

    data: CommunityCreate
    principal: Principal
    trace_context: dict[str, str] | None = None


async def register_communities(session: AsyncSession, new: Sequence[NewCommunity]) -> list[CommunityPublic]:
    """Register communities in one round trip per table; each partner's organisation leads its own.
    Stage a `community.registered` per community. Answers with the new communities as the API shows them."""
    from lcn_registry.organisations import service as organisation_service  # a cycle: memberships change communities

    now = datetime.now(UTC)
    # One look-up per leading organisation, however many of its communities the batch holds.
    partners = {
        one.principal.organisation_id: one.principal for one in new if one.principal.organisation_id is not None
    }
    leading = {
        organisation_id: await organisation_service.organisation_of(session, principal)
        for organisation_id, principal in partners.items()
    }
    rows, communities, registrations, leads = [], [], [], []
    for one in new:
        values = one.data.model_dump(mode="json")
        row = new_community_row(values, owner_organisation_id=one.principal.organisation_id, now=now)
        actor = one.principal.actor
        row["provenance"] = {name: {"origin": "api", "actor": actor} for name in one.data.model_fields_set}
        members = []
        if one.principal.organisation_id is not None:
            lead, member = organisation_service.lead(leading[one.principal.organisation_id], row)
            leads.append(lead)
            members.append(member)
        rows.append(row)
        communities.append(CommunityPublic.model_validate(row))  # from the values in hand: nothing is read back
        registrations.append(Registration(row, members, values, actor, one.trace_context))
    # Core inserts, as feeds do: the ORM's unit of work cost a third of a registration's CPU (ADR 0015).
    await repository.insert_many(session, rows)
    await organisations.insert_memberships(session, leads)
    await record_registrations(session, registrations, origin="api")
    return communities


async def update_community(
    session: AsyncSession,
    *,
    community_id: UUID,
    patch: CommunityUpdate,
    expected_version: int | None,
    principal: Principal,
) -> Community:
    """Apply a merge patch when the caller saw the current version and may change the community."""
    community = await get_community(session, community_id=community_id, for_update=True)
    await authorise_change(session, community=community, principal=principal)
    check_writable(community)
    check_version(community, expected_version)
    changes = patch.changes()
    if "topsectors" in changes and "primary_topsector" not in changes:
        # The main sector follows the list unless the patch names it.
        primary = community.primary_topsector
        changes["primary_topsector"] = (
            primary if primary in changes["topsectors"] else next(iter(changes["topsectors"]), None)
        )
    if changes.get("province") is not None and "landsdeel" not in changes:
        # A new province brings its landsdeel unless the patch names one, as at registration.
        province = Province(changes["province"])
        if community.landsdeel not in landsdelen_of(province):
            changes["landsdeel"] = LANDSDEEL_OF_PROVINCE[province].value
    merged = {name: as_json(getattr(community, name)) for name in DOMAIN_FIELDS} | changes
    try:
        check_consistency(merged)
    except ValueError as error:
        raise UnprocessableContent(str(error)) from error
    provenance = {name: {"origin": "api", "actor": principal.actor} for name in changes}
    members = (await members_of(session, [community_id]))[community_id]
    await apply_values(
        session, community, changes, members=members, actor=principal.actor, origin="api", provenance=provenance
    )
    return community


async def change_status(
    session: AsyncSession,
    *,
    community_id: UUID,
    status: CommunityStatus,
    reason: str | None,
    absorbed_into: str | None,
    expected_version: int | None,
    principal: Principal,
) -> Community:
    """Move the community in its lifecycle along an allowed transition; stage `community.status-changed`."""
    community = await get_community(session, community_id=community_id, for_update=True)
    await authorise_change(session, community=community, principal=principal)
    if community.status in READ_ONLY_STATUSES and principal.role not in EDITING_ROLES:
        raise Forbidden(f"Only a coordinator may change the status of a community that is {community.status}.")
    check_version(community, expected_version)
    previous = CommunityStatus(community.status)
    if status not in ALLOWED_TRANSITIONS[previous]:
        allowed = ", ".join(sorted(ALLOWED_TRANSITIONS[previous])) or "none"
        raise Conflict(f"A community cannot go from {previous} to {status}; allowed: {allowed}.")
    community.status = status.value
    changes = {"status": {"old": previous.value, "new": status.value}, "reason": reason, "absorbed_into": absorbed_into}
    now = record_change(
        session, community, change="status-changed", actor=principal.actor, origin="api", changes=changes
    )
    members = (await members_of(session, [community_id]))[community_id]
    event = CommunityStatusChanged(
        community_id=community.community_id,
        version=community.version,
        previous_status=previous,
        status=status,
        reason=reason,
        absorbed_into=absorbed_into,
        changed_at=now,
        state=state_of(community, members),
    )
    record_event(session, event, occurred_at=now)
    return community


async def history(
    session: AsyncSession, *, community_id: UUID, cursor: str | None, limit: int
) -> tuple[list[CommunityChange], str | None]:
    """A page of the community's changes, newest first, and the cursor of the next (older) page."""
    await get_community(session, community_id=community_id)
    tag = f"history|{community_id}"
    before = read_cursor(cursor, tag=tag, parse=lambda position: cursor_bigint(position["before"]))
    rows = await repository.history(session, community_id, before=before, limit=limit + 1)
    return page_of(rows, limit=limit, position=lambda change: {"before": change.change_id}, tag=tag)
