"""Queries of the search: filter conditions, the Dutch text query, keyset pages and grouped counts."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from functools import lru_cache, partial
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Integer,
    Select,
    Table,
    Text,
    Uuid,
    any_,
    bindparam,
    case,
    exists,
    func,
    literal_column,
    null,
    select,
    true,
    tuple_,
    type_coerce,
)
from sqlalchemy import text as sql_text
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
from lcn_registry.organisations.models import Membership, Organisation
from lcn_registry.search.schemas import CommunityFilter, SortOrder
from lcn_shared.db import execute_shape

COMMUNITY: Table = Community.metadata.tables[Community.__tablename__]
MEMBERSHIP: Table = Membership.metadata.tables[Membership.__tablename__]
ORGANISATION: Table = Organisation.metadata.tables[Organisation.__tablename__]
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
ACTIVE: ColumnElement[Any] = literal_column("'active'")  # in the SQL text: `execute_shape` binds named values only
WORD = re.compile(r"[^\W_]{2,}")
MAX_PREFIX_WORDS = 8
EXPORT_BATCH_ROWS = 500
UNCACHED: dict[str, Any] = {"compiled_cache": None}
FilterParams = dict[str, Any]


async def _execute(session: AsyncSession, statement: Executable, *, cache: bool = True) -> Result[*tuple[Any, ...]]:
    """Run a Core statement (sqlmodel types `exec` for its own select only; `execute` is deprecated there).

    `cache=False` compiles the statement anew instead of keeping it in the engine's compiled cache: filters
    combine into hundreds of shapes, and holding their compiled objects slows every full garbage collection.
    """
    return await session.exec(statement, execution_options={} if cache else UNCACHED)  # type: ignore[call-overload, no-any-return]


def prefix_terms(text: str) -> str | None:
    """`energ duurz` -> `energ:* & duurz:*`: the words typed so far, each as a prefix (letters and digits only)."""
    words = WORD.findall(text.lower())[:MAX_PREFIX_WORDS]
    return " & ".join(f"{word}:*" for word in words) or None


def filter_params(community_filter: CommunityFilter) -> FilterParams:
    """The bound values of the filters, by parameter name; which names are present is the query's shape.

    Each criterion binds one array, so the SQL depends on which filters are used, not on how many values
    each has: a few hundred shapes, each compiled once (`execute_shape`).
    """
    params: FilterParams = {f"codes_{column}": list(codes) for column, codes in sorted(community_filter.codes.items())}
    if community_filter.municipalities:
        params["municipalities"] = list(community_filter.municipalities)
    if community_filter.partners:
        params["partners"] = list(community_filter.partners)
    if community_filter.sources:
        params["sources"] = list(community_filter.sources)
    if community_filter.synthetic is not None:
        params["synthetic"] = community_filter.synthetic
    if community_filter.text is not None:
        params["text"] = community_filter.text
        prefixes = prefix_terms(community_filter.text)
        if prefixes is not None:
            params["prefixes"] = prefixes
    return params


def shape_of(params: FilterParams) -> tuple[str, ...]:
    """The names bound: statements of the same kind and order with the same names have the same SQL."""
    return tuple(params)


def _bound(params: FilterParams, name: str, item_type: TypeEngine[Any]) -> ColumnElement[Any]:
    """The named parameter, carrying its value (for statements run through SQLAlchemy)."""
    return bindparam(name, params[name], type_=item_type)


def _words_query(params: FilterParams) -> ColumnElement[Any]:
    """`q` in Dutch web-search syntax: stemmed words, "phrases", `or`, `-not`."""
    return func.websearch_to_tsquery(DUTCH, _bound(params, "text", Text()), type_=TSQUERY)


def text_query(params: FilterParams) -> ColumnElement[Any]:
    """The tsquery that matches `q`: its words (web-search syntax), or every word as a prefix (stemmed and as typed)."""
    query = _words_query(params)
    if "prefixes" in params:
        # Stemmed prefixes find `duurzaam energ` in "duurzame energie"; unstemmed ones find
        # compounds the stemmer would cut short (`duurzaamheids` in "Duurzaamheidsfabriek").
        prefixes = _bound(params, "prefixes", Text())
        query = query.op("||", return_type=TSQUERY)(func.to_tsquery(DUTCH, prefixes, type_=TSQUERY))
        query = query.op("||", return_type=TSQUERY)(func.to_tsquery(SIMPLE, prefixes, type_=TSQUERY))
    # A scalar subquery is computed once per statement, not once per row of a sequential scan.
    return select(query).scalar_subquery()


def filter_conditions(params: FilterParams) -> list[ColumnElement[bool]]:
    """The WHERE conditions of the filters: OR within a field (`&&`, `= ANY`), AND across fields."""
    conditions: list[ColumnElement[bool]] = []
    for name in params:
        if name.startswith("codes_"):
            column_name = name.removeprefix("codes_")
            column, values = COMMUNITY.c[column_name], _bound(params, name, ARRAY(Text))
            conditions.append(column.overlap(values) if column_name in LIST_FIELDS else column == any_(values))
    if "municipalities" in params:
        wanted = select(func.lower(func.unnest(_bound(params, "municipalities", ARRAY(Text)))))
        conditions.append(func.lower(COMMUNITY.c.municipality).in_(wanted))  # served by ix_community_municipality
    if "partners" in params:
        conditions.append(_has_partner(_bound(params, "partners", ARRAY(Uuid))))
    if "sources" in params:
        conditions.append(_has_active_source(_bound(params, "sources", ARRAY(Text))))
    if "synthetic" in params:
        conditions.append(COMMUNITY.c.synthetic == _bound(params, "synthetic", Boolean()))
    if "text" in params:
        conditions.append(COMMUNITY.c.search_vector.op("@@")(text_query(params)))
    return conditions


def _has_partner(organisation_ids: ColumnElement[Any]) -> ColumnElement[bool]:
    """The community counts one of these organisations among its members."""
    return exists().where(
        MEMBERSHIP.c.community_id == COMMUNITY.c.community_id,
        MEMBERSHIP.c.organisation_id == any_(organisation_ids),
    )


def _has_active_source(feed_sources: ColumnElement[Any]) -> ColumnElement[bool]:
    """One of these feeds currently delivers a record linked to the community."""
    return exists().where(
        SOURCE_RECORD.c.community_id == COMMUNITY.c.community_id,
        SOURCE_RECORD.c.feed_source == any_(feed_sources),
        SOURCE_RECORD.c.state == ACTIVE,
    )


def sort_expression(order: SortOrder, params: FilterParams) -> ColumnElement[Any]:
    """The value a page is ordered by (with community_id as the tie-breaker)."""
    if order is SortOrder.RELEVANCE:
        assert "text" in params, "relevance needs a text query"
        # Cover density of the words themselves; ranking the prefix query too costs twice as much on
        # thousands of matches. Rows that only a typed prefix matches rank 0 and follow.
        return func.ts_rank_cd(COMMUNITY.c.search_vector, select(_words_query(params)).scalar_subquery(), type_=REAL)
    if order in (SortOrder.NAME, SortOrder.NAME_DESC):
        return func.lower(COMMUNITY.c.name)  # served by ix_community_name_order
    if order in (SortOrder.UPDATED_AT, SortOrder.UPDATED_AT_DESC):
        return COMMUNITY.c.updated_at
    return COMMUNITY.c.created_at


def page_params(community_filter: CommunityFilter, *, after: tuple[Any, UUID] | None, limit: int) -> FilterParams:
    """The bound values of one page: the filters', the row to continue after, and how many rows to read."""
    params = filter_params(community_filter)
    if after is not None:
        params["after_value"], params["after_id"] = after
    params["page_rows"] = limit + 1  # one more tells whether another page follows
    return params


def page_statement(params: FilterParams, *, order: SortOrder, with_total: bool) -> Select[Any]:
    """One page in keyset order plus one row to tell whether another follows; with the total on each row if asked."""
    conditions = filter_conditions(params)
    sort_value = sort_expression(order, params)
    selected: list[ColumnElement[Any]] = [*SELECTED_COLUMNS, sort_value.label("sort_value")]
    if with_total:
        # A subquery computed once: the count costs no round trip of its own.
        total = select(func.count()).select_from(COMMUNITY).where(*conditions).scalar_subquery()
        selected.append(total.label("total"))
    statement = select(*selected).where(*conditions)
    if "after_value" in params:
        key = tuple_(sort_value, COMMUNITY.c.community_id)
        last = tuple_(_bound(params, "after_value", sort_value.type), _bound(params, "after_id", Uuid()))
        statement = statement.where(key < last if order.descending else key > last)
    rows = _bound(params, "page_rows", Integer())
    if order.descending:
        return statement.order_by(sort_value.desc(), COMMUNITY.c.community_id.desc()).limit(rows)
    return statement.order_by(sort_value, COMMUNITY.c.community_id).limit(rows)


async def search_page(
    session: AsyncSession,
    *,
    community_filter: CommunityFilter,
    order: SortOrder,
    after: tuple[Any, UUID] | None,
    limit: int,
    with_total: bool = True,
) -> list[dict[str, Any]]:
    """The rows of one page (up to `limit + 1`), each with its `sort_value` and, `with_total`, the `total`."""
    params = page_params(community_filter, after=after, limit=limit)
    build = partial(page_statement, params, order=order, with_total=with_total)
    result = await execute_shape(session, ("page", order, with_total, shape_of(params)), build, params)
    names = tuple(result.keys())
    # Rows zipped with their column names into plain dicts (in C): pydantic validates those in its core, while
    # a RowMapping goes through the Mapping protocol key by key.
    return [dict(zip(names, row, strict=True)) for row in result.all()]


# A loose index scan of source_record's primary key: one probe per distinct source, not a read of every record.
FEED_SOURCES = sql_text(
    """
    WITH RECURSIVE sources(feed_source) AS (
        (SELECT feed_source FROM source_record ORDER BY feed_source LIMIT 1)
        UNION ALL
        SELECT (SELECT next.feed_source FROM source_record AS next
                WHERE next.feed_source > sources.feed_source ORDER BY next.feed_source LIMIT 1)
        FROM sources WHERE sources.feed_source IS NOT NULL
    )
    SELECT feed_source FROM sources WHERE feed_source IS NOT NULL
    """
)


async def feed_sources(session: AsyncSession) -> list[str]:
    """The feed sources the registry holds records of (active or withdrawn), by name."""
    return list((await session.exec(FEED_SOURCES)).scalars())  # type: ignore[call-overload]


async def known_organisations(session: AsyncSession, organisation_ids: Sequence[UUID]) -> set[UUID]:
    """Which of these organisation ids exist (primary-key probes)."""
    statement = select(ORGANISATION.c.organisation_id).where(
        ORGANISATION.c.organisation_id == any_(bindparam("ids", list(organisation_ids), type_=ARRAY(Uuid)))
    )
    return set((await _execute(session, statement)).scalars())


async def data_version(session: AsyncSession) -> tuple[int, datetime | None]:
    """Row count and latest `updated_at` of the community table: they change with every write (index-only)."""
    statement = select(func.count(), func.max(COMMUNITY.c.updated_at)).select_from(COMMUNITY)
    count, latest = (await _execute(session, statement)).one()
    return int(count), latest


async def facet_holders(session: AsyncSession, *, columns: Sequence[str]) -> tuple[bytes, list[Any]]:
    """Every community's id in id order (16 bytes each), and per column and code the positions in that order of
    the communities holding it: grouped by PostgreSQL, in one snapshot, for the facet index."""
    rows = (await session.exec(sql_text(_facet_holders_sql(tuple(columns))))).all()  # type: ignore[call-overload]
    ids = next((ids for field, _, _, ids in rows if field is None), None)  # UNION ALL promises no order
    return ids or b"", [(field, code, positions) for field, code, positions, _ in rows if field is not None]


@lru_cache(maxsize=8)
def _facet_holders_sql(columns: tuple[str, ...]) -> str:
    """The statement of `facet_holders`: a row of the ids, the synthetic rows, and a row per (column, code).

    Grouping in PostgreSQL keeps the event loop free: decoding 10,000 rows of ten lists each in Python took
    a quarter of a second, in which no request was served.
    """
    assert all(name in COMMUNITY.c for name in columns), "columns of the community table only"
    ranked = ", ".join(("community_id", "synthetic", *columns))
    ids = "string_agg(uuid_send(community_id), ''::bytea ORDER BY position)"
    parts = [
        f"SELECT NULL::text, NULL::text, NULL::int[], {ids} FROM ranked",
        "SELECT 'synthetic', NULL, array_agg(position), NULL FROM ranked WHERE synthetic",
    ]
    for name in columns:
        codes = f"unnest({name})" if name in LIST_FIELDS else f"LATERAL (SELECT {name} WHERE {name} IS NOT NULL)"
        parts.append(
            f"SELECT '{name}', code, array_agg(position), NULL FROM ranked, {codes} AS held(code) GROUP BY code"
        )
    numbered = f"SELECT (row_number() OVER (ORDER BY community_id) - 1)::int AS position, {ranked} FROM community"
    return f"WITH ranked AS MATERIALIZED ({numbered}) " + " UNION ALL ".join(parts)


async def matching_ids(session: AsyncSession, *, community_filter: CommunityFilter) -> bytes:
    """The ids of the communities matching the filters, their 16 bytes one after another: one value to send
    and read instead of thousands of UUIDs."""
    params = filter_params(community_filter)
    build = partial(_ids_statement, params)
    return (await execute_shape(session, ("ids", shape_of(params)), build, params)).scalar_one() or b""


def _ids_statement(params: FilterParams) -> Select[Any]:
    """The matching ids, concatenated."""
    ids = func.string_agg(func.uuid_send(COMMUNITY.c.community_id), literal_column("''::bytea"))
    return select(ids).where(*filter_conditions(params))


async def count_communities(session: AsyncSession, *, community_filter: CommunityFilter) -> int:
    """How many communities match the filters."""
    params = filter_params(community_filter)
    build = partial(_count_statement, params)
    return int((await execute_shape(session, ("count", shape_of(params)), build, params)).one()[0])


def _count_statement(params: FilterParams) -> Select[Any]:
    """How many communities match."""
    return select(func.count()).select_from(COMMUNITY).where(*filter_conditions(params))


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
        .where(*filter_conditions(filter_params(community_filter)))
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
        .where(*filter_conditions(filter_params(community_filter)))
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
