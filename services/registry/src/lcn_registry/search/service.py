"""Rules of the search: vocabulary validation, the opaque cursor, pages and facets."""

from __future__ import annotations

import hashlib
import math
import time
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Sequence
from datetime import datetime
from functools import partial
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_registry.communities.schemas import CommunityPublic
from lcn_registry.search import facet_index, repository
from lcn_registry.search.facet_index import FacetIndex
from lcn_registry.search.repository import GroupedCounts
from lcn_registry.search.schemas import (
    CONTROLLED_BY_PARAMETER,
    CONTROLLED_FIELDS,
    CommunityFilter,
    CommunityFilterParams,
    CommunityPage,
    CommunitySearchParams,
    ControlledField,
    FacetValue,
    SortOrder,
)
from lcn_shared.contracts.vocabulary import Term
from lcn_shared.cursors import encode_cursor, read_cursor
from lcn_shared.problems import UnprocessableContent


class CountCache:
    """Recent counts per (database, data version, filters, groups): repeated broad facet queries skip the scan.

    The data version (row count, latest `updated_at`) is Rails' collection cache key: an insert, a delete or
    an update through the write path changes it. Two writers committing out of `updated_at` order could keep
    it unchanged, so an entry also expires after half a minute.
    """

    def __init__(self, *, max_entries: int, max_age_seconds: float) -> None:
        self.max_entries = max_entries
        self.max_age_seconds = max_age_seconds
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()

    def get(self, key: Hashable) -> Any | None:
        """The value stored under `key` if it is still fresh."""
        entry = self._entries.get(key)
        if entry is None or time.monotonic() - entry[0] > self.max_age_seconds:
            return None
        self._entries.move_to_end(key)
        return entry[1]

    def put(self, key: Hashable, value: Any) -> None:
        """Store a value, dropping the least recently used entry when full."""
        self._entries[key] = (time.monotonic(), value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)


COUNT_CACHE = CountCache(max_entries=128, max_age_seconds=30.0)


# The feed sources with records, per database: a search naming only known sources reads nothing more. A
# source that is not in the set is looked up again at once, so a source's first import counts immediately.
KNOWN_SOURCES = CountCache(max_entries=16, max_age_seconds=30.0)
MAX_ALLOWED_LISTED = 50


async def resolve_filter(session: AsyncSession, *, params: CommunityFilterParams) -> CommunityFilter:
    """The validated filters: vocabulary codes (`parse_filter`), and named feed sources and partners that exist.
    Without `source` or `partner` this reads nothing."""
    community_filter = parse_filter(params=params)
    problems: list[dict[str, Any]] = []
    if community_filter.sources:
        problems += await _unknown_sources(session, community_filter.sources)
    if community_filter.partners:
        problems += await _unknown_partners(session, community_filter.partners)
    if problems:
        names = " and ".join(problem["parameter"] for problem in problems)
        raise UnprocessableContent(f"Unknown {names}: no such feed source or organisation.", errors=problems)
    return community_filter


def parse_filter(*, params: CommunityFilterParams) -> CommunityFilter:
    """Check every controlled value against its vocabulary (codes, labels or aliases) and keep the codes."""
    codes: dict[str, tuple[str, ...]] = {}
    problems: list[dict[str, Any]] = []
    for controlled in CONTROLLED_FIELDS:
        given: list[str] = getattr(params, controlled.parameter)
        if not given:
            continue
        known, unknown = _parse_terms(controlled.vocabulary, given)
        if unknown:
            allowed = [term.value for term in controlled.vocabulary]
            problems.append({"parameter": controlled.parameter, "invalid": unknown, "allowed": allowed})
        codes[controlled.column] = tuple(dict.fromkeys(known))
    if problems:
        names = ", ".join(problem["parameter"] for problem in problems)
        raise UnprocessableContent(f"Unknown values for {names}; see `allowed` or /v1/vocabularies.", errors=problems)
    return CommunityFilter(
        codes=codes,
        municipalities=tuple(dict.fromkeys(params.municipality)),
        partners=tuple(dict.fromkeys(params.partner)),
        sources=tuple(dict.fromkeys(params.source)),
        synthetic=params.synthetic,
        text=(params.q or "").strip() or None,
    )


async def _unknown_sources(session: AsyncSession, sources: Sequence[str]) -> list[dict[str, Any]]:
    """A problem for `source` when it names a feed the registry holds no record of; else none."""
    key = _database(session)
    known: frozenset[str] | None = KNOWN_SOURCES.get(key)
    if known is None or not known.issuperset(sources):
        known = frozenset(await repository.feed_sources(session))
        KNOWN_SOURCES.put(key, known)
    unknown = [source for source in sources if source not in known]
    if not unknown:
        return []
    problem: dict[str, Any] = {"parameter": "source", "invalid": unknown}
    return [problem | ({"allowed": sorted(known)} if len(known) <= MAX_ALLOWED_LISTED else {})]


async def _unknown_partners(session: AsyncSession, partners: Sequence[UUID]) -> list[dict[str, Any]]:
    """A problem for `partner` when it names an organisation that does not exist (see /v1/organisations)."""
    known = await repository.known_organisations(session, partners)
    unknown = [str(partner) for partner in partners if partner not in known]
    return [{"parameter": "partner", "invalid": unknown}] if unknown else []


def _parse_terms(vocabulary: type[Term], values: Iterable[str]) -> tuple[list[str], list[str]]:
    """The codes of the values the vocabulary knows, and the values it does not."""
    known: list[str] = []
    unknown: list[str] = []
    for value in values:
        try:
            known.append(vocabulary.parse(value).value)
        except ValueError:
            unknown.append(value)
    return known, unknown


def resolve_facets(*, facets: str | None) -> list[ControlledField]:
    """`true` -> every controlled field; `kind,topsector` -> those; absent or `false` -> none."""
    if facets is None or facets.strip().lower() in ("", "false", "0", "no"):
        return []
    if facets.strip().lower() in ("true", "1", "yes", "all"):
        return list(CONTROLLED_FIELDS)
    names = [name.strip() for name in facets.split(",") if name.strip()]
    unknown = [name for name in names if name not in CONTROLLED_BY_PARAMETER]
    if unknown:
        raise UnprocessableContent(
            f"Unknown facet fields: {', '.join(unknown)}.",
            errors=[{"parameter": "facets", "invalid": unknown, "allowed": list(CONTROLLED_BY_PARAMETER)}],
        )
    return [CONTROLLED_BY_PARAMETER[name] for name in dict.fromkeys(names)]


def resolve_order(*, sort: SortOrder | None, text: str | None) -> SortOrder:
    """The requested order; by default relevance for a text search and name otherwise."""
    if sort is None:
        return SortOrder.RELEVANCE if text else SortOrder.NAME
    if sort is SortOrder.RELEVANCE and not text:
        raise UnprocessableContent(
            "sort=relevance needs a text query `q`.",
            errors=[{"parameter": "sort", "invalid": [sort.value], "allowed": [o.value for o in SortOrder][:-1]}],
        )
    return sort


def _query_tag(community_filter: CommunityFilter, order: SortOrder) -> str:
    """A short digest of filters and order: a cursor only continues the query that issued it."""
    text = f"{order.value}|{community_filter.fingerprint()}".encode()
    return hashlib.blake2b(text, digest_size=6).hexdigest()


def encode_search_cursor(*, sort_value: Any, community_id: UUID, tag: str) -> str:
    """The opaque cursor of a search: the last row's sort key and id, for the query `tag` names."""
    key = sort_value.isoformat() if isinstance(sort_value, datetime) else sort_value
    return encode_cursor({"k": key, "id": str(community_id)}, tag=tag)


def decode_search_cursor(*, cursor: str | None, order: SortOrder, tag: str) -> tuple[Any, UUID] | None:
    """The (sort value, community_id) a cursor continues after; InvalidCursor when it is not one of ours."""
    return read_cursor(
        cursor, tag=tag, parse=lambda position: (_sort_value(order, position["k"]), UUID(position["id"]))
    )


def _sort_value(order: SortOrder, key: Any) -> Any:
    """The cursor's key as the type the order compares: text, an aware timestamp or a finite rank."""
    if order in (SortOrder.NAME, SortOrder.NAME_DESC) and isinstance(key, str):
        return key
    if order is SortOrder.RELEVANCE and isinstance(key, int | float) and math.isfinite(key):
        return float(key)
    if isinstance(key, str) and order not in (SortOrder.NAME, SortOrder.NAME_DESC, SortOrder.RELEVANCE):
        moment = datetime.fromisoformat(key)
        if moment.tzinfo is not None:
            return moment
    raise ValueError(f"{key!r} is no sort key of {order.value}")


async def search_communities(session: AsyncSession, *, params: CommunitySearchParams) -> CommunityPage:
    """One page of matching communities, the total and, when asked for, the facets."""
    community_filter = await resolve_filter(session, params=params)
    order = resolve_order(sort=params.sort, text=community_filter.text)
    facet_fields = resolve_facets(facets=params.facets)
    tag = _query_tag(community_filter, order)
    after = decode_search_cursor(cursor=params.cursor, order=order, tag=tag)
    # With facets, the total comes from the same selection as their counts: the page skips counting in SQL.
    rows = await repository.search_page(
        session,
        community_filter=community_filter,
        order=order,
        after=after,
        limit=params.limit,
        with_total=not facet_fields,
    )
    page_rows, more = rows[: params.limit], len(rows) > params.limit
    next_cursor = None
    if more:
        last = page_rows[-1]
        next_cursor = encode_search_cursor(sort_value=last["sort_value"], community_id=last["community_id"], tag=tag)
    facets = None
    if facet_fields:
        total, facets = await count_facets(session, community_filter=community_filter, fields=facet_fields)
    elif rows:
        total = int(rows[0]["total"])
    elif after is None:
        total = 0
    else:  # a cursor past the last row (rows were deleted meanwhile)
        total = await repository.count_communities(session, community_filter=community_filter)
    data = [CommunityPublic.model_validate(row) for row in page_rows]
    return CommunityPage(data=data, next_cursor=next_cursor, total=total, facets=facets)


async def count_facets(
    session: AsyncSession, *, community_filter: CommunityFilter, fields: Sequence[ControlledField]
) -> tuple[int, dict[str, list[FacetValue]]]:
    """The total and, per field, every vocabulary value with its count (a community counts once per value)."""
    index = await current_facet_index(session)
    selected = index.select_by_codes(community_filter)
    if selected is None:
        selected = index.select_ids(await repository.matching_ids(session, community_filter=community_filter))
    facets = {
        controlled.parameter: facet_values(controlled, index.counts(controlled.column, selected))
        for controlled in fields
    }
    return selected.bit_count(), facets


async def current_facet_index(session: AsyncSession) -> FacetIndex:
    """The facet index of the table as it is now, built again only after a write changed it."""
    database, version = _database(session), await repository.data_version(session)
    index, old = facet_index.INDEXES.current(database, version)
    if index is None:
        index = await _read_facet_index(session)
        facet_index.INDEXES.put(database, version, index)
    elif old:
        facet_index.INDEXES.refresh(database, version, partial(_refresh_facet_index, session.bind))
    return index


async def _read_facet_index(session: AsyncSession) -> FacetIndex:
    """The facet index of the table, read on this session."""
    columns = [controlled.column for controlled in CONTROLLED_FIELDS]
    return facet_index.build(*await repository.facet_holders(session, columns=columns))


async def _refresh_facet_index(bind: Any) -> FacetIndex:
    """The facet index read on a session of its own: the refresh outlives the request that started it."""
    async with AsyncSession(bind) as session:
        return await _read_facet_index(session)


def value_counts(grouped: dict[tuple[Any, ...], int]) -> dict[str, int]:
    """Counts per value of a one-column group, without the communities that hold no value."""
    return {value: communities for (value,), communities in grouped.items() if value is not None}


def facet_values(controlled: ControlledField, counts: dict[str, int]) -> list[FacetValue]:
    """Every code of the vocabulary in its order with its count (zero included), then unknown stored codes."""
    vocabulary = controlled.vocabulary
    values = [FacetValue(code=term.value, label=term.label, count=counts.get(term.value, 0)) for term in vocabulary]
    known = {term.value for term in vocabulary}
    values += [FacetValue(code=code, label=code, count=n) for code, n in sorted(counts.items()) if code not in known]
    return values


async def cached_counts(
    session: AsyncSession, *, community_filter: CommunityFilter, groups: Sequence[tuple[str, ...]]
) -> tuple[int, GroupedCounts]:
    """The total and grouped counts, from the cache while the community table is unchanged."""
    if community_filter.partners or community_filter.sources:  # these read other tables: never cached
        return await repository.grouped_counts(session, community_filter=community_filter, groups=groups)
    version = await repository.data_version(session)
    key = (_database(session), version, community_filter.fingerprint(), tuple(groups))
    cached: tuple[int, GroupedCounts] | None = COUNT_CACHE.get(key)
    if cached is None:
        cached = await repository.grouped_counts(session, community_filter=community_filter, groups=groups)
        COUNT_CACHE.put(key, cached)
    return cached


def _database(session: AsyncSession) -> str:
    """Which database the session reads: one process may serve several (tests do)."""
    bind = session.bind
    return bind.url.render_as_string(hide_password=True) if isinstance(bind, AsyncEngine) else str(id(bind))
