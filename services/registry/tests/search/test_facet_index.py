"""Facet counts from bitmaps: the same answers as counting in SQL, for every kind of filter."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from lcn_registry.search import facet_index, repository
from lcn_registry.search.facet_index import build
from lcn_registry.search.schemas import CONTROLLED_FIELDS, CommunityFilterParams
from lcn_registry.search.service import count_facets, parse_filter, resolve_filter
from lcn_registry.search.synthetic import seed_search_data
from lcn_shared.db import create_engine, create_session_factory
from lcn_shared.settings import PlatformSettings, asyncpg_dsn
from lcn_shared.testing.fixtures import fetch

IDS = [uuid.UUID(int=number) for number in range(4)]
# Four communities in id order: (synthetic, kinds, landsdeel), as rows 0-3 of the index.
#   0: False, [fieldlab], noord   1: True, [fieldlab, civ], oost   2: False, [civ], noord   3: True, [], None
HOLDERS = [
    ("synthetic", None, [1, 3]),
    ("kinds", "fieldlab", [0, 1]),
    ("kinds", "civ", [1, 2]),
    ("landsdeel", "noord", [0, 2]),
    ("landsdeel", "oost", [1]),
]


def test_bitmaps_select_or_within_a_field_and_across_fields_and_count_once_per_value() -> None:
    """Codes OR within a field, AND across; `synthetic` narrows; a list counts a community per element."""
    index = build(b"".join(community_id.bytes for community_id in IDS), HOLDERS)
    everything = index.select_by_codes(parse_filter(params=CommunityFilterParams()))
    assert everything is not None
    assert index.counts("kinds", everything) == {"fieldlab": 2, "civ": 2}
    noord_or_oost = parse_filter(params=CommunityFilterParams(landsdeel=["noord", "oost"], kind=["civ"]))
    assert index.select_by_codes(noord_or_oost) == 0b0110
    synthetic = parse_filter(params=CommunityFilterParams(synthetic=True))
    assert index.select_by_codes(synthetic) == 0b1010
    assert index.select_by_codes(parse_filter(params=CommunityFilterParams(q="energie"))) is None
    assert index.select_ids(IDS[3].bytes + IDS[0].bytes + uuid.uuid4().bytes) == 0b1001


async def test_bitmap_facets_equal_sql_counts_for_every_filter(platform: PlatformSettings) -> None:
    """Controlled filters, text, partner, source and municipality: every facet equals the SQL count."""
    await seed_search_data(asyncpg_dsn(platform.database_url_for("registry")), communities=400)
    partner = (await fetch(platform, "registry", "SELECT organisation_id FROM membership LIMIT 1"))[0][0]
    municipality = (await fetch(platform, "registry", "SELECT municipality FROM community LIMIT 1"))[0][0]
    filters: list[dict[str, Any]] = [
        {},
        {"landsdeel": ["noord", "oost"], "topsector": ["htsm"]},
        {"status": ["active"], "synthetic": True},
        {"q": "energie"},
        {"partner": [str(partner)]},
        {"source": ["katapult"]},
        {"municipality": [municipality], "kind": ["fieldlab", "civ"]},
    ]
    engine = create_engine(platform.database_url_for("registry"), pool_size=1)
    try:
        async with create_session_factory(engine)() as session:
            for params in filters:
                community_filter = await resolve_filter(session, params=CommunityFilterParams.model_validate(params))
                total, facets = await count_facets(session, community_filter=community_filter, fields=CONTROLLED_FIELDS)
                groups = [(controlled.column,) for controlled in CONTROLLED_FIELDS]
                sql_total, grouped = await repository.grouped_counts(
                    session, community_filter=community_filter, groups=groups
                )
                assert total == sql_total, params
                for controlled in CONTROLLED_FIELDS:
                    expected = {value: n for (value,), n in grouped[(controlled.column,)].items() if value is not None}
                    counted = {value.code: value.count for value in facets[controlled.parameter] if value.count}
                    assert counted == expected, (params, controlled.parameter)
    finally:
        await engine.dispose()


async def test_an_old_index_is_served_while_one_refresh_runs_behind_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past its age an index at the current version is still served; one refresh replaces it, however many
    requests see it old; another version is never served."""
    cache = facet_index.IndexCache()
    old_index = build(IDS[0].bytes, HOLDERS)
    new_index = build(IDS[1].bytes, HOLDERS)
    builds: list[str] = []

    async def rebuild() -> facet_index.FacetIndex:
        builds.append("built")
        await asyncio.sleep(0.01)
        return new_index

    cache.put("db", 1, old_index)
    assert cache.current("db", 1) == (old_index, False)
    assert cache.current("db", 2) == (None, False)
    monkeypatch.setattr(facet_index, "MAX_AGE_SECONDS", 0.0)
    assert cache.current("db", 1) == (old_index, True)
    cache.refresh("db", 1, rebuild)
    cache.refresh("db", 1, rebuild)
    await asyncio.sleep(0.05)
    assert builds == ["built"]
    assert cache.current("db", 1)[0] is new_index
