"""Queries on organisations and memberships."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import Text, Uuid, delete, func, literal, text, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_registry.communities.models import Community
from lcn_registry.organisations.models import Membership, Organisation
from lcn_shared.db import WriteBehind, core_table, insert_rows


async def get(session: AsyncSession, organisation_id: UUID) -> Organisation | None:
    """One organisation."""
    return await session.get(Organisation, organisation_id)


async def by_name_keys(session: AsyncSession, name_keys: Sequence[str]) -> dict[str, Organisation]:
    """Organisations by normalised name."""
    if not name_keys:
        return {}
    rows = await session.exec(select(Organisation).where(col(Organisation.name_key).in_(list(set(name_keys)))))
    return {row.name_key: row for row in rows.all()}


async def insert_missing(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Add organisations whose normalised name is new; a concurrent insert of the same name wins quietly."""
    if rows:
        await session.exec(insert(Organisation).on_conflict_do_nothing(), params=list(rows))


async def page(
    session: AsyncSession, *, name: str | None, type_: str | None, after: str | None, limit: int
) -> list[Organisation]:
    """Organisations by name key (unique), optionally filtered, after a name key (keyset)."""
    query = select(Organisation).order_by(col(Organisation.name_key)).limit(limit)
    if name:
        query = query.where(col(Organisation.name).ilike(f"%{name}%"))
    if type_:
        query = query.where(Organisation.type == type_)
    if after:
        query = query.where(col(Organisation.name_key) > after)
    return list((await session.exec(query)).all())


async def membership(session: AsyncSession, community_id: UUID, organisation_id: UUID) -> Membership | None:
    """One membership."""
    return await session.get(Membership, (community_id, organisation_id))


async def members(session: AsyncSession, community_id: UUID) -> list[tuple[Membership, Organisation]]:
    """A community's memberships with their organisations, leads first."""
    rows = await session.exec(
        select(Membership, Organisation)
        .join(Organisation, col(Organisation.organisation_id) == col(Membership.organisation_id))
        .where(Membership.community_id == community_id)
        .order_by(func.array_position(["lead", "partner", "financier"], Membership.role), col(Organisation.name))
    )
    return list(rows.all())


async def communities_of(
    session: AsyncSession, organisation_id: UUID, *, after: tuple[str, UUID] | None = None, limit: int | None = None
) -> list[tuple[Membership, Community]]:
    """An organisation's memberships with their communities, by name (then id); a page of them after a (name, id)
    (keyset), or all."""
    key = tuple_(col(Community.name), col(Community.community_id))
    query = (
        select(Membership, Community)
        .join(Community, col(Community.community_id) == col(Membership.community_id))
        .where(Membership.organisation_id == organisation_id)
        .order_by(*key.clauses)
        .limit(limit)
    )
    if after is not None:
        query = query.where(key > tuple_(literal(after[0], Text()), literal(after[1], Uuid())))
    return list((await session.exec(query)).all())


async def lead_of(session: AsyncSession, community_id: UUID) -> Membership | None:
    """The community's lead membership, if it has one (it has at most one)."""
    rows = await session.exec(
        select(Membership).where(Membership.community_id == community_id, Membership.role == "lead")
    )
    return rows.first()


# A community has one lead (ADR 0021): the merged community's lead joins a survivor that has one as a partner
# who may edit, as a handover leaves the previous lead.
MOVE_MEMBERSHIPS = text(
    """
    INSERT INTO membership (community_id, organisation_id, role, can_edit, origin, created_at)
    SELECT :to_community, organisation_id,
           CASE WHEN role = 'lead' AND survivor_lead.found THEN 'partner' ELSE role END, can_edit, origin, created_at
    FROM membership,
         (SELECT EXISTS (SELECT FROM membership WHERE community_id = :to_community AND role = 'lead') AS found)
         AS survivor_lead
    WHERE community_id = :from_community
    ON CONFLICT (community_id, organisation_id) DO NOTHING
    """
)


async def move_memberships(session: AsyncSession, from_community: UUID, to_community: UUID) -> None:
    """Give the survivor the merged community's partners it lacks; the survivor's own roles stand, its lead too."""
    params = {"from_community": from_community, "to_community": to_community}
    await session.exec(MOVE_MEMBERSHIPS, params=params)  # type: ignore[call-overload]
    await session.exec(delete(Membership).where(col(Membership.community_id) == from_community))


async def insert_memberships(session: AsyncSession | WriteBehind, rows: Sequence[dict[str, Any]]) -> None:
    """Add memberships in one round trip (bulk imports)."""
    await insert_rows(session, core_table(Membership), rows)


async def members_of(
    session: AsyncSession, community_ids: Sequence[UUID]
) -> dict[UUID, list[tuple[Membership, Organisation]]]:
    """Memberships with their organisations for many communities in one query."""
    rows = await session.exec(
        select(Membership, Organisation)
        .join(Organisation, col(Organisation.organisation_id) == col(Membership.organisation_id))
        .where(col(Membership.community_id).in_(list(community_ids)))
    )
    found: dict[UUID, list[tuple[Membership, Organisation]]] = {community_id: [] for community_id in community_ids}
    for membership, organisation in rows.all():
        found[membership.community_id].append((membership, organisation))
    return found
