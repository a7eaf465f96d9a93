"""The dashboard in headless Chromium, against the monitor served over HTTP on real PostgreSQL: signed in with the
keyboard, every figure compared with the API, axe's WCAG 2.1 AA rules, the drill-down, completeness and a filter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Page

from lcn_monitor.dashboard.formatting import figure, percent
from lcn_shared.auth import Role
from lcn_shared.clock import ManualClock
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import service_config
from lcn_shared.testing.http import served
from services.monitor.tests.dashboard.builders import seed_network
from services.monitor.tests.reporting import JANUARY_2027, IssueKey, monitor_on
from tests.browser.chromium import assert_accessible, chromium, screenshot, tab_to

FOLLOWED = "students-reached"  # the indicator the test follows to its parts
WITH_TARGET = "ngf-companies"


async def cards(page: Page) -> dict[str, dict[str, Any]]:
    """Per indicator card as shown: its figure (text and raw value), its chart's name, and its table's rows."""
    return dict(
        await page.evaluate(
            """() => Object.fromEntries([...document.querySelectorAll('article[data-indicator]')].map(card => {
                const figure = card.querySelector('.lcn-figure');
                const chart = card.querySelector('svg[role=img]');
                const named = chart && document.getElementById(chart.getAttribute('aria-labelledby'));
                const rows = [...card.querySelectorAll('table[data-table] tbody tr')];
                return [card.dataset.indicator, {
                    text: figure.textContent.trim(),
                    value: figure.dataset.value,
                    chart: named ? named.textContent : null,
                    described: chart ? document.getElementById(chart.getAttribute('aria-describedby')).textContent : '',
                    rows: rows.map(row => [row.dataset.period, row.querySelector('td').dataset.value]),
                    status: card.querySelector('.lcn-status').textContent.trim(),
                }];
            }))"""
        )
    )


def assert_figures_match(shown: dict[str, dict[str, Any]], progress: list[dict[str, Any]], language: str) -> None:
    """Every indicator the API lists has a card with its actual (formatted), a named chart and the series' table."""
    assert sorted(shown) == sorted(item["indicator"] for item in progress)
    for item in progress:
        card = shown[item["indicator"]]
        actual = item["actual"]
        assert card["value"] == ("" if actual is None else str(actual)), item["indicator"]
        if actual is not None:
            assert card["text"] == figure(actual, item["unit"], language, compact=True), item["indicator"]
        name = item["name_nl"] if language == "nl" else item["name_en"]
        assert card["chart"] is not None, item["indicator"]
        assert name in card["chart"]
        assert card["described"]
        assert card["rows"] == [
            [point["period"], "" if point["value"] is None else str(point["value"])] for point in item["series"]
        ]


async def test_acceptance_dashboard_renders_after_signing_in_and_shows_the_apis_figures_for_every_seeded_indicator(
    platform: PlatformSettings, api_key: IssueKey, tmp_path: Path
) -> None:
    """Acceptance (Views): /dashboard sends the browser to sign in; signed in with the keyboard as a coordinator,
    each seeded indicator shows the API's figure with a chart and its table; axe finds nothing; one indicator's
    parts add up to its figure; completeness shows the API's totals; a landsdeel filters; screenshots saved."""
    clock = ManualClock(JANUARY_2027)
    key = await api_key(Role.COORDINATOR)
    async with (
        served(monitor_on(clock), service_config(platform, "monitor")) as base_url,
        httpx.AsyncClient(base_url=base_url) as api,
        chromium() as browser,
    ):
        network = await seed_network(platform, api_key, api, clock)
        progress = (await api.get("/v1/progress")).json()["data"]
        assert len(progress) >= 15  # the seeded indicators

        page = await browser.new_page(locale="nl-NL", viewport={"width": 1440, "height": 1000})
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        await page.goto(f"{base_url}/dashboard")
        assert page.url == f"{base_url}/sign-in?next=%2Fdashboard"
        await tab_to(page, "#api-key")
        await page.keyboard.type(key)
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        assert page.url == f"{base_url}/dashboard"
        assert await page.text_content("h1") == "Voortgang van de indicatoren"
        assert "Ingelogd als coördinator" in (await page.text_content("header") or "")
        assert_figures_match(await cards(page), progress, "nl")
        assert await page.evaluate("document.styleSheets.length") == 4  # the kit's three and the dashboard's
        await assert_accessible(page)
        await screenshot(page, tmp_path, "dashboard.png")
        await page.click(f"#indicator-{FOLLOWED} details > summary")  # the table view, open, passes axe too
        assert await page.is_visible(f"table[data-table={FOLLOWED}]")
        await assert_accessible(page)
        for key in (FOLLOWED, WITH_TARGET):  # a card close up, to look at: without a target, and with one
            await page.locator(f"#indicator-{key}").screenshot(path=str(tmp_path / f"card-{key}.png"))

        # One indicator, followed with the keyboard to the parts of its figure: they add up to it.
        await page.goto(f"{base_url}/dashboard")
        await tab_to(page, f"#indicator-{FOLLOWED} .lcn-drill-link")
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        assert page.url == f"{base_url}/dashboard/indicators/{FOLLOWED}"
        explained = (await api.get(f"/v1/progress/{FOLLOWED}/explanation")).json()
        followed = next(item for item in progress if item["indicator"] == FOLLOWED)
        parts = await page.eval_on_selector_all(
            "#parts tbody tr td[data-value]", "cells => cells.map(c => c.dataset.value)"
        )
        assert sum(float(value) for value in parts) == explained["parts_total"] == followed["actual"]
        assert len(parts) == explained["parts_count"]
        assert float(await page.get_attribute("#parts-total", "data-value") or "nan") == followed["actual"]
        assert await page.text_content("#drill-value") == figure(followed["actual"], followed["unit"], "nl")
        await assert_accessible(page)
        await screenshot(page, tmp_path, "drill-down.png")

        # Completeness, from the navigation: 2026-H2 (its deadline has passed) with the API's totals.
        async with page.expect_navigation():
            await page.click("nav[aria-label=Volgsysteem] >> text=Volledigheid rapportages")
        completeness = (await api.get("/v1/periods/2026-H2/completeness", headers=network.coordinator)).json()
        totals = completeness["totals"]
        shown_totals = await page.eval_on_selector_all(
            "#totals [data-state]", "rows => rows.map(r => [r.dataset.state, r.querySelector('td').textContent])"
        )
        assert dict(shown_totals) == {
            state: str(totals[state]) for state in ("on_time", "late", "missing", "pending", "expected")
        }
        assert await page.text_content("#share-on-time") == percent(totals["share_on_time"], "nl")
        assert await page.eval_on_selector_all("#expected tbody tr", "rows => rows.length") == totals["expected"]
        await assert_accessible(page)
        await screenshot(page, tmp_path, "completeness.png")

        # Filtered by a landsdeel through the form: the figures follow the API's for that scope.
        await page.goto(f"{base_url}/dashboard")
        await page.select_option("#scope", "landsdeel:noord")
        async with page.expect_navigation():
            await page.click("form.lcn-choose button[type=submit]")
        assert page.url == f"{base_url}/dashboard?scope=landsdeel%3Anoord"
        noord = (await api.get("/v1/progress", params={"scope": "landsdeel:noord"})).json()["data"]
        assert_figures_match(await cards(page), noord, "nl")
        assert "landsdeel Noord" in (await page.text_content("#dashboard-lead") or "")
        await assert_accessible(page)
        await screenshot(page, tmp_path, "dashboard-noord.png")

        # English through the language switch: the same figures, English separators and names.
        await page.click("nav[aria-label=Taal] a[hreflang=en]")
        assert await page.get_attribute("html", "lang") == "en"
        assert await page.text_content("h1") == "Progress of the indicators"
        assert_figures_match(await cards(page), noord, "en")
        await assert_accessible(page)
        await screenshot(page, tmp_path, "dashboard-noord-en.png")
        assert not errors, errors
