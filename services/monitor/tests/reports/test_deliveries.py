"""Bulk report deliveries: CSV, NDJSON and JSON files of reports; each row added, updated, unchanged or rejected with
its reason; delivering again changes nothing; who may deliver under which source; and `lcn monitor reports import`."""

from __future__ import annotations

import csv
import json
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest

from lcn_monitor.reports import client as reports_client
from lcn_shared.auth import Role
from lcn_shared.clock import ManualClock
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import fetch, service_config
from lcn_shared.testing.http import served
from lcn_shared.testing.problems import assert_problem
from services.monitor.tests.reporting import (
    JANUARY_2027,
    IssueKey,
    community,
    coordinator,
    member,
    monitor,
    monitor_on,
    partner,
    read_model,
    step,
)
from tests.e2e.flow import run_lcn

DELIVERIES = "/v1/reports/deliveries"
REPORT_EVENTS = "SELECT event_type FROM outbox_message WHERE event_type LIKE '%.report.%' ORDER BY seq"
UNKNOWN = UUID("0b8c1f3e-7a63-4f4e-9a55-2f0d8b7c6e11")


async def deliver(
    client: httpx.AsyncClient, headers: dict[str, str], body: str | bytes, media_type: str = "text/csv", **params: str
) -> httpx.Response:
    """POST a delivery."""
    content = body.encode() if isinstance(body, str) else body
    return await client.post(DELIVERIES, content=content, headers=headers | {"Content-Type": media_type}, params=params)


def outcomes(response: httpx.Response) -> list[tuple[int, str]]:
    """Each row's position and outcome."""
    assert response.status_code == 200, response.text
    return [(result["position"], result["outcome"]) for result in response.json()["results"]]


def reasons(response: httpx.Response) -> dict[int, str]:
    """The reason of each rejected row, by position."""
    return {result["position"]: result["reason"] for result in response.json()["results"] if result["reason"]}


async def report_events(platform: PlatformSettings) -> list[str]:
    """The report events in the outbox, in order (the status check's indicator events left out)."""
    return [row["event_type"].split(".")[-2] for row in await fetch(platform, "monitor", REPORT_EVENTS)]


def mixed_file(ours: UUID, also_ours: UUID, theirs: UUID) -> str:
    """Two valid rows and every kind of bad one, as a partner's CSV (one row per line, the header first)."""
    return "\n".join(
        [
            "community_id,period,companies,students,cofinancing_cash_eur,results",
            f"{ours},2026-H2,12,120,25000,Twaalf bedrijven leiden nu zelf studenten op.",  # 1 added
            f"{also_ours},2026-H2,,-3,,",  # 2 negative
            f"{also_ours},2026-H2,twaalf,,,",  # 3 text in a number cell
            f"{also_ours},2026-H2,,1.5,,",  # 4 not whole
            f"{ours},2099-H9,1,,,",  # 5 unknown period
            f"{UNKNOWN},2026-H2,1,,,",  # 6 unknown community
            f"{also_ours},2026-H2,1,,,Een NUL \x00 hier",  # 7 NUL byte
            f"{also_ours},2026-H2,1,2,3,tekst,te veel",  # 8 ragged
            f"{theirs},2026-H2,4,,,",  # 9 not the partner's community
            f"{also_ours},2026-H2,,7,,",  # 10 added
        ]
    )


async def test_acceptance_bulk_reports_valid_rows_import_and_each_bad_row_is_rejected_with_its_reason(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Acceptance (bulk reporting): a CSV with valid and malformed rows adds and submits the valid ones and rejects
    each bad one with its reason; a semicolon, Windows-1252 file with a BOM is read alike."""
    lead, other = await partner(api_key, "Drenthe College"), await partner(api_key, "Albeda")
    async with read_model(platform) as sessions:
        ours = await community(sessions, members=[member(lead)])
        also_ours = await community(sessions, members=[member(lead)], name="Fieldlab Assen")
        third = await community(sessions, members=[member(lead)], name="Skillslab Emmen")
        theirs = await community(sessions, members=[member(other)], name="Rotterdamse Haven")
    dutch = (
        b"\xef\xbb\xbfcommunity_id;period;students;results\r\n"
        + f"{third};2026-H2;7;".encode()
        + b"Co\xf6peratie met idee\xebn\r\n"
    )
    async with monitor(platform) as client:
        answer = await deliver(client, lead.headers, mixed_file(ours, also_ours, theirs))
        semicolons = await deliver(client, lead.headers, dutch)
    assert outcomes(answer) == [(1, "added"), *((position, "rejected") for position in range(2, 10)), (10, "added")]
    assert answer.json()["counts"] == {"added": 2, "updated": 0, "unchanged": 0, "rejected": 8}
    why = reasons(answer)
    assert "greater than or equal to 0" in why[2]
    assert "'twaalf' is not a whole number" in why[3]
    assert "'1.5' is not a whole number" in why[4]
    assert "no reporting period '2099-H9'" in why[5]
    assert f"knows no community {UNKNOWN}" in why[6]
    assert "NUL" in why[7]
    assert "more values than the header" in why[8]
    assert "only the lead and the partners who may edit" in why[9]
    assert outcomes(semicolons) == [(1, "added")]
    rows = await fetch(
        platform,
        "monitor",
        "SELECT r.community_id, r.source, r.state, v.students, v.companies, v.results FROM report r "
        "JOIN report_revision v USING (report_id) ORDER BY v.students",
    )
    assert [tuple(row) for row in rows] == [
        (also_ours, "direct", "submitted", 7, None, None),
        (third, "direct", "submitted", 7, None, "Coöperatie met ideeën"),
        (ours, "direct", "submitted", 120, 12, "Twaalf bedrijven leiden nu zelf studenten op."),
    ]
    assert await report_events(platform) == ["submitted"] * 3


async def snapshot(platform: PlatformSettings) -> dict[str, list[str]]:
    """Every row of every table of the monitor (the outbox without the relay's bookkeeping)."""
    tables = await fetch(platform, "monitor", "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    found = {}
    for (table,) in tables:
        query = (
            "SELECT event_id, event_type, payload FROM outbox_message"
            if table == "outbox_message"
            else f'SELECT * FROM "{table}"'
        )
        found[table] = sorted(repr(tuple(row)) for row in await fetch(platform, "monitor", query))
    return found


async def test_acceptance_bulk_reports_delivering_the_same_file_again_changes_nothing_and_emits_no_event(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Acceptance (bulk reporting): the same file again leaves every row unchanged (the bad ones rejected again);
    no table changes and no event goes out."""
    lead, other = await partner(api_key, "Drenthe College"), await partner(api_key, "Albeda")
    async with read_model(platform) as sessions:
        ours = await community(sessions, members=[member(lead)])
        also_ours = await community(sessions, members=[member(lead)], name="Fieldlab Assen")
        theirs = await community(sessions, members=[member(other)], name="Rotterdamse Haven")
    body = mixed_file(ours, also_ours, theirs)
    async with monitor(platform, workers_enabled=False) as client:
        first = await deliver(client, lead.headers, body)
        before, events_before = await snapshot(platform), await report_events(platform)
        again = await deliver(client, lead.headers, body)
        after, events_after = await snapshot(platform), await report_events(platform)
    assert first.json()["counts"] == {"added": 2, "updated": 0, "unchanged": 0, "rejected": 8}
    assert again.json()["counts"] == {"added": 0, "updated": 0, "unchanged": 2, "rejected": 8}
    assert [result["report_id"] for result in again.json()["results"]] == [
        result["report_id"] for result in first.json()["results"]
    ]
    assert after == before
    assert events_after == events_before == ["submitted", "submitted"]


async def test_a_changed_row_updates_an_open_report_and_corrects_an_approved_one(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Katapult delivers, then delivers changed figures: the submitted revision is updated and submitted again;
    once approved, a change is a correction (revision 2, submitted, with the delivery as its reason) while the
    approved figures count; a returned report delivered unchanged says why it was returned."""
    katapult = {"Authorization": f"Bearer {await api_key(Role.FEED, feed_source='katapult')}"}
    boss = await coordinator(api_key)
    async with read_model(platform) as sessions:
        community_id = await community(sessions, members=[])
    row = f"community_id,period,students\n{community_id},2026-H2,"
    async with monitor(platform) as client:
        added = await deliver(client, katapult, row + "10")
        updated = await deliver(client, katapult, row + "12")
        report_id = added.json()["results"][0]["report_id"]
        read = await client.get(f"/v1/reports/{report_id}", headers=boss)
        await step(client, boss, read, "approve")
        corrected = await deliver(client, katapult, row + "15")
        unchanged = await deliver(client, katapult, row + "15")
        read = await client.get(f"/v1/reports/{report_id}", headers=boss)
        await step(client, boss, read, "return", reason="Klopt dit aantal studenten?")
        returned = await deliver(client, katapult, row + "15")
        report = (await client.get(f"/v1/reports/{report_id}", headers=boss)).json()
        trail = (await client.get(f"/v1/reports/{report_id}/history", headers=boss)).json()["data"]
    assert [outcomes(answer)[0][1] for answer in (added, updated, corrected, unchanged, returned)] == [
        "added",
        "updated",
        "updated",
        "unchanged",
        "unchanged",
    ]
    assert {result["report_id"] for answer in (updated, corrected) for result in answer.json()["results"]} == {
        report_id
    }
    assert "returned by a coordinator: Klopt dit aantal studenten?" in reasons(returned)[1]
    assert (report["source"], report["approved_revision"], report["counted"]["students"]) == ("katapult", 1, 12)
    revisions = [
        (revision["revision"], revision["state"], revision["figures"]["students"]) for revision in report["revisions"]
    ]
    assert revisions == [(1, "approved", 12), (2, "returned", 15)]
    assert report["revisions"][1]["correction_reason"] == "Bijgewerkt door levering van katapult"
    assert [(entry["revision"], entry["change"]) for entry in trail] == [
        (1, "created"),
        (1, "submitted"),
        (1, "edited"),
        (1, "submitted"),
        (1, "approved"),
        (2, "correction-started"),
        (2, "submitted"),
        (2, "returned"),
    ]
    assert trail[2]["changes"] == {"students": {"old": 10, "new": 12}}
    assert await report_events(platform) == ["submitted", "submitted", "approved", "submitted", "returned"]


async def test_a_locked_period_rejects_a_programmes_change_but_not_a_coordinators(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """After 2026-H2 closes, Katapult's changed row is rejected with the close date, its unchanged row stays
    unchanged, and a coordinator delivering as Katapult still updates the report."""
    katapult = {"Authorization": f"Bearer {await api_key(Role.FEED, feed_source='katapult')}"}
    boss = await coordinator(api_key)
    clock = ManualClock(JANUARY_2027)
    async with read_model(platform) as sessions:
        community_id = await community(sessions, members=[])
    row = f"community_id,period,students\n{community_id},2026-H2,"
    async with monitor(platform, clock) as client:
        assert outcomes(await deliver(client, katapult, row + "10")) == [(1, "added")]
        clock.advance(timedelta(days=120))  # past 31 March 2027
        late = await deliver(client, katapult, row + "11")
        same = await deliver(client, katapult, row + "10")
        by_coordinator = await deliver(client, boss, row + "11", source="katapult")
    assert outcomes(late) == [(1, "rejected")]
    assert "closed on 2027-03-31" in reasons(late)[1]
    assert outcomes(same) == [(1, "unchanged")]
    assert outcomes(by_coordinator) == [(1, "updated")]
    [(students,)] = await fetch(platform, "monitor", "SELECT students FROM report_revision")
    assert students == 11


async def test_who_delivers_under_which_source(platform: PlatformSettings, api_key: IssueKey) -> None:
    """A feed key delivers as its own source for any community and no other source; a partner only as `direct`;
    a coordinator as any source it names (`direct` by default); other roles and no key are refused."""
    lead = await partner(api_key, "Drenthe College")
    katapult = {"Authorization": f"Bearer {await api_key(Role.FEED, feed_source='katapult')}"}
    boss = await coordinator(api_key)
    team = {"Authorization": f"Bearer {await api_key(Role.CONFERENCE_TEAM)}"}
    async with read_model(platform) as sessions:
        community_id = await community(sessions, members=[member(lead)])
    row = f"community_id,period,students\n{community_id},2026-H2,5"
    async with monitor(platform) as client:
        by_feed = await deliver(client, katapult, row)
        feed_as_other = await deliver(client, katapult, row, source="techniekpact")
        partner_as_programme = await deliver(client, lead.headers, row, source="katapult")
        by_partner = await deliver(client, lead.headers, row)
        by_coordinator = await deliver(client, boss, row, source="techniekpact")
        coordinator_direct = await deliver(client, boss, row)
        by_team = await deliver(client, team, row)
        anonymous = await deliver(client, {}, row)
    assert [answer.json()["source"] for answer in (by_feed, by_partner, by_coordinator, coordinator_direct)] == [
        "katapult",
        "direct",
        "techniekpact",
        "direct",
    ]
    assert [outcomes(answer) for answer in (by_feed, by_partner, by_coordinator, coordinator_direct)] == [
        [(1, "added")],
        [(1, "added")],
        [(1, "added")],
        [(1, "unchanged")],
    ]
    assert "techniekpact" in assert_problem(feed_as_other, 403)["detail"]
    assert "direct" in assert_problem(partner_as_programme, 403)["detail"]
    assert_problem(by_team, 403)
    assert_problem(anonymous, 401)
    rows = await fetch(platform, "monitor", "SELECT source, created_by FROM report ORDER BY source")
    assert [tuple(row) for row in rows] == [
        ("direct", "partner:Drenthe College"),
        ("katapult", "feed:katapult"),
        ("techniekpact", rows[2]["created_by"]),
    ]


async def test_json_and_ndjson_rows_are_typed_and_checked_strictly(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """JSON keeps its types: a figure in quotes, an unknown field and a non-object are rejected with reasons, a
    row repeating one already delivered is rejected; NDJSON rejects a broken line alone; an Idempotency-Key
    replays the first answer."""
    boss = await coordinator(api_key)
    async with read_model(platform) as sessions:
        first = await community(sessions, members=[], name="Lab A")
        second = await community(sessions, members=[], name="Lab B")
    rows: list[Any] = [
        {"community_id": str(first), "period": "2026-H2", "students": 4, "results": "Goed op weg."},
        {"community_id": str(second), "period": "2026-H2", "students": "12"},
        {"community_id": str(second), "period": "2026-H2", "pupils": 3},
        5,
        {"community_id": str(first), "period": "2026-H2", "students": 5},
    ]
    ndjson = f'{{"community_id": "{second}", "period": "2026-H2", "teachers": 2}}\n{{broken\n'
    headers = boss | {"Idempotency-Key": "levering-2026-h2"}
    async with monitor(platform) as client:
        answer = await deliver(client, headers, json.dumps(rows), "application/json")
        replayed = await deliver(client, headers, json.dumps(rows), "application/json")
        lines = await deliver(client, boss, ndjson, "application/x-ndjson")
        wrapped = await deliver(client, boss, json.dumps({"records": rows[:1]}), "application/json")
        not_a_delivery = await deliver(client, boss, '{"students": 4}', "application/json")
        unknown_type = await deliver(client, boss, "<reports/>", "application/xml")
    assert outcomes(answer) == [(1, "added"), (2, "rejected"), (3, "rejected"), (4, "rejected"), (5, "rejected")]
    why = reasons(answer)
    assert "students: Input should be a valid integer" in why[2]
    assert "unknown field 'pupils'" in why[3]
    assert "object" in why[4]
    assert "appears twice" in why[5]
    assert replayed.json() == answer.json()
    assert replayed.headers["idempotent-replayed"] == "true"
    assert outcomes(lines) == [(1, "added"), (2, "rejected")]
    assert outcomes(wrapped) == [(1, "unchanged")]
    assert_problem(not_a_delivery, 422)
    assert_problem(unknown_type, 415)


def test_the_key_is_the_option_then_lcn_api_key_then_the_feed_key_then_the_coordinators(tmp_path: Path) -> None:
    """The dev stack's credentials.json gives the feed key of `--source`, else the coordinator's key."""
    credentials = {"coordinator": "lcn_boss", "feeds": [{"source": "katapult", "key": "lcn_kat"}]}
    (tmp_path / "credentials.json").write_text(json.dumps(credentials))
    environ = {"LCN_STATE_DIR": str(tmp_path)}
    assert reports_client.resolve_key(None, source="katapult", environ=environ) == "lcn_kat"
    assert reports_client.resolve_key(None, source="techniekpact", environ=environ) == "lcn_boss"
    assert reports_client.resolve_key(None, source=None, environ=environ | {"LCN_API_KEY": "lcn_env"}) == "lcn_env"
    assert reports_client.resolve_key("lcn_option", source=None, environ=environ) == "lcn_option"
    with pytest.raises(ValueError, match="--key"):
        reports_client.resolve_key(None, source=None, environ={"LCN_STATE_DIR": str(tmp_path / "none")})


async def test_acceptance_lcn_monitor_reports_import_delivers_a_file_in_batches_and_exits_1_on_rejected_rows(
    platform: PlatformSettings, api_key: IssueKey, tmp_path: Path
) -> None:
    """The real CLI against a monitor on a real port: the valid rows are taken in batches, the rejected one is
    printed with its reason and exits 1; the same file with --allow-rejected exits 0 and changes nothing."""
    key = await api_key(Role.FEED, feed_source="katapult")
    async with read_model(platform) as sessions:
        ids = [await community(sessions, members=[], name=f"Lab {index}") for index in range(4)]
    path, results = tmp_path / "katapult-2026-h2.csv", tmp_path / "results.csv"
    lines = [f"{community_id};2026-H2;{index * 10}" for index, community_id in enumerate(ids)]
    lines.insert(2, f"{uuid.uuid4()};2026-H2;veel")
    path.write_text("community_id;period;students\n" + "\n".join(lines) + "\n")
    config = service_config(platform, "monitor")
    async with served(monitor_on(ManualClock(JANUARY_2027)), config) as url:
        args = ("monitor", "reports", "import", str(path), "--url", url, "--key", key, "--batch-size", "2")
        code, output = await run_lcn(platform, *args, "--results", str(results))
        again, output_again = await run_lcn(platform, *args, "--allow-rejected")
    assert code == 1, output
    assert "rejected records (1)" in output
    assert "'veel'" in output
    assert again == 0, output_again
    rows = list(csv.DictReader(results.open(newline="")))
    assert [(row["position"], row["outcome"]) for row in rows] == [
        ("1", "added"),
        ("2", "added"),
        ("3", "rejected"),
        ("4", "added"),
        ("5", "added"),
    ]
    assert rows[2]["reason"] == "students: 'veel' is not a whole number; write digits only, such as 1200"
    assert len(await fetch(platform, "monitor", "SELECT 1 FROM report WHERE source = 'katapult'")) == 4
    assert await report_events(platform) == ["submitted"] * 4
