"""The dashboard pages over HTTP (no browser): sign-in and roles, bad input as a page, and every figure, part and
total shown equal to what the API answers."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from html import unescape

import httpx
import pytest

from lcn_monitor.dashboard import pages
from lcn_monitor.dashboard.formatting import figure, percent
from lcn_shared.auth import Role
from lcn_shared.clock import ManualClock
from lcn_shared.settings import PlatformSettings
from services.monitor.tests.dashboard.builders import MARCH_2027, Network, seed_network, sign_in
from services.monitor.tests.reporting import JANUARY_2027, IssueKey, monitor

HTML = "text/html"
CARD = re.compile(
    r'data-indicator="([^"]+)".*?<dd class="lcn-figure" data-value="([^"]*)">([^<]*)</dd>.*?'
    r'role="img".*?data-table="\1"',
    re.DOTALL,
)
PART = re.compile(r'<tr class="utrecht-table__row" data-part="[a-z]+">.*?data-value="([^"]+)"', re.DOTALL)
STATUS = re.compile(r'data-indicator="([^"]+)".*?<p class="lcn-status lcn-status--([a-z_]+)">', re.DOTALL)


@asynccontextmanager
async def seeded(platform: PlatformSettings, api_key: IssueKey) -> AsyncIterator[tuple[httpx.AsyncClient, Network]]:
    """A monitor on March 2027 holding the small network, and a client signed in as a coordinator."""
    clock = ManualClock(JANUARY_2027)
    async with monitor(platform, clock) as client:
        network = await seed_network(platform, api_key, client, clock)
        signed = await sign_in(client, await api_key(Role.COORDINATOR))
        assert signed.status_code == 303, signed.text
        yield client, network


def shown_figures(page: httpx.Response) -> dict[str, tuple[str, str]]:
    """Per indicator card (one with a chart and a table), the figure's raw value and its text."""
    assert page.status_code == 200, page.text
    return {key: (value, unescape(text)) for key, value, text in CARD.findall(page.text)}


async def test_without_a_session_every_dashboard_page_redirects_to_sign_in_and_back(platform: PlatformSettings) -> None:
    """No session: a 303 to the sign-in page, which comes back to the page asked for (with its query)."""
    async with monitor(platform) as client:
        for path, back in [
            ("/dashboard", "%2Fdashboard"),
            ("/dashboard?scope=landsdeel:noord", "%2Fdashboard%3Fscope%3Dlandsdeel%3Anoord"),
            ("/dashboard/indicators/ngf-companies", "%2Fdashboard%2Findicators%2Fngf-companies"),
            ("/dashboard/completeness", "%2Fdashboard%2Fcompleteness"),
        ]:
            response = await client.get(path)
            assert response.status_code == 303, path
            assert response.headers["location"] == f"/sign-in?next={back}"
            assert response.headers["cache-control"] == "no-store"


async def test_only_coordinators_partners_and_admins_see_the_dashboard(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """A conference team's key signs in but gets a 403 page; a partner's and an admin's get the dashboard."""
    async with monitor(platform) as client:
        await sign_in(client, await api_key(Role.CONFERENCE_TEAM))
        refused = await client.get("/dashboard")
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith(HTML)
        assert "conferentieteam" in refused.text
        for key in (await api_key(Role.ADMIN), await api_key(Role.PARTNER, organisation_id=uuid.uuid4())):
            await sign_in(client, key)
            shown = await client.get("/dashboard")
            assert shown.status_code == 200, shown.text
            assert '<h1 class="utrecht-heading-1">Voortgang van de indicatoren</h1>' in shown.text


async def test_bad_input_is_a_page_with_the_problem_never_json_or_a_500(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """An unknown scope is a 422 page listing the scopes there are; so are a bad period and page; an unknown
    indicator or period is a 404 page; a period that has not started cannot be explained."""
    async with monitor(platform) as client:
        await sign_in(client, await api_key(Role.COORDINATOR))
        for path, status, shown in [
            ("/dashboard?scope=landsdeel:atlantis", 422, ["landsdeel:atlantis", "landsdeel:noord", "topsector:htsm"]),
            ("/dashboard?scope=everywhere", 422, ["everywhere", "national"]),
            ("/dashboard?colour=red", 422, ["colour"]),
            ("/dashboard/completeness?scope=topsector:", 422, ["topsector:"]),
            ("/dashboard/completeness?period=H2-2026", 422, ["H2-2026"]),
            ("/dashboard/completeness?period=2099-H1", 404, ["2099-H1"]),
            ("/dashboard/completeness?state=lost", 422, ["lost"]),
            ("/dashboard/indicators/ngf-companies?page=0", 422, ["page"]),
            ("/dashboard/indicators/no-such-indicator", 404, ["no-such-indicator"]),
            ("/dashboard/indicators/ngf-companies?period=2030-H2", 422, ["2030-H2"]),
        ]:
            response = await client.get(path)
            assert response.status_code == status, (path, response.text)
            assert response.headers["content-type"].startswith(HTML)
            assert 'role="alert"' in response.text
            for text in shown:
                assert text in unescape(response.text), (path, text)


async def test_every_indicators_figure_equals_the_apis_nationally_and_in_a_landsdeel(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Each indicator's card shows the API's actual in its unit, its status in words, a chart and its table;
    the chart's table has the API's series."""
    async with seeded(platform, api_key) as (client, _):
        for scope in ("national", "landsdeel:noord", "topsector:htsm"):
            api = (await client.get("/v1/progress", params={"scope": scope})).json()["data"]
            page = await client.get("/dashboard", params={"scope": scope})
            shown = shown_figures(page)
            assert sorted(shown) == sorted(item["indicator"] for item in api), scope
            for item in api:
                value, text = shown[item["indicator"]]
                expected = figure(item["actual"], item["unit"], "nl", compact=True)
                assert value == ("" if item["actual"] is None else str(item["actual"])), item["indicator"]
                assert text == (expected if item["actual"] is not None else "nog geen cijfer"), item["indicator"]
            statuses = dict(STATUS.findall(page.text))
            assert statuses == {item["indicator"]: item["status"] or "none" for item in api}
            series = re.findall(r'data-table="ngf-companies".*?</table>', page.text, re.DOTALL)[0]
            rows = re.findall(r'data-period="([^"]+)">.*?data-value="([^"]*)"', series, re.DOTALL)
            api_series = next(item for item in api if item["indicator"] == "ngf-companies")["series"]
            assert rows == [
                (point["period"], "" if point["value"] is None else str(point["value"])) for point in api_series
            ]
        national = await client.get("/dashboard")
        assert "€ 300 mln" in national.text  # the NGF field-funding target
        assert "8.500 uiterlijk 31 december 2030" in national.text
        english = await client.get("/dashboard", params={"lang": "en"})
        assert '<html lang="en"' in english.text
        assert "NGF PPS: extra companies reached" in english.text
        assert "8,500 by 31 December 2030" in english.text


async def test_the_drill_down_pages_through_the_parts_and_their_sum_is_the_figure(
    platform: PlatformSettings, api_key: IssueKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Students reached: the parts (report revisions by community) a page at a time, their sum the API's figure;
    a ratio names its two sides; a period's figure on request."""
    monkeypatch.setattr(pages, "PAGE_SIZE", 2)
    async with seeded(platform, api_key) as (client, _):
        explained = (await client.get("/v1/progress/students-reached/explanation")).json()
        first = await client.get("/dashboard/indicators/students-reached")
        second = await client.get("/dashboard/indicators/students-reached?page=2")
        third = await client.get("/dashboard/indicators/students-reached?page=3")
        ratio = await client.get("/dashboard/indicators/students-per-learning-community?scope=landsdeel:noord")
        period = await client.get("/dashboard/indicators/students-reached?period=2026-H1")
    values = [float(value) for page in (first, second, third) for value in PART.findall(page.text)]
    assert explained["parts_count"] == len(values) == 5
    assert sum(values) == explained["parts_total"] == explained["value"]
    assert f'id="parts-total" data-value="{explained["parts_total"]}"' in first.text
    assert 'rel="next" href="/dashboard/indicators/students-reached?page=2"' in first.text
    assert "Energy College Emmen" in first.text + second.text
    assert 'data-side="numerator"' in ratio.text
    assert "Bereikte studenten" in ratio.text
    assert 'id="drill-value" data-value="80.0"' in period.text


async def test_completeness_opens_on_the_last_period_past_its_deadline_with_the_apis_totals(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """In March 2027 the page opens on 2026-H2: on time, late and missing as the API counts them, the share on
    time, and a filter by state and by landsdeel."""
    async with seeded(platform, api_key) as (client, network):
        api = (await client.get("/v1/periods/2026-H2/completeness", headers=network.coordinator)).json()
        page = await client.get("/dashboard/completeness")
        missing = await client.get("/dashboard/completeness?state=missing")
        noord = await client.get("/dashboard/completeness?scope=landsdeel:noord&period=2026-H2")
    assert page.status_code == 200, page.text
    assert "Periode 2026-H2 (1 juli 2026 tot en met 31 december 2026)" in page.text
    counts = dict(
        re.findall(r'data-state="([a-z_]+)">.*?data-count="(\d+)"', page.text.split('id="totals"')[1], re.DOTALL)
    )
    totals = api["totals"]
    assert counts == {state: str(totals[state]) for state in ("on_time", "late", "missing", "pending", "expected")}
    assert (totals["on_time"], totals["late"], totals["missing"]) == (3, 1, 1)
    assert f'id="share-on-time">{percent(totals["share_on_time"], "nl")}<' in page.text
    assert re.findall(r'<tr class="utrecht-table__row" data-id="[^"]+" data-state="([a-z_]+)">', missing.text) == [
        "missing"
    ]
    assert "Lerend Limburg" in missing.text
    assert len(re.findall(r'data-id="[^"]+" data-state=', noord.text)) == 2


async def test_pages_use_only_the_services_own_assets_and_no_script(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """The kit's three stylesheets and the dashboard's own, each versioned and kept a year; no script, no other
    host, and the pages stay out of the OpenAPI document."""
    async with monitor(platform, ManualClock(MARCH_2027)) as client:
        await sign_in(client, await api_key(Role.COORDINATOR))
        page = await client.get("/dashboard")
        stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page.text)
        assert [href.split("?")[0] for href in stylesheets][-1] == "/static/monitor/dashboard.css"
        assert len(stylesheets) == 4
        for href in stylesheets:
            asset = await client.get(href)
            assert asset.status_code == 200, href
            assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
        paths = (await client.get("/openapi.json")).json()["paths"]
    assert "script-src 'none'" in page.headers["content-security-policy"]
    assert "<script" not in page.text
    assert not re.search(r'(?:href|src)="(?:https?:)?//', page.text)
    assert not [path for path in paths if path.startswith(("/dashboard", "/static"))]
