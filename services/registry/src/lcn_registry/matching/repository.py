"""Queries of matching: blocking keys, candidate profiles, reviews."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import DateTime, Double, Uuid, delete, func, literal, or_, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_registry.communities.models import Community
from lcn_registry.feeds.models import SourceRecord
from lcn_registry.matching import profiles
from lcn_registry.matching.blocking import MAX_BLOCK_SIZE, MAX_PRECISE_BLOCK, always_used
from lcn_registry.matching.models import MatchKey, MatchReview
from lcn_registry.matching.scoring import Profile
from lcn_registry.organisations.models import Membership, Organisation
from lcn_shared.db import WriteBehind, core_table, insert_rows

# Members of the requested blocks, read through the primary key and bounded per block, so the cost of a look-up
# stays flat however large a block grows: a block read to its limit is frequent, and only site and full-name
# blocks are used past MAX_BLOCK_SIZE (up to MAX_PRECISE_BLOCK members).
CANDIDATES = text(
    """
    SELECT keys.block_key, hits.community_id
    FROM unnest(CAST(:keys AS text[])) AS keys(block_key)
    CROSS JOIN LATERAL (
        SELECT match_key.community_id FROM match_key
        WHERE match_key.block_key = keys.block_key
        LIMIT CASE WHEN keys.block_key LIKE 'site:%' OR keys.block_key LIKE 'name:%' THEN :max_precise
                   ELSE :max_block + 1 END
    ) AS hits
    """
)


async def candidates(session: AsyncSession, keys: Iterable[str]) -> dict[str, list[UUID]]:
    """Golden records filed under each key (frequent token and partner blocks left out)."""
    params = {"keys": list(set(keys)), "max_block": MAX_BLOCK_SIZE, "max_precise": MAX_PRECISE_BLOCK}
    rows = await session.exec(CANDIDATES, params=params)  # type: ignore[call-overload]
    found: dict[str, list[UUID]] = defaultdict(list)
    for block_key, community_id in rows:
        found[block_key].append(community_id)
    return {key: members for key, members in found.items() if always_used(key) or len(members) <= MAX_BLOCK_SIZE}


async def community_profiles(session: AsyncSession, community_ids: Iterable[UUID]) -> dict[UUID, Profile]:
    """Matching profiles of golden records, with their partners' normalised names."""
    ids = list(set(community_ids))
    if not ids:
        return {}
    partner_keys = (
        select(func.coalesce(func.array_agg(Organisation.name_key), text("'{}'::text[]")))
        .join(Membership, col(Membership.organisation_id) == col(Organisation.organisation_id))
        .where(col(Membership.community_id) == col(Community.community_id))
        .scalar_subquery()
    )
    query = select(  # type: ignore[call-overload]
        Community.community_id,
        Community.name,
        Community.kinds,
        Community.landsdeel,
        Community.province,
        Community.municipality,
        Community.website,
        partner_keys,
    ).where(col(Community.community_id).in_(ids))
    rows = await session.exec(query)
    return {
        row[0]: profiles.profile(
            community_id=row[0],
            name=row[1],
            kinds=row[2],
            landsdeel=row[3],
            province=row[4],
            municipality=row[5],
            website=row[6],
            partner_keys=row[7],
        )
        for row in rows
    }


async def registration_order(session: AsyncSession, community_ids: Iterable[UUID]) -> dict[UUID, tuple[datetime, UUID]]:
    """When each golden record was registered, as a key that orders records (ties broken by id)."""
    ids = list(set(community_ids))
    if not ids:
        return {}
    rows = await session.exec(
        select(Community.community_id, Community.created_at).where(col(Community.community_id).in_(ids))
    )
    return {community_id: (created_at, community_id) for community_id, created_at in rows}


async def holding_source(session: AsyncSession, feed_source: str, community_ids: Iterable[UUID]) -> set[UUID]:
    """Golden records that already have an active record of this source (one record per source each)."""
    ids = list(set(community_ids))
    if not ids:
        return set()
    rows = await session.exec(
        select(SourceRecord.community_id).where(
            SourceRecord.feed_source == feed_source,
            SourceRecord.state == "active",
            col(SourceRecord.community_id).in_(ids),
        )
    )
    return set(rows.all())


async def add_keys(session: AsyncSession | WriteBehind, rows: Sequence[dict[str, Any]]) -> None:
    """File golden records under their keys (a key already filed for the record stays)."""
    await insert_rows(session, core_table(MatchKey), rows, skip_conflicts=True)


async def remove_keys(session: AsyncSession, community_ids: Iterable[UUID]) -> None:
    """Unfile golden records (before re-filing them, or when merged away)."""
    await session.exec(delete(MatchKey).where(col(MatchKey.community_id).in_(list(community_ids))))


async def add_reviews(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Queue pairs for a coordinator; a pair already queued or decided stays as it is."""
    if rows:
        await session.exec(insert(MatchReview).on_conflict_do_nothing(), params=rows)


async def review(session: AsyncSession, review_id: UUID, *, for_update: bool = False) -> MatchReview | None:
    """One review."""
    return await session.get(MatchReview, review_id, with_for_update=for_update)


ReviewPosition = tuple[float, datetime, UUID]  # score, created_at, review_id: the order of the queue


async def reviews(
    session: AsyncSession, *, state: str | None, after: ReviewPosition | None, limit: int
) -> list[MatchReview]:
    """Reviews, most certain first (then oldest, then by id), after a position in that order (keyset)."""
    key = tuple_(-col(MatchReview.score), col(MatchReview.created_at), col(MatchReview.review_id))
    query = select(MatchReview).order_by(*key.clauses).limit(limit)
    if state:
        query = query.where(MatchReview.state == state)
    if after is not None:
        score, created_at, review_id = after
        last = tuple_(
            literal(-score, Double()), literal(created_at, DateTime(timezone=True)), literal(review_id, Uuid())
        )
        query = query.where(key > last)
    return list((await session.exec(query)).all())


async def supersede_reviews(session: AsyncSession, community_id: UUID, *, decided_by: str, now: datetime) -> None:
    """Close open reviews naming a community that is merged away."""
    await session.exec(
        update(MatchReview)
        .where(
            col(MatchReview.state) == "open",
            or_(col(MatchReview.community_id) == community_id, col(MatchReview.candidate_id) == community_id),
        )
        .values(state="superseded", decided_at=now, decided_by=decided_by)
    )
