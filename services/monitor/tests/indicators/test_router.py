"""Indicators and reporting periods over the API: coordinators define and change them under If-Match, every change
is in the history, bad definitions are 422 problems, and the figures follow a new baseline or target at once."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import fetch
from lcn_shared.testing.problems import assert_problem
from services.monitor.tests.reporting import IssueKey, coordinator, monitor, partner

RATIO = {
    "key": "companies-per-learning-community",
    "name_nl": "Bereikte bedrijven per leergemeenschap",
    "name_en": "Companies reached per learning community",
    "unit": "ratio",
    "aggregation": "ratio",
    "definition": {
        "source": "ratio",
        "numerator": "companies-reached",
        "denominator": "active-learning-communities",
    },
}


async def change(
    client: httpx.AsyncClient, headers: dict[str, str], method: str, path: str, **body: Any
) -> httpx.Response:
    """A change under the indicator's current ETag."""
    key = path.split("/")[3]
    etag = (await client.get(f"/v1/indicators/{key}")).headers["etag"]
    return await client.request(method, path, json=body or None, headers=headers | {"If-Match": etag})


async def test_a_coordinator_defines_an_indicator_and_sets_its_baseline_target_and_observation(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Created (201, ETag 1), then a baseline, a target with a trajectory point and an observation, each moving the
    version on; the history lists every step with the coordinator as actor; progress shows the target."""
    boss = await coordinator(api_key)
    async with monitor(platform) as client:
        created = await client.post("/v1/indicators", json=RATIO, headers=boss)
        assert created.status_code == 201, created.text
        assert created.headers["etag"] == '"1"'
        path = "/v1/indicators/companies-reached"
        baseline = await change(
            client, boss, "PUT", f"{path}/baselines/landsdeel:noord", value=10.0, on="2025-12-31", source_note="Telling"
        )
        target = await change(
            client,
            boss,
            "PUT",
            f"{path}/targets/landsdeel:noord/2028-12-31",
            value=400.0,
            source_note="Noordelijk doel",
            trajectory=[{"on": "2026-12-31", "value": 100.0}],
        )
        observed = await change(
            client, boss, "PUT", f"{path}/observations/landsdeel:noord/2026-H1", value=55.0, source_note="Programma"
        )
        progress = (await client.get("/v1/progress/companies-reached", params={"scope": "landsdeel:noord"})).json()
        history = (await client.get(f"{path}/history")).json()["data"]
    for answer in (baseline, target, observed):
        assert answer.status_code == 200, answer.text
    assert observed.json()["version"] == 4
    assert [(entry["part"], entry["change"]) for entry in history[:3]] == [
        ("observation", "created"),
        ("target", "created"),
        ("baseline", "created"),
    ]
    assert {entry["actor"] for entry in history[:3]} == {history[0]["actor"]}
    assert (progress["target"]["value"], progress["baseline"]["value"]) == (400, 10)
    # A cumulative figure: the baseline plus the programme's observation, which stands for the period's reports.
    assert {point["period"]: point["value"] for point in progress["series"]}["2026-H1"] == 10 + 55


async def test_changes_need_a_coordinator_and_the_current_etag(platform: PlatformSettings, api_key: IssueKey) -> None:
    """A partner gets 403, no key 401, a stale ETag 412; nothing changes."""
    boss, lead = await coordinator(api_key), await partner(api_key, "Drenthe College")
    body = {"value": 1.0, "on": "2025-01-01", "source_note": "Telling"}
    path = "/v1/indicators/companies-reached/baselines/national"
    async with monitor(platform) as client:
        by_partner = await client.put(path, json=body, headers=lead.headers)
        anonymous = await client.put(path, json=body)
        stale = await client.put(path, json=body, headers=boss | {"If-Match": '"99"'})
        created = await client.post("/v1/indicators", json=RATIO, headers=lead.headers)
    assert_problem(by_partner, 403)
    assert_problem(anonymous, 401)
    assert_problem(stale, 412)
    assert_problem(created, 403)
    rows = await fetch(
        platform, "monitor", "SELECT 1 FROM indicator_baseline WHERE indicator_key = 'companies-reached'"
    )
    assert rows == []


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"definition": {"source": "ratio", "numerator": "nosuch", "denominator": "students-reached"}}, "nosuch"),
        ({"aggregation": "cumulative"}, "aggregates"),
        ({"unit": "count"}, "unit"),
        ({"key": "Hoofdletters"}, "key"),
        ({"definition": {"source": "registry", "measure": "landsdelen_covered", "since": "2018-01-01"}}, "since"),
        ({"tolerance": 1.5}, "tolerance"),
        ({"surprise": True}, "surprise"),
    ],
)
async def test_a_bad_definition_is_a_422_and_stores_nothing(
    platform: PlatformSettings, api_key: IssueKey, changes: dict[str, Any], why: str
) -> None:
    """Unknown indicators in a ratio, an aggregation or unit that does not fit the source, a bad key, a field of
    another measure, a tolerance out of range, an unknown field."""
    boss = await coordinator(api_key)
    body = RATIO | changes
    if "definition" in changes and changes["definition"]["source"] == "registry":
        body |= {"unit": "count", "aggregation": "count"}
    async with monitor(platform) as client:
        refused = await client.post("/v1/indicators", json=body, headers=boss)
    problem = assert_problem(refused, 422)
    assert why in refused.text, problem
    assert await fetch(platform, "monitor", "SELECT 1 FROM indicator WHERE key LIKE 'companies-per%'") == []


async def test_a_trajectory_point_after_its_target_and_an_unknown_scope_are_422(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Points lie before the target's date; a scope names a known landsdeel or top sector."""
    boss = await coordinator(api_key)
    async with monitor(platform) as client:
        late_point = await change(
            client,
            boss,
            "PUT",
            "/v1/indicators/companies-reached/targets/national/2027-12-31",
            value=10.0,
            source_note="Doel",
            trajectory=[{"on": "2028-06-30", "value": 5.0}],
        )
        unknown_scope = await change(
            client,
            boss,
            "PUT",
            "/v1/indicators/companies-reached/baselines/landsdeel:atlantis",
            value=1.0,
            on="2025-01-01",
            source_note="Telling",
        )
    assert_problem(late_point, 422)
    assert_problem(unknown_scope, 422)


async def test_removing_a_target_is_in_the_history_and_a_missing_one_is_404(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """DELETE takes the seeded national target away, recorded with its old values; again it is a 404."""
    boss = await coordinator(api_key)
    path = "/v1/indicators/ngf-companies/targets/national/2030-12-31"
    async with monitor(platform) as client:
        removed = await change(client, boss, "DELETE", path)
        again = await change(client, boss, "DELETE", path)
        latest = (await client.get("/v1/indicators/ngf-companies/history")).json()["data"][0]
    assert removed.status_code == 200, removed.text
    assert removed.json()["targets"] == []
    assert_problem(again, 404)
    assert (latest["part"], latest["change"], latest["changes"]["value"]["old"]) == ("target", "removed", 8500)


async def test_periods_are_added_and_changed_by_coordinators_in_date_order(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """A new period (201); dates out of order are 422; a PATCH needs the ETag and keeps the order."""
    boss = await coordinator(api_key)
    period = {
        "period_id": "2031-H1",
        "starts_on": "2031-01-01",
        "ends_on": "2031-06-30",
        "deadline": "2031-08-31",
        "closes_on": "2031-09-30",
    }
    async with monitor(platform) as client:
        created = await client.post("/v1/periods", json=period, headers=boss)
        backwards = await client.post(
            "/v1/periods", json=period | {"period_id": "2031-H2", "deadline": "2031-05-01"}, headers=boss
        )
        twice = await client.post("/v1/periods", json=period, headers=boss)
        required = await client.patch(
            "/v1/periods/2026-H1", json={"reports_required": True}, headers=boss | {"If-Match": '"1"'}
        )
        out_of_order = await client.patch(
            "/v1/periods/2026-H1", json={"closes_on": "2026-01-01"}, headers=boss | {"If-Match": '"2"'}
        )
    assert created.status_code == 201, created.text
    assert_problem(backwards, 422)
    assert_problem(twice, 409)
    assert required.json()["reports_required"] is True
    assert_problem(out_of_order, 422)
