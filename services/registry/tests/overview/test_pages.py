"""The overview pages over HTTP (no browser): bad input as a 422 page, drill-down conditions, languages, assets."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from lcn_registry.overview import pages
from lcn_shared.settings import PlatformSettings
from services.registry.tests.search.builders import create_communities, running_registry

COMMUNITIES: list[dict[str, Any]] = [
    {"name": "Energy College", "landsdeel": "noord", "topsectors": ["energie"], "kinds": ["civ", "fieldlab"]},
    {"name": "Brainport Fieldlab", "landsdeel": "zuidoost", "topsectors": ["htsm"], "kinds": ["fieldlab"]},
    {"name": "Lerend Leven", "landsdeel": "zuidoost", "topsectors": [], "kinds": ["civ"]},
    {"name": "Groen Lab", "landsdeel": "noord", "topsectors": [], "kinds": ["living-lab"]},
]
HTML = "text/html"
LISTED = re.compile(r'class="utrecht-link utrecht-link--html-a lcn-community-name"[^>]*>([^<]+)</a>')


@pytest.fixture
async def registry(platform: PlatformSettings) -> AsyncIterator[httpx.AsyncClient]:
    """A running registry holding COMMUNITIES."""
    async with running_registry(platform) as client:
        await create_communities(platform, COMMUNITIES)
        yield client


def listed(response: httpx.Response) -> list[str]:
    """The community names a list page shows, in order."""
    assert response.status_code == 200, response.text
    return LISTED.findall(response.text)


async def test_unknown_filter_values_get_a_422_page_that_names_them_and_what_is_allowed(
    registry: httpx.AsyncClient,
) -> None:
    """Bad input is a page with the problem's status, never a 500 or a JSON body in the browser."""
    for path, query, shown in [
        ("/overview", "kind=nonsense", ["nonsense", "fieldlab"]),
        ("/overview", "partner=not-a-uuid", ["partner", "not-a-uuid"]),
        ("/overview", "colour=red", ["colour"]),
        ("/overview/communities", "cell=kind:nonsense", ["kind:nonsense"]),
        ("/overview/communities", "cell=nosuch:civ", ["nosuch:civ"]),
        ("/overview/communities", "page=0", ["page"]),
    ]:
        response = await registry.get(f"{path}?{query}")
        assert response.status_code == 422, (path, query)
        assert response.headers["content-type"].startswith(HTML)
        assert 'role="alert"' in response.text
        for text in shown:
            assert text in response.text, (query, text)


async def test_a_number_of_the_overview_lists_the_communities_it_counts(registry: httpx.AsyncClient) -> None:
    """A cell's conditions hold besides the filters: kind=fieldlab with the `civ` line lists those holding both."""
    assert listed(await registry.get("/overview/communities?cell=landsdeel:noord&cell=primary_topsector:none")) == [
        "Groen Lab"
    ]
    assert listed(await registry.get("/overview/communities?kind=fieldlab&cell=kind:civ")) == ["Energy College"]
    assert listed(await registry.get("/overview/communities?landsdeel=Zuidoost")) == [
        "Brainport Fieldlab",
        "Lerend Leven",
    ]
    overview = await registry.get("/overview?kind=fieldlab")
    assert "/overview/communities?kind=fieldlab&amp;cell=kind%3Aciv" in overview.text


async def test_the_list_pages_through_the_communities(
    registry: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages by name, each linking to the next and the previous one; past the end, the total still shows."""
    monkeypatch.setattr(pages, "PAGE_SIZE", 3)
    first = await registry.get("/overview/communities")
    second = await registry.get("/overview/communities?page=2")
    assert listed(first) == ["Brainport Fieldlab", "Energy College", "Groen Lab"]
    assert listed(second) == ["Lerend Leven"]
    assert 'rel="next" href="/overview/communities?page=2"' in first.text
    assert 'rel="prev" href="/overview/communities?page=1"' in second.text
    assert "4 leergemeenschappen" in second.text
    beyond = await registry.get("/overview/communities?page=9")
    assert listed(beyond) == []
    assert "4 leergemeenschappen" in beyond.text  # the total still, not "0"


async def test_pages_are_dutch_unless_english_is_asked_for(registry: httpx.AsyncClient) -> None:
    """`?lang=` wins, then Accept-Language; Dutch otherwise; the language is said in the page and its headers."""
    cases = [
        ({}, "", "nl"),
        ({"Accept-Language": "en-GB,en;q=0.9,nl;q=0.8"}, "", "en"),
        ({"Accept-Language": "de-DE,de;q=0.9"}, "", "nl"),
        ({"Accept-Language": "en-GB"}, "?lang=nl", "nl"),
        ({}, "?lang=en", "en"),
    ]
    for headers, query, language in cases:
        response = await registry.get(f"/overview{query}", headers=headers)
        assert response.status_code == 200
        assert f'<html lang="{language}"' in response.text, (headers, query)
        assert response.headers["content-language"] == language
        assert "Accept-Language" in response.headers["vary"]
    english = await registry.get("/overview?lang=en&landsdeel=noord")
    assert "How the learning communities are spread" in english.text
    assert 'href="/overview/communities?landsdeel=noord&amp;cell=landsdeel%3Anoord&amp;lang=en"' in english.text
    assert 'href="/v1/overview/distribution.csv?landsdeel=noord"' in english.text  # the API knows no `lang`


async def test_pages_use_only_the_services_own_assets_and_stay_out_of_the_openapi(registry: httpx.AsyncClient) -> None:
    """Stylesheets come from /static/kit with their version in the URL (kept a year); no other site is named."""
    page = await registry.get("/overview")
    assert "script-src 'none'" in page.headers["content-security-policy"]
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page.text)
    assert len(stylesheets) == 3
    assert all(href.startswith("/static/kit/") for href in stylesheets)
    assert not re.search(r'(?:href|src)="(?:https?:)?//', page.text)
    for href in stylesheets:
        asset = await registry.get(href)
        assert asset.status_code == 200
        assert asset.headers["content-type"].startswith("text/css")
        assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    unversioned = await registry.get(stylesheets[0].split("?")[0])
    assert unversioned.headers["cache-control"] == "public, max-age=3600"
    paths = (await registry.get("/openapi.json")).json()["paths"]
    assert not [path for path in paths if path.startswith(("/overview", "/static"))]
