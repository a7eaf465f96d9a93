"""The distribution overview and the exports, on real PostgreSQL."""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from lcn_registry.communities.schemas import CommunityPublic
from lcn_shared.settings import PlatformSettings
from services.registry.tests.search.builders import PROBLEM_JSON, create_communities, running_registry

COMMUNITIES: list[dict[str, Any]] = [
    {"name": "Energy College", "landsdeel": "noord", "topsectors": ["energie", "htsm"], "kinds": ["civ", "fieldlab"]},
    {"name": "Brainport Fieldlab", "landsdeel": "zuidoost", "topsectors": ["htsm"], "kinds": ["fieldlab"]},
    {"name": "Lerend Leven", "landsdeel": "zuidoost", "topsectors": [], "education_levels": ["mbo", "hbo"]},
    {
        "name": "TIMA Dordrecht",
        "landsdeel": "zuidwest",
        "topsectors": ["water-maritiem", "energie"],
        "key_technologies": ["robotics"],
        "latitude": 51.81,
        "longitude": 4.67,
        "status": "ended",
    },
    {"name": "Mediacampus", "landsdeel": "noordwest", "topsectors": ["creatieve-industrie"], "latitude": 52.22},
]


@pytest.fixture
async def registry(platform: PlatformSettings) -> AsyncIterator[httpx.AsyncClient]:
    """A running registry holding COMMUNITIES (one with a latitude only: no point)."""
    async with running_registry(platform) as client:
        await create_communities(platform, COMMUNITIES)
        yield client


def _cell(matrix: dict[str, Any], landsdeel: str, topsector: str) -> int:
    """One cell of the matrix by codes."""
    return int(matrix["cells"][matrix["rows"].index(landsdeel)][matrix["columns"].index(topsector)])


async def test_distribution_overview_returns_landsdeel_x_top_sector_counts_that_add_up_to_the_filtered_total(
    registry: httpx.AsyncClient,
) -> None:
    """Each community counts once, by primary top sector (`none` without one); cells sum to the filtered total."""
    filtered_totals = [
        ({}, 5),
        ({"status": "active"}, 4),
        ({"topsector": "energie"}, 2),
        ({"landsdeel": "zuidoost"}, 2),
    ]
    for params, expected in filtered_totals:
        overview = (await registry.get("/v1/overview/distribution", params=params)).json()
        matrix = overview["by_landsdeel_topsector"]
        assert overview["total"] == matrix["total"] == expected, params
        assert sum(map(sum, matrix["cells"])) == sum(matrix["row_totals"]) == sum(matrix["column_totals"]) == expected
    matrix = (await registry.get("/v1/overview/distribution")).json()["by_landsdeel_topsector"]
    assert matrix["rows"] == ["noord", "oost", "zuidoost", "zuidwest", "noordwest"]
    assert matrix["columns"][-1] == "none"
    assert matrix["column_labels"][matrix["columns"].index("htsm")] == "High Tech Systemen & Materialen"
    assert _cell(matrix, "noord", "energie") == 1  # primary only: not also under htsm
    assert _cell(matrix, "noord", "htsm") == 0
    assert _cell(matrix, "zuidoost", "htsm") == _cell(matrix, "zuidoost", "none") == 1


async def test_per_value_counts_count_a_community_under_each_of_its_values(registry: httpx.AsyncClient) -> None:
    """Kinds, key technologies and levels count per value, and say how many communities hold none."""
    overview = (await registry.get("/v1/overview/distribution")).json()
    kinds = {value["code"]: value["count"] for value in overview["by_kind"]["values"]}
    assert (kinds["fieldlab"], kinds["civ"], kinds["learning-community"]) == (2, 1, 3)
    assert sum(kinds.values()) == overview["total"] + 1  # the Energy College counts under both of its kinds
    assert overview["by_kind"]["without_value"] == 0
    assert overview["by_key_technology"]["without_value"] == 4
    levels = {value["code"]: value["count"] for value in overview["by_education_level"]["values"]}
    assert (levels["mbo"], levels["hbo"], levels["wo"]) == (1, 1, 0)
    assert "by_kind" in overview["counting"]


async def test_distribution_csv_has_a_header_row_a_totals_column_and_a_totals_row(registry: httpx.AsyncClient) -> None:
    """The matrix as CSV for spreadsheets, with labels and totals, honouring the filters."""
    response = await registry.get("/v1/overview/distribution.csv", params={"topsector": "energie"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    header, *lines, totals = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [header[0], header[-2], header[-1]] == ["Landsdeel", "Geen topsector", "Totaal"]
    assert [line[0] for line in lines] == ["Noord", "Oost", "Zuidoost", "Zuidwest", "Noordwest"]
    assert [totals[0], totals[-1]] == ["Totaal", "2"]
    for line in lines:
        assert sum(map(int, line[1:-1])) == int(line[-1])
    assert [sum(int(line[index]) for line in lines) for index in range(1, len(header))] == list(map(int, totals[1:]))


async def test_csv_export_has_one_line_per_community_with_lists_joined(registry: httpx.AsyncClient) -> None:
    """Every public field as a column, list values joined with `; `, only the filtered communities."""
    response = await registry.get("/v1/exports/communities.csv", params={"topsector": "energie"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert set(rows[0]) == set(CommunityPublic.model_fields)
    assert [row["name"] for row in rows] == ["Energy College", "TIMA Dordrecht"]
    assert rows[0]["kinds"] == "civ; fieldlab"
    assert rows[0]["topsectors"] == "energie; htsm"
    assert rows[0]["latitude"] == ""
    everything = await registry.get("/v1/exports/communities.csv")
    assert len(list(csv.DictReader(io.StringIO(everything.content.decode("utf-8-sig"))))) == len(COMMUNITIES)


async def test_acceptance_export_csv_neutralises_formulas_and_keeps_accents_for_excel(
    registry: httpx.AsyncClient, platform: PlatformSettings
) -> None:
    """A name a spreadsheet would run as a formula comes out as text; a BOM keeps the accents; Dutch Excel's
    semicolon dialect on request."""
    hostile = ["=1+1", '=HYPERLINK("http://evil.example","klik")', "+31 6", "-2+3", "@SUM(A1)", "\tTab"]
    await create_communities(platform, [{"name": name} for name in [*hostile, "Zeeuwse Cöoperatie Ëiland"]])
    raw = (await registry.get("/v1/exports/communities.csv")).content
    assert raw.startswith(codecs.BOM_UTF8)
    names = [row["name"] for row in csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))]
    assert {"'" + name for name in hostile} <= set(names)
    assert not set(hostile) & set(names)
    assert "Zeeuwse Cöoperatie Ëiland" in names
    dutch = (await registry.get("/v1/exports/communities.csv", params={"separator": "semicolon"})).content
    rows = list(csv.DictReader(io.StringIO(dutch.decode("utf-8-sig")), delimiter=";"))
    assert {row["name"] for row in rows} == set(names)
    assert next(row for row in rows if row["name"] == "Energy College")["kinds"] == "civ; fieldlab"
    matrix = (await registry.get("/v1/overview/distribution.csv", params={"separator": "semicolon"})).content
    assert matrix.startswith(codecs.BOM_UTF8 + b"Landsdeel;")
    refused = await registry.get("/v1/exports/communities.csv", params={"separator": "pipe"})
    assert refused.status_code == 422


async def test_geojson_export_is_a_feature_collection_with_null_geometry_without_coordinates(
    registry: httpx.AsyncClient,
) -> None:
    """RFC 7946: [longitude, latitude] points; a community without a full position has `geometry: null`."""
    response = await registry.get("/v1/exports/communities.geojson")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    collection = json.loads(response.text)
    assert collection["type"] == "FeatureCollection"
    features = {feature["properties"]["name"]: feature for feature in collection["features"]}
    assert len(features) == len(COMMUNITIES)
    assert features["TIMA Dordrecht"]["geometry"] == {"type": "Point", "coordinates": [4.67, 51.81]}
    assert features["Mediacampus"]["geometry"] is None
    assert features["Energy College"]["geometry"] is None
    tima = features["TIMA Dordrecht"]
    assert tima["type"] == "Feature"
    assert tima["id"] == tima["properties"]["community_id"]
    assert tima["properties"]["topsectors"] == ["water-maritiem", "energie"]
    assert "latitude" not in tima["properties"]
    ended = json.loads((await registry.get("/v1/exports/communities.geojson", params={"status": "ended"})).text)
    assert [feature["properties"]["name"] for feature in ended["features"]] == ["TIMA Dordrecht"]
    empty = json.loads((await registry.get("/v1/exports/communities.geojson", params={"q": "kernfusie"})).text)
    assert empty == {"type": "FeatureCollection", "features": []}


async def test_exports_and_overview_refuse_unknown_values(registry: httpx.AsyncClient) -> None:
    """The same 422 problem as the search, before any byte of a stream is sent."""
    for path in ("/v1/overview/distribution", "/v1/overview/distribution.csv", "/v1/exports/communities.csv"):
        response = await registry.get(path, params={"landsdeel": "midden"})
        assert response.status_code == 422, path
        assert response.headers["content-type"] == PROBLEM_JSON
        assert response.json()["errors"][0]["allowed"] == ["noord", "oost", "zuidoost", "zuidwest", "noordwest"]
