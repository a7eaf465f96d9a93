"""Queries of the overview: the groups the distribution counts, and the records of an export."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncEngine

from lcn_registry.search import repository as search_repository
from lcn_registry.search.schemas import CommunityFilter

MATRIX = ("landsdeel", "primary_topsector")
PER_VALUE = (("kinds",), ("key_technologies",), ("education_levels",))

DISTRIBUTION_GROUPS = (MATRIX, *PER_VALUE)


def stream_communities(
    engine: AsyncEngine, *, community_filter: CommunityFilter
) -> AsyncIterator[Sequence[RowMapping]]:
    """The matching communities, by name, in batches from a server-side cursor."""
    return search_repository.stream_communities(engine, community_filter=community_filter)
