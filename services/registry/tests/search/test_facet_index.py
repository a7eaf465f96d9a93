"""Facet counts from bitmaps: the same answers as counting in SQL, for every kind of filter."""

from __future__ import annotations

import uuid
from typing import Any

from lcn_registry.search import repository
from lcn_registry.search.facet_index import build
from lcn_registry.search.schemas import CONTROLLED_FIELDS, CommunityFilterParams
from lcn_registry.search.service import count_facets, resolve_filter
from lcn_registry.search.synthetic import seed_search_data
from lcn_shared.db import create_engine, create_session_factory
from lcn_shared.settings import PlatformSettings, asyncpg_dsn
from lcn_shared.testing.fixtures import fetch

IDS = [uuid.UUID(int=number) for number in range(4)]
ROWS = [
    (IDS[0], False, ["fieldlab"], "noord"),
    (IDS[1], True, ["fieldlab", "civ"], "oost"),
    (IDS[2], False, ["civ"], "noord"),
    (IDS[3], True, [], None),
]


def test_bitmaps_select_or_within_a_field_and_across_fields_and_count_once_per_value() -> None:
    """Codes OR within a field, AND across; `synthetic` narrows; a list counts a community per element."""
    index = build(ROWS, ["kinds", "landsdeel"])
    everything = index.select_by_codes(resolve_filter(params=CommunityFilterParams()))
    assert everything is not None
    assert index.counts("kinds", everything) == {"fieldlab": 2, "civ": 2}
    noord_or_oost = resolve_filter(params=CommunityFilterParams(landsdeel=["noord", "oost"], kind=["civ"]))
    assert index.select_by_codes(noord_or_oost) == 0b0110
    synthetic = resolve_filter(params=CommunityFilterParams(synthetic=True))
    assert index.select_by_codes(synthetic) == 0b1010
    assert index.select_by_codes(resolve_filter(params=CommunityFilterParams(q="energie"))) is None
    assert index.select_ids([IDS[3], IDS[0], uuid.uuid4()]) == 0b1001


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
                community_filter = resolve_filter(params=CommunityFilterParams.model_validate(params))
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
