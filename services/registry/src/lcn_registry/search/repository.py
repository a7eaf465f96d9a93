"""Queries of the search: filter conditions, the Dutch text query, keyset pages and grouped counts."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    Text,
    Uuid,
    any_,
    case,
    exists,
    func,
    literal,
    literal_column,
    null,
    select,
    true,
    tuple_,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import ARRAY, REAL, TSQUERY, array
from sqlalchemy.engine import Result, RowMapping
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.sqltypes import NullType
from sqlalchemy.sql.type_api import TypeEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_registry.communities.models import LIST_FIELDS, Community
from lcn_registry.communities.schemas import CommunityPublic
from lcn_registry.feeds.models import SourceRecord
from lcn_registry.organisations.models import Membership
from lcn_registry.search.schemas import CommunityFilter, SortOrder

COMMUNITY: Table = Community.metadata.tables[Community.__tablename__]
MEMBERSHIP: Table = Membership.metadata.tables[Membership.__tablename__]
SOURCE_RECORD: Table = SourceRecord.metadata.tables[SourceRecord.__tablename__]
# What the API shows of a community; the stored search vector and provenance stay behind.
PUBLIC_COLUMNS = tuple(COMMUNITY.c[name] for name in CommunityPublic.model_fields)
# asyncpg already returns text arrays as lists of str: skip SQLAlchemy's per-element result processing.
SELECTED_COLUMNS = tuple(
    type_coerce(column, NullType()).label(column.name) if isinstance(column.type, ARRAY) else column
    for column in PUBLIC_COLUMNS
)
DUTCH: ColumnElement[Any] = literal_column("'dutch'::regconfig")
SIMPLE: ColumnElement[Any] = literal_column("'simple'::regconfig")
NO_ELEMENT: ColumnElement[Any] = literal_column("ARRAY[NULL]::text[]")
WORD = re.compile(r"[^\W_]{2,}")
MAX_PREFIX_WORDS = 8
EXPORT_BATCH_ROWS = 500
UNCACHED: dict[str, Any] = {"compiled_cache": None}


async def _execute(session: AsyncSession, statement: Executable, *, cache: bool = True) -> Result[*tuple[Any, ...]]:
    """Run a Core statement (sqlmodel types `exec` for its own select only; `execute` is deprecated there).

    `cache=False` compiles the statement anew (about a millisecond) instead of keeping it in the engine's
    compiled cache: searches combine filters into hundreds of shapes, and holding them all (some 500
    objects each) makes every full garbage collection of the process several times slower.
    """
    return await session.exec(statement, execution_options={} if cache else UNCACHED)  # type: ignore[call-overload, no-any-return]


def prefix_terms(text: str) -> str | None:
    """`energ duurz` -> `energ:* & duurz:*`: the words typed so far, each as a prefix (letters and digits only)."""
    words = WORD.findall(text.lower())[:MAX_PREFIX_WORDS]
    return " & ".join(f"{word}:*" for word in words) or None


def _words_query(text: str) -> ColumnElement[Any]:
    """`q` in Dutch web-search syntax: stemmed words, "phrases", `or`, `-not`."""
    return func.websearch_to_tsquery(DUTCH, text, type_=TSQUERY)


def text_query(text: str) -> ColumnElement[Any]:
    """The tsquery that matches `q`: its words (web-search syntax), or every word as a prefix (stemmed and as typed)."""
    query = _words_query(text)
    prefixes = prefix_terms(text)
    if prefixes is not None:
        # Stemmed prefixes find `duurzaam energ` in "duurzame energie"; unstemmed ones find
        # compounds the stemmer would cut short (`duurzaamheids` in "Duurzaamheidsfabriek").
        query = query.op("||", return_type=TSQUERY)(func.to_tsquery(DUTCH, prefixes, type_=TSQUERY))
        query = query.op("||", return_type=TSQUERY)(func.to_tsquery(SIMPLE, prefixes, type_=TSQUERY))
    # A scalar subquery is computed once per statement, not once per row of a sequential scan.
    return select(query).scalar_subquery()


def filter_conditions(community_filter: CommunityFilter) -> list[ColumnElement[bool]]:
    """The WHERE conditions of the filters: OR within a field (`&&`, `= ANY`), AND across fields.

    Each criterion binds one array, so a query's SQL depends on which filters are used, not on how many
    values each has: fewer statements to compile, prepare and plan.
    """
    conditions: list[ColumnElement[bool]] = []
    for column_name, codes in community_filter.codes.items():
        column = COMMUNITY.c[column_name]
        values = _array(codes, Text)
        conditions.append(column.overlap(values) if column_name in LIST_FIELDS else column == any_(values))
    if community_filter.municipalities:
        wanted = select(func.lower(func.unnest(_array(community_filter.municipalities, Text))))
        conditions.append(func.lower(COMMUNITY.c.municipality).in_(wanted))  # served by ix_community_municipality
    if community_filter.partners:
        conditions.append(_has_partner(community_filter.partners))
    if community_filter.sources:
        conditions.append(_has_active_source(community_filter.sources))
    if community_filter.synthetic is not None:
        conditions.append(COMMUNITY.c.synthetic == community_filter.synthetic)
    if community_filter.text is not None:
        conditions.append(COMMUNITY.c.search_vector.op("@@")(text_query(community_filter.text)))
    return conditions


def _array(values: Sequence[Any], item_type: type[TypeEngine[Any]]) -> ColumnElement[Any]:
    """One bound array parameter."""
    return literal(list(values), ARRAY(item_type))


def _has_partner(organisation_ids: Sequence[UUID]) -> ColumnElement[bool]:
    """The community counts one of these organisations among its members."""
    return exists().where(
        MEMBERSHIP.c.community_id == COMMUNITY.c.community_id,
        MEMBERSHIP.c.organisation_id == any_(_array(organisation_ids, Uuid)),
    )


def _has_active_source(feed_sources: Sequence[str]) -> ColumnElement[bool]:
    """One of these feeds currently delivers a record linked to the community."""
    return exists().where(
        SOURCE_RECORD.c.community_id == COMMUNITY.c.community_id,
        SOURCE_RECORD.c.feed_source == any_(_array(feed_sources, Text)),
        SOURCE_RECORD.c.state == "active",
    )


def sort_expression(order: SortOrder, text: str | None) -> ColumnElement[Any]:
    """The value a page is ordered by (with community_id as the tie-breaker)."""
    if order is SortOrder.RELEVANCE:
        assert text is not None, "relevance needs a text query"
        # Cover density of the words themselves; ranking the prefix query too costs twice as much on
        # thousands of matches. Rows that only a typed prefix matches rank 0 and follow.
        return func.ts_rank_cd(COMMUNITY.c.search_vector, select(_words_query(text)).scalar_subquery(), type_=REAL)
    if order in (SortOrder.NAME, SortOrder.NAME_DESC):
        return func.lower(COMMUNITY.c.name)  # served by ix_community_name_order
    if order in (SortOrder.UPDATED_AT, SortOrder.UPDATED_AT_DESC):
        return COMMUNITY.c.updated_at
    return COMMUNITY.c.created_at


def page_statement(
    community_filter: CommunityFilter,
    *,
    order: SortOrder,
    after: tuple[Any, UUID] | None,
    limit: int,
) -> Select[Any]:
    """One page in keyset order plus one row to tell whether another follows, each row with the total."""
    conditions = filter_conditions(community_filter)
    sort_value = sort_expression(order, community_filter.text)
    selected: list[ColumnElement[Any]] = [*SELECTED_COLUMNS, sort_value.label("sort_value")]
    # A subquery computed once: the count costs no round trip of its own.
    total = select(func.count()).select_from(COMMUNITY).where(*conditions).scalar_subquery()
    selected.append(total.label("total"))
    statement = select(*selected).where(*conditions)
    if after is not None:
        key = tuple_(sort_value, COMMUNITY.c.community_id)
        last = tuple_(literal(after[0], sort_value.type), literal(after[1], COMMUNITY.c.community_id.type))
        statement = statement.where(key < last if order.descending else key > last)
    if order.descending:
        return statement.order_by(sort_value.desc(), COMMUNITY.c.community_id.desc()).limit(limit + 1)
    return statement.order_by(sort_value, COMMUNITY.c.community_id).limit(limit + 1)


async def search_page(
    session: AsyncSession,
    *,
    community_filter: CommunityFilter,
    order: SortOrder,
    after: tuple[Any, UUID] | None,
    limit: int,
) -> Sequence[RowMapping]:
    """The rows of one page (up to `limit + 1`), each with its `sort_value` and the `total`."""
    statement = page_statement(community_filter, order=order, after=after, limit=limit)
    return (await _execute(session, statement, cache=False)).mappings().all()


async def data_version(session: AsyncSession) -> tuple[int, datetime | None]:
    """Row count and latest `updated_at` of the community table: they change with every write (index-only)."""
    statement = select(func.count(), func.max(COMMUNITY.c.updated_at)).select_from(COMMUNITY)
    count, latest = (await _execute(session, statement)).one()
    return int(count), latest


async def facet_rows(session: AsyncSession, *, columns: Sequence[str]) -> Sequence[Any]:
    """Every community's id, synthetic flag and the given columns, in id order (for the facet index)."""
    statement = select(COMMUNITY.c.community_id, COMMUNITY.c.synthetic, *(COMMUNITY.c[name] for name in columns))
    return (await _execute(session, statement.order_by(COMMUNITY.c.community_id))).all()


async def matching_ids(session: AsyncSession, *, community_filter: CommunityFilter) -> Sequence[UUID]:
    """The ids of the communities matching the filters."""
    statement = select(COMMUNITY.c.community_id).where(*filter_conditions(community_filter))
    return (await _execute(session, statement, cache=False)).scalars().all()


async def count_communities(session: AsyncSession, *, community_filter: CommunityFilter) -> int:
    """How many communities match the filters."""
    statement = select(func.count()).select_from(COMMUNITY).where(*filter_conditions(community_filter))
    return int((await _execute(session, statement, cache=False)).one()[0])


GroupedCounts = dict[tuple[str, ...], dict[tuple[Any, ...], int]]


async def grouped_counts(
    session: AsyncSession, *, community_filter: CommunityFilter, groups: Sequence[tuple[str, ...]]
) -> tuple[int, GroupedCounts]:
    """The total and, per group of columns, the communities per combination of values, in one statement.

    A group is one column, or a column and a single-valued column. A list column counts a community once
    per element; an empty list or a null counts under `None`.
    """
    columns = list(dict.fromkeys(name for group in groups for name in group))
    mask_of_group = {group: _grouping_mask(columns, group) for group in groups}
    statement = _grouped_counts_statement(community_filter, columns=columns, mask_of_group=mask_of_group)
    group_of_mask = {mask: group for group, mask in mask_of_group.items()}
    counts: GroupedCounts = {group: {} for group in groups}
    total = 0
    for mask, first, second, communities in (await _execute(session, statement, cache=False)).all():
        if mask not in group_of_mask:
            total = int(communities)
            continue
        group = group_of_mask[mask]
        counts[group][(first, second)[: len(group)]] = int(communities)
    return total, counts


def _grouping_mask(columns: list[str], group: tuple[str, ...]) -> int:
    """What GROUPING(columns) returns for rows of `group`: a bit set for every column *not* grouped by."""
    assert len(group) <= 2, "a group has one or two columns"
    assert all(name not in LIST_FIELDS for name in group[1:]), "only the first column may be a list"
    width = len(columns)
    return sum(1 << (width - 1 - index) for index, name in enumerate(columns) if name not in group)


def _grouped_counts_statement(
    community_filter: CommunityFilter, *, columns: list[str], mask_of_group: dict[tuple[str, ...], int]
) -> Select[Any]:
    """GROUPING SETS over whole values (arrays hash cheaply), then list elements unnested from those few rows."""
    selected = [COMMUNITY.c[name] for name in columns]
    sets = func.grouping_sets(*(tuple_(*(COMMUNITY.c[name] for name in group)) for group in mask_of_group), tuple_())
    grouped = (
        select(func.grouping(*selected).label("mask"), *selected, func.count().label("communities"))
        .where(*filter_conditions(community_filter))
        .group_by(sets)
        .cte("grouped")
    )
    first = case(
        {mask: _as_elements(grouped.c[group[0]]) for group, mask in mask_of_group.items()},
        value=grouped.c.mask,
        else_=NO_ELEMENT,
    )
    pairs = {mask: grouped.c[group[1]] for group, mask in mask_of_group.items() if len(group) == 2}
    second: ColumnElement[Any] = case(pairs, value=grouped.c.mask, else_=null()) if pairs else null()
    element = func.unnest(first).table_valued("value").render_derived()
    keys = [grouped.c.mask, element.c.value, *([second] if pairs else [])]  # PostgreSQL refuses GROUP BY NULL
    return (
        select(grouped.c.mask, element.c.value, second.label("second"), func.sum(grouped.c.communities))
        .select_from(grouped)
        .join(element, true())
        .group_by(*keys)
    )


def _as_elements(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """A list column's elements, or `[NULL]` for an empty list; a single value as a one-element array."""
    if isinstance(column.type, ARRAY):
        return case((func.cardinality(column) > 0, column), else_=NO_ELEMENT)
    return array([column])


def export_statement(community_filter: CommunityFilter) -> Select[Any]:
    """Every matching community, by name: the rows of an export."""
    return (
        select(*SELECTED_COLUMNS)
        .where(*filter_conditions(community_filter))
        .order_by(func.lower(COMMUNITY.c.name), COMMUNITY.c.community_id)
    )


async def stream_communities(
    engine: AsyncEngine, *, community_filter: CommunityFilter
) -> AsyncIterator[Sequence[RowMapping]]:
    """Matching communities in batches from a server-side cursor, in one snapshot, without holding them all."""
    async with engine.connect() as connection:
        statement = export_statement(community_filter)
        result = await connection.stream(statement, execution_options=UNCACHED)
        async for batch in result.mappings().partitions(EXPORT_BATCH_ROWS):
            yield batch
