"""GET /v1/communities on real PostgreSQL: filters, Dutch full text, facets, cursor pagination, problems."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from lcn_registry.communities.schemas import CommunityPublic
from lcn_registry.search.schemas import CONTROLLED_FIELDS
from lcn_shared.settings import PlatformSettings
from services.registry.tests.search.builders import (
    NOW,
    PROBLEM_JSON,
    add_member,
    add_source_record,
    create_communities,
    create_community,
    names,
    running_registry,
)

# Each community differs from the others in every controlled field, so every filter has work to do.
VARIED: list[dict[str, Any]] = [
    {
        "name": "Fieldlab Slimme Maakindustrie",
        "kinds": ["fieldlab", "living-lab"],
        "education_levels": ["mbo", "hbo"],
        "topsectors": ["htsm", "energie"],
        "societal_challenges": ["veiligheid"],
        "key_technologies": ["robotics"],
        "learning_functions": ["proactief"],
        "learning_forms": ["hybrid"],
        "problem_categories": ["aansluiting-werkenden"],
        "target_groups": ["werkenden"],
        "funding_sources": ["rif"],
        "landsdeel": "zuidoost",
        "province": "noord-brabant",
        "phase": "mature",
        "status": "active",
    },
    {
        "name": "CIV Water",
        "kinds": ["civ"],
        "education_levels": ["mbo"],
        "topsectors": ["water-maritiem"],
        "societal_challenges": ["klimaatadaptatie", "veiligheid"],
        "key_technologies": [],
        "learning_functions": ["reactief"],
        "learning_forms": ["formal"],
        "problem_categories": ["instroom"],
        "target_groups": ["studenten", "werkenden"],
        "funding_sources": ["nationaal-groeifonds", "rif"],
        "landsdeel": "zuidwest",
        "province": "zeeland",
        "phase": "young",
        "status": "planned",
    },
    {
        "name": "Centre of Expertise Zorg",
        "kinds": ["centre-of-expertise", "fieldlab"],
        "education_levels": ["hbo", "wo"],
        "topsectors": ["lsh"],
        "societal_challenges": ["gezondheid-zorg"],
        "key_technologies": ["artificial-intelligence", "robotics"],
        "learning_functions": ["voorwaardelijk", "proactief"],
        "learning_forms": ["informal"],
        "problem_categories": ["kennisdeling"],
        "target_groups": ["docenten"],
        "funding_sources": ["provincie"],
        "landsdeel": "noord",
        "province": "groningen",
        "phase": "self-sustaining",
        "status": "ended",
    },
]


@pytest.fixture
async def registry(platform: PlatformSettings) -> AsyncIterator[httpx.AsyncClient]:
    """A running registry."""
    async with running_registry(platform) as client:
        yield client


def _holds(community: dict[str, Any], column: str, codes: set[str]) -> bool:
    """The oracle: does the community hold any of these codes in this column?"""
    value = community.get(column)
    return bool(set(value) & codes) if isinstance(value, list) else value in codes


async def test_each_filter_narrows_or_within_a_field_and_across_fields(
    platform: PlatformSettings, registry: httpx.AsyncClient
) -> None:
    """Every controlled field filters; repeated values are OR, different fields AND."""
    await create_communities(platform, VARIED)
    for controlled in CONTROLLED_FIELDS:
        seen = [code for community in VARIED for code in _listed(community[controlled.column])]
        for chosen in ({seen[0]}, {seen[0], seen[-1]}):
            params = [(controlled.parameter, code) for code in sorted(chosen)]
            expected = sorted(c["name"] for c in VARIED if _holds(c, controlled.column, chosen))
            response = await registry.get("/v1/communities", params=params)
            assert sorted(names(response)) == expected, params
            assert response.json()["total"] == len(expected)
    both = await registry.get("/v1/communities", params=[("kind", "fieldlab"), ("education_level", "wo")])
    assert names(both) == ["Centre of Expertise Zorg"]
    none = await registry.get("/v1/communities", params=[("kind", "civ"), ("landsdeel", "noord")])
    assert names(none) == []


def _listed(value: Any) -> list[str]:
    """A column's codes as a list."""
    return list(value) if isinstance(value, list) else [value]


async def test_municipality_partner_source_and_synthetic_filters(
    platform: PlatformSettings, registry: httpx.AsyncClient
) -> None:
    """Municipality (any case), partner (membership), source (active record only) and synthetic."""
    emmen = await create_community(platform, name="Energy College Emmen", municipality="Emmen")
    delft = await create_community(platform, name="RDM Makerspace", municipality="Delft", synthetic=True)
    await create_community(platform, name="TechnoHUB", municipality="Utrecht")
    hanze, tno = uuid.uuid4(), uuid.uuid4()
    await add_member(platform, emmen, hanze)
    await add_member(platform, delft, tno)
    await add_source_record(platform, emmen, "katapult")
    await add_source_record(platform, delft, "katapult", state="withdrawn")
    await add_source_record(platform, delft, "techniekpact")

    async def found(**params: Any) -> list[str]:
        return sorted(names(await registry.get("/v1/communities", params=params)))

    assert await found(municipality=["emmen", "DELFT"]) == ["Energy College Emmen", "RDM Makerspace"]
    assert await found(partner=[str(hanze)]) == ["Energy College Emmen"]
    assert await found(partner=[str(hanze), str(tno)]) == ["Energy College Emmen", "RDM Makerspace"]
    assert await found(source="katapult") == ["Energy College Emmen"]
    assert await found(source=["katapult", "techniekpact"]) == ["Energy College Emmen", "RDM Makerspace"]
    assert await found(synthetic="true") == ["RDM Makerspace"]
    assert await found(synthetic="false", municipality="delft") == []


async def test_acceptance_consistent_api_unknown_source_or_partner_is_a_422_everywhere_the_filters_apply(
    platform: PlatformSettings, registry: httpx.AsyncClient
) -> None:
    """`source=nosuch` is a 422 naming the parameter and the known sources, as `kind=nonsense` is, in the search,
    the overview and the exports; so is a partner id of no organisation. A source's first record counts at once."""
    emmen = await create_community(platform, name="Energy College Emmen")
    await add_source_record(platform, emmen, "katapult")
    hanze = uuid.uuid4()
    await add_member(platform, emmen, hanze)
    assert names(await registry.get("/v1/communities", params={"source": "katapult"})) == ["Energy College Emmen"]
    paths = ("/v1/communities", "/v1/overview/distribution", "/v1/exports/communities.csv")
    for path in (*paths, "/v1/exports/communities.geojson", "/v1/overview/distribution.csv"):
        response = await registry.get(path, params={"source": ["katapult", "nosuch"]})
        assert response.status_code == 422, (path, response.text)
        assert response.headers["content-type"] == PROBLEM_JSON
        (problem,) = response.json()["errors"]
        assert problem == {"parameter": "source", "invalid": ["nosuch"], "allowed": ["katapult"]}
    unknown_partner = str(uuid.uuid4())
    for path in paths:
        response = await registry.get(path, params={"partner": [str(hanze), unknown_partner]})
        assert response.status_code == 422, (path, response.text)
        assert response.json()["errors"] == [{"parameter": "partner", "invalid": [unknown_partner]}]
    assert (await registry.get("/v1/overview/distribution", params={"partner": str(hanze)})).json()["total"] == 1

    delft = await create_community(platform, name="RDM Makerspace")
    await add_source_record(platform, delft, "techniekpact", state="withdrawn")  # known, though nothing is active
    assert names(await registry.get("/v1/communities", params={"source": "techniekpact"})) == []


async def test_dutch_full_text_stems_words_and_matches_prefixes(
    platform: PlatformSettings, registry: httpx.AsyncClient
) -> None:
    """The Dutch stemmer joins `scholen`/`school` and `duurzame`/`duurzaam`; typed prefixes match too."""
    await create_community(platform, name="Duurzaamheidsfabriek", description="Een school voor energie en techniek.")
    await create_community(platform, name="Energy College", description="Duurzame opleidingen in Emmen.")
    await create_community(platform, name="Zorgacademie", description="Leren in de zorg.", municipality="Zwolle")

    async def found(text: str) -> list[str]:
        return sorted(names(await registry.get("/v1/communities", params={"q": text})))

    assert await found("scholen") == ["Duurzaamheidsfabriek"]  # 'scholen' and 'school' both stem to 'schol'
    assert await found("energie") == ["Duurzaamheidsfabriek"]
    assert await found("duurzame") == ["Energy College"]  # 'duurzame' stems to 'duurzam', not the compound
    assert await found("duurzaam") == ["Duurzaamheidsfabriek", "Energy College"]  # stem, and compound prefix
    assert await found("duurzaamh") == ["Duurzaamheidsfabriek"]  # the prefix of a compound word
    assert await found("zorgac") == ["Zorgacademie"]
    assert await found("zwolle") == ["Zorgacademie"]  # the municipality is searchable as written
    assert await found('"duurzame opleidingen" -zorg') == ["Energy College"]  # web-search syntax
    assert await found("kernfusie") == []


async def test_relevance_ranks_a_name_match_above_a_description_match(
    platform: PlatformSettings, registry: httpx.AsyncClient
) -> None:
    """`q` sorts by relevance by default: the name weighs more than the description."""
    await create_community(platform, name="Leerwerkplaats", description="Over robotica in de zorg.")
    await create_community(platform, name="Robotica Lab")
    response = await registry.get("/v1/communities", params={"q": "robotica"})
    assert names(response) == ["Robotica Lab", "Leerwerkplaats"]
    by_name = await registry.get("/v1/communities", params={"q": "robotica", "sort": "name"})
    assert names(by_name) == ["Leerwerkplaats", "Robotica Lab"]


async def test_facets_count_each_value_under_the_current_filters(
    platform: PlatformSettings, registry: httpx.AsyncClient
) -> None:
    """Per controlled field, every code with its count; a multi-valued field counts a community once per value."""
    await create_communities(platform, VARIED)
    response = await registry.get("/v1/communities", params={"facets": "true", "education_level": "hbo"})
    body = response.json()
    assert body["total"] == 2
    assert set(body["facets"]) == {controlled.parameter for controlled in CONTROLLED_FIELDS}
    kinds = {value["code"]: value["count"] for value in body["facets"]["kind"]}
    assert kinds["fieldlab"] == 2
    assert kinds["living-lab"] == kinds["centre-of-expertise"] == 1
    assert kinds["civ"] == 0  # the filter excludes the CIV
    assert {v["code"]: v["count"] for v in body["facets"]["landsdeel"] if v["count"]} == {"zuidoost": 1, "noord": 1}
    htsm = next(value for value in body["facets"]["topsector"] if value["code"] == "htsm")
    assert htsm == {"code": "htsm", "label": "High Tech Systemen & Materialen", "count": 1}
    chosen = await registry.get("/v1/communities", params={"facets": "kind,status"})
    assert set(chosen.json()["facets"]) == {"kind", "status"}
    assert {v["code"]: v["count"] for v in chosen.json()["facets"]["status"] if v["count"]} == {
        "active": 1,
        "planned": 1,
        "ended": 1,
    }
    assert "facets" not in (await registry.get("/v1/communities")).json()
    unknown = await registry.get("/v1/communities", params={"facets": "kind,colour"})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["invalid"] == ["colour"]


async def test_facets_follow_a_change_of_the_data(platform: PlatformSettings, registry: httpx.AsyncClient) -> None:
    """Cached counts are dropped when a community is added."""
    await create_community(platform, name="Eerste", kinds=["fieldlab"])
    first = await registry.get("/v1/communities", params={"facets": "kind"})
    await create_community(platform, name="Tweede", kinds=["fieldlab"], updated_at=NOW + timedelta(seconds=1))
    second = await registry.get("/v1/communities", params={"facets": "kind"})
    counts = [next(v["count"] for v in r.json()["facets"]["kind"] if v["code"] == "fieldlab") for r in (first, second)]
    assert counts == [1, 2]
    assert second.json()["total"] == 2


async def test_items_show_the_community_as_the_api_does(
    platform: PlatformSettings, registry: httpx.AsyncClient
) -> None:
    """Each item carries every public field of a community and nothing internal."""
    community_id = await create_community(platform, name="Energy College", latitude=52.78, longitude=6.9)
    item = (await registry.get("/v1/communities")).json()["data"][0]
    assert set(item) == set(CommunityPublic.model_fields)
    assert item["community_id"] == str(community_id)
    assert (item["latitude"], item["longitude"], item["version"]) == (52.78, 6.9, 1)


async def test_unknown_vocabulary_value_is_a_422_problem_listing_the_allowed_codes(
    platform: PlatformSettings, registry: httpx.AsyncClient
) -> None:
    """Values are checked against the vocabularies; labels and aliases are understood."""
    response = await registry.get("/v1/communities", params={"topsector": ["energie", "ruimtevaart"]})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    (problem,) = response.json()["errors"]
    assert problem["parameter"] == "topsector"
    assert problem["invalid"] == ["ruimtevaart"]
    assert "htsm" in problem["allowed"]
    await create_community(platform, name="Brainport Fieldlab", topsectors=["htsm"])
    assert names(await registry.get("/v1/communities", params={"topsector": "High Tech Systemen & Materialen"})) == [
        "Brainport Fieldlab"
    ]
    for params in ({"topsectors": "htsm"}, {"limit": 0}, {"limit": 201}, {"sort": "relevance"}, {"partner": "x"}):
        rejected = await registry.get("/v1/communities", params=params)
        assert rejected.status_code == 422, params
        assert rejected.headers["content-type"] == PROBLEM_JSON
