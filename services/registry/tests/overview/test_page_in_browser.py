"""The overview page in headless Chromium, against the registry served over HTTP on real PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Page

from lcn_registry.main import create_app
from lcn_shared.auth import Role
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import service_config
from lcn_shared.testing.http import served
from tests.browser.chromium import assert_accessible, axe_violations, chromium, screenshot, tab_to

# Registered over the API: the registry derives each landsdeel from the province, the first top sector from the list.
COMMUNITIES: list[dict[str, Any]] = [
    {"name": "Energy College Emmen", "province": "drenthe", "topsectors": ["energie", "htsm"], "kinds": ["civ"]},
    {"name": "Groene Waterstof Lab", "province": "groningen", "topsectors": ["energie"], "kinds": ["fieldlab"]},
    {
        "name": "Zorginnovatie Fryslân",
        "province": "fryslan",
        "topsectors": ["lsh"],
        "kinds": ["living-lab"],
        "education_levels": ["mbo", "hbo"],
    },
    {
        "name": "Brainport Fieldlab",
        "province": "noord-brabant",
        "topsectors": ["htsm"],
        "kinds": ["fieldlab"],
        "key_technologies": ["robotics"],
    },
    {"name": "Lerend Limburg", "province": "limburg", "kinds": ["learning-community"], "education_levels": ["mbo"]},
    {
        "name": "TIMA Dordrecht",
        "province": "zuid-holland",
        "topsectors": ["water-maritiem", "energie"],
        "kinds": ["centre-of-expertise"],
        "key_technologies": ["robotics", "artificial-intelligence"],
    },
    {
        "name": "Mediacampus Hilversum",
        "province": "noord-holland",
        "topsectors": ["creatieve-industrie"],
        "kinds": ["skillslab"],
    },
    {
        "name": "Smart Industry Twente",
        "province": "overijssel",
        "topsectors": ["htsm"],
        "kinds": ["fieldlab"],
        "key_technologies": ["robotics"],
    },
]
# The cell the test follows, and who is in it: landsdeel noord, first top sector energie.
CELL = ("noord", "energie")
CELL_NAMES = ["Energy College Emmen", "Groene Waterstof Lab"]


async def _matrix_texts(page: Page) -> dict[str, Any]:
    """The heat table as shown: column codes, and per row its code and the text of every number cell."""
    return dict(
        await page.evaluate(
            """() => {
                const table = document.querySelector('#matrix');
                const texts = row => [...row.querySelectorAll('td')].map(td => td.textContent.trim());
                return {
                    columns: [...table.querySelectorAll('thead th[data-code]')].map(th => th.dataset.code),
                    rows: [...table.querySelectorAll('tbody tr')].map(tr => [tr.dataset.code, texts(tr)]),
                    totals: texts(table.querySelector('tfoot tr')),
                };
            }"""
        )
    )


async def _per_value_texts(page: Page, table: str) -> list[str]:
    """The numbers of a per-value table as shown, the `without value` line last."""
    return list(await page.eval_on_selector_all(f"#{table} tbody td", "cells => cells.map(c => c.textContent.trim())"))


def _expected_matrix(distribution: dict[str, Any]) -> dict[str, Any]:
    """What the heat table must show for the API's distribution: every cell, the row totals, the column totals."""
    matrix = distribution["by_landsdeel_topsector"]
    rows = [
        [code, [str(count) for count in [*cells, total]]]
        for code, cells, total in zip(matrix["rows"], matrix["cells"], matrix["row_totals"], strict=True)
    ]
    return {
        "columns": matrix["columns"],
        "rows": rows,
        "totals": [str(count) for count in [*matrix["column_totals"], matrix["total"]]],
    }


async def test_acceptance_overview_page_in_headless_chromium_matches_the_api_and_follows_a_cell_to_its_communities(
    platform: PlatformSettings, api_key: Callable[..., Awaitable[str]], tmp_path: Path
) -> None:
    """The page's heat table and per-value counts equal /v1/overview/distribution, unfiltered and filtered through
    the form; one cell, reached with the keyboard, lists exactly its communities; English on request; no axe
    violations; screenshots saved."""
    key = await api_key(Role.PARTNER, organisation_id=uuid.uuid4(), organisation_name="Hanzehogeschool Groningen")
    config = service_config(platform, "registry", relay_enabled=False, consumers_enabled=False)
    async with (
        served(create_app, config) as base_url,
        httpx.AsyncClient(base_url=base_url, headers={"Authorization": f"Bearer {key}"}) as api,
        chromium() as browser,
    ):
        for body in COMMUNITIES:
            response = await api.post("/v1/communities", json=body)
            assert response.status_code == 201, response.text
        distribution = (await api.get("/v1/overview/distribution")).json()
        assert distribution["total"] == len(COMMUNITIES)

        page = await browser.new_page(locale="nl-NL", viewport={"width": 1440, "height": 1000})
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        opened = await page.goto(f"{base_url}/overview")
        assert opened is not None
        assert opened.status == 200
        assert await page.get_attribute("html", "lang") == "nl"
        assert await page.text_content("h1") == "Spreiding van de leergemeenschappen"
        assert await _matrix_texts(page) == _expected_matrix(distribution)
        for table in ("by_kind", "by_key_technology", "by_education_level"):
            counts = distribution[table]
            expected = [str(value["count"]) for value in counts["values"]] + [str(counts["without_value"])]
            assert await _per_value_texts(page, table) == expected, table
        # The vendored NL Design System stylesheets load from the service itself (no CSP or network error).
        assert await page.evaluate("document.styleSheets.length") == 3
        await assert_accessible(page)
        await screenshot(page, tmp_path, "overview.png")

        # The filter form sends the API's parameters: tick landsdeel Noord, apply, and the table follows the API.
        await page.click("details:has(#filter-landsdeel-noord) > summary")
        await page.check("#filter-landsdeel-noord")
        await page.click("button[type=submit]")
        await page.wait_for_url("**/overview?*landsdeel=noord*")
        filtered = (await api.get("/v1/overview/distribution", params={"landsdeel": "noord"})).json()
        assert filtered["total"] == 3
        assert await _matrix_texts(page) == _expected_matrix(filtered)

        # One cell, reached with the keyboard alone, lists exactly the communities it counts.
        await page.goto(f"{base_url}/overview")
        row, column = CELL
        position = distribution["by_landsdeel_topsector"]["columns"].index(column) + 2  # after the row's header
        link = f"#matrix tbody tr[data-code='{row}'] td:nth-child({position}) a"
        assert await page.text_content(link) == str(len(CELL_NAMES))
        await tab_to(page, link)
        await screenshot(page, tmp_path, "keyboard-focus.png")  # the focus ring on a heat cell, to look at
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        assert "/overview/communities?" in page.url
        names = await page.eval_on_selector_all("#communities tbody th a", "links => links.map(a => a.textContent)")
        assert names == CELL_NAMES
        assert await page.text_content("#list-total") == f"{len(CELL_NAMES)} leergemeenschappen voldoen aan deze keuze."
        await assert_accessible(page)
        await screenshot(page, tmp_path, "communities.png")

        # English: the language switch keeps the page and its choice; links onward keep the language.
        await page.click("nav[aria-label=Taal] a[hreflang=en]")
        assert await page.get_attribute("html", "lang") == "en"
        assert await page.text_content("h1") == "Learning communities"
        assert (
            await page.eval_on_selector_all("#communities tbody th a", "a => a.map(x => x.textContent)") == CELL_NAMES
        )
        await page.click("text=Back to the overview")
        assert await page.get_attribute("html", "lang") == "en"
        assert await page.text_content("h1") == "How the learning communities are spread"
        assert await _matrix_texts(page) == _expected_matrix(distribution)
        await assert_accessible(page)
        await screenshot(page, tmp_path, "overview-en.png")
        assert not errors, errors
        # The accessibility check can fail: a page without a language and an image without a text is caught.
        await page.set_content("<html><body><img src='data:,'></body></html>")
        assert {violation["id"] for violation in await axe_violations(page)} >= {"html-has-lang", "image-alt"}
