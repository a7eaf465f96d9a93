"""Queries on good practices: one practice, the filtered and visible ones in keyset pages, facet counts, history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Boolean,
    ColumnElement,
    DateTime,
    Double,
    Select,
    Text,
    bindparam,
    cast,
    false,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.dialects.postgresql import REAL, TSQUERY
from sqlalchemy.engine import Result, RowMapping
from sqlalchemy.sql.base import Executable
from sqlmodel import col
from sqlmodel import select as orm_select
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_monitor.communities.models import CommunityView
from lcn_monitor.practices.models import CODE_COLUMNS, PUBLIC_STATES, Practice, PracticeChange
from lcn_shared.db import core_table

PRACTICE = core_table(Practice)
WRITTEN = core_table(CommunityView).alias("written")
SURVIVOR = core_table(CommunityView).alias("survivor")
# A practice counts under the end of its community's merge chain: filters and rights read that community.
JOINED = PRACTICE.join(WRITTEN, WRITTEN.c.community_id == PRACTICE.c.community_id).join(
    SURVIVOR, SURVIVOR.c.community_id == WRITTEN.c.survivor_id
)
VIEW_COLUMNS = (
    *(column for column in PRACTICE.c if column.name != "search_vector"),
    SURVIVOR.c.community_id.label("survivor_id"),
    SURVIVOR.c.name.label("community_name"),
    SURVIVOR.c.landsdeel.label("landsdeel"),
)
DUTCH: ColumnElement[Any] = literal_column("'dutch'::regconfig")
# Every lexeme of the stemmed query becomes a prefix: the Dutch stemmer cuts "leergemeenschappen" to
# "leergemeenschapp" but "leergemeenschap" to itself, so only `'leergemeenschap':*` finds both.
LEXEME = "'((?:[^']|'')+)'"
AS_PREFIX = "'\\1':*"


@dataclass(frozen=True)
class Viewer:
    """Whose eyes a query reads with: coordinators see everything, others the public practices and, for a
    partner, the ones of the communities its organisation leads or may edit."""

    sees_all: bool = False
    organisation_id: UUID | None = None


@dataclass(frozen=True)
class PracticeFilter:
    """Validated filters: codes per list column, the community as its survivor, the other criteria as given."""

    text: str | None = None
    survivor_id: UUID | None = None
    landsdeel: str | None = None
    topsector: str | None = None
    codes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    indicator: str | None = None
    curation: str | None = None


async def get(session: AsyncSession, practice_id: UUID, *, for_update: bool = False) -> Practice | None:
    """One practice (locked for the transaction when it is to change)."""
    query = orm_select(Practice).where(col(Practice.practice_id) == practice_id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return (await session.exec(query)).one_or_none()


async def view(session: AsyncSession, practice_id: UUID) -> RowMapping | None:
    """One practice with the community it counts under, as the API shows it."""
    query = select(*VIEW_COLUMNS).select_from(JOINED).where(PRACTICE.c.practice_id == practice_id)
    return (await _run(session, query)).mappings().one_or_none()


def text_query(text: str) -> ColumnElement[Any]:
    """`q` in Dutch web-search syntax ("phrases", `or`, `-not`), each stemmed word as a prefix."""
    words = func.websearch_to_tsquery(DUTCH, bindparam("q", text, type_=Text), type_=TSQUERY)
    prefixed = func.regexp_replace(cast(words, Text), literal(LEXEME), literal(AS_PREFIX), literal("g"))
    # A scalar subquery is computed once per statement, not once per row.
    return select(cast(prefixed, TSQUERY)).scalar_subquery()


def visible(viewer: Viewer) -> list[ColumnElement[bool]]:
    """What the viewer may see: everything, or the public practices and its organisation's own."""
    if viewer.sees_all:
        return []
    public = PRACTICE.c.curation.in_(PUBLIC_STATES)
    if viewer.organisation_id is None:
        return [public]
    partner = SURVIVOR.c.partners[str(viewer.organisation_id)]
    may_edit = or_(partner["role"].astext == "lead", func.coalesce(cast(partner["can_edit"].astext, Boolean), false()))
    return [or_(public, may_edit)]


def conditions(practice_filter: PracticeFilter, viewer: Viewer) -> list[ColumnElement[bool]]:
    """The WHERE conditions: visibility, then OR within a field (`&&`) and AND across fields."""
    found = visible(viewer)
    if practice_filter.survivor_id is not None:
        found.append(SURVIVOR.c.community_id == practice_filter.survivor_id)
    if practice_filter.landsdeel is not None:
        found.append(SURVIVOR.c.landsdeel == practice_filter.landsdeel)
    if practice_filter.topsector is not None:
        topsector = practice_filter.topsector
        found.append(or_(SURVIVOR.c.topsectors.contains([topsector]), SURVIVOR.c.primary_topsector == topsector))
    for column, codes in sorted(practice_filter.codes.items()):
        found.append(PRACTICE.c[column].overlap(list(codes)))
    if practice_filter.indicator is not None:
        found.append(PRACTICE.c.indicator_keys.contains([practice_filter.indicator]))
    if practice_filter.curation is not None:
        found.append(PRACTICE.c.curation == practice_filter.curation)
    if practice_filter.text is not None:
        found.append(PRACTICE.c.search_vector.op("@@")(text_query(practice_filter.text)))
    return found


def _sort_key(practice_filter: PracticeFilter) -> ColumnElement[Any]:
    """Relevance (title hits first) with a text query, else the newest first."""
    if practice_filter.text is not None:
        return func.ts_rank(PRACTICE.c.search_vector, text_query(practice_filter.text), type_=REAL)
    return PRACTICE.c.created_at


def _after(practice_filter: PracticeFilter, value: float | datetime) -> ColumnElement[Any]:
    """The cursor's sort value, typed as the sort key is (a rank is a real: compared exactly as it was read)."""
    if practice_filter.text is not None:
        return cast(bindparam("after_key", value, type_=Double()), REAL)
    return bindparam("after_key", value, type_=DateTime(timezone=True))


def listing(
    practice_filter: PracticeFilter, viewer: Viewer, *, after: tuple[float | datetime, UUID] | None
) -> Select[Any]:
    """The visible practices matching the filters, in keyset order (sort key and id, both descending)."""
    matching = (
        select(*VIEW_COLUMNS, _sort_key(practice_filter).label("sort_key"))
        .select_from(JOINED)
        .where(*conditions(practice_filter, viewer))
        .subquery("matching")
    )
    query = select(matching).order_by(matching.c.sort_key.desc(), matching.c.practice_id.desc())
    if after is not None:
        position = tuple_(_after(practice_filter, after[0]), bindparam("after_id", after[1]))
        query = query.where(tuple_(matching.c.sort_key, matching.c.practice_id) < position)
    return query


async def page(
    session: AsyncSession,
    practice_filter: PracticeFilter,
    viewer: Viewer,
    *,
    after: tuple[float | datetime, UUID] | None,
    limit: int,
) -> list[RowMapping]:
    """Up to `limit` rows of the listing after the cursor's position."""
    return list((await _run(session, listing(practice_filter, viewer, after=after).limit(limit))).mappings().all())


async def every(session: AsyncSession, practice_filter: PracticeFilter, viewer: Viewer) -> list[RowMapping]:
    """Every row of the listing (the CSV export)."""
    return list((await _run(session, listing(practice_filter, viewer, after=None))).mappings().all())


async def facet_counts(
    session: AsyncSession, practice_filter: PracticeFilter, viewer: Viewer
) -> tuple[int, dict[str, dict[str, int]]]:
    """The number of matching practices, and per list column how many of them hold each code (one query)."""
    matching = (
        select(*(PRACTICE.c[name] for name in CODE_COLUMNS))
        .select_from(JOINED)
        .where(*conditions(practice_filter, viewer))
        .cte("matching")
    )
    unnested = union_all(
        *(select(literal(name).label("facet"), func.unnest(matching.c[name]).label("code")) for name in CODE_COLUMNS)
    ).subquery("unnested")
    counted = select(unnested.c.facet, unnested.c.code, func.count().label("n")).group_by(
        unnested.c.facet, unnested.c.code
    )
    total = select(literal("total").label("facet"), cast(null(), Text).label("code"), func.count().label("n"))
    rows = (await _run(session, union_all(counted, total.select_from(matching)))).all()
    counts: dict[str, dict[str, int]] = {name: {} for name in CODE_COLUMNS}
    matched = 0
    for facet, code, n in rows:
        if facet == "total":
            matched = int(n)
        else:
            counts[facet][code] = int(n)
    return matched, counts


async def changes(session: AsyncSession, practice_id: UUID, *, after: int | None, limit: int) -> list[PracticeChange]:
    """Up to `limit` history entries of a practice, oldest first, after `after` when given."""
    query = orm_select(PracticeChange).where(col(PracticeChange.practice_id) == practice_id)
    if after is not None:
        query = query.where(col(PracticeChange.change_id) > after)
    return list((await session.exec(query.order_by(col(PracticeChange.change_id)).limit(limit))).all())


def add(session: AsyncSession, *rows: Practice | PracticeChange) -> None:
    """Stage new rows; the unit of work writes them."""
    session.add_all(rows)


async def _run(session: AsyncSession, statement: Executable) -> Result[*tuple[Any, ...]]:
    """Run a Core statement (sqlmodel types `exec` for its own selects only; `execute` is deprecated there)."""
    return await session.exec(statement)  # type: ignore[call-overload, no-any-return]
