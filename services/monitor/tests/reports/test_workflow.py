"""The report workflow over the API: draft -> submitted -> returned or approved; who may report and approve; corrections
as new revisions with an audit trail; locked periods; and only approved figures count."""

from __future__ import annotations

from datetime import timedelta

import httpx

from lcn_shared.clock import ManualClock
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import fetch
from lcn_shared.testing.problems import assert_problem
from services.monitor.tests.reporting import (
    JANUARY_2027,
    IssueKey,
    approved_report,
    community,
    coordinator,
    create_report,
    member,
    monitor,
    partner,
    read_model,
    step,
)


async def students_counted(client: httpx.AsyncClient, scope: str = "national") -> float | None:
    """The live figure of the indicator summing students from approved reports."""
    response = await client.get("/v1/progress/students-reached", params={"scope": scope})
    assert response.status_code == 200, response.text
    actual: float | None = response.json()["actual"]
    return actual


async def test_acceptance_reports_flow_draft_submitted_approved_and_only_then_count(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Acceptance (reports): the lead drafts and submits; a coordinator approves; the figures count in the summed
    indicators only after the approval, and `report.submitted` and `report.approved` go out through the outbox."""
    lead, boss = await partner(api_key, "Drenthe College"), await coordinator(api_key)
    async with read_model(platform) as sessions:
        community_id = await community(sessions, members=[member(lead)])
    async with monitor(platform) as client:
        before = await students_counted(client)
        created = await create_report(client, lead.headers, community_id, students=120, companies=12)
        assert created.status_code == 201, created.text
        assert (created.json()["state"], created.headers["etag"]) == ("draft", '"1"')
        assert created.headers["location"].endswith(f"/v1/reports/{created.json()['report_id']}")
        submitted = await step(client, lead.headers, created, "submit")
        assert submitted.json()["state"] == "submitted"
        after_submit = await students_counted(client)
        approved = await step(client, boss, submitted, "approve")
        assert approved.status_code == 200, approved.text
        after_approval = await students_counted(client)
    assert approved.json()["counted"]["students"] == 120
    assert approved.json()["on_time"] is True
    assert before == after_submit  # submitted figures do not count yet
    assert (after_approval or 0) - (before or 0) == 120
    events = await fetch(
        platform, "monitor", "SELECT event_type FROM outbox_message WHERE event_type LIKE '%.report.%' ORDER BY seq"
    )
    assert [row["event_type"] for row in events] == [
        "nl.lcn.monitor.report.submitted.v1",
        "nl.lcn.monitor.report.approved.v1",
    ]


async def test_acceptance_reports_a_partner_approving_its_own_report_gets_403(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Acceptance (reports): approving is a coordinator's; the lead's own approval is a 403 problem and the report
    stays submitted."""
    lead = await partner(api_key, "Drenthe College")
    async with read_model(platform) as sessions:
        community_id = await community(sessions, members=[member(lead)])
    async with monitor(platform) as client:
        submitted = await step(client, lead.headers, await create_report(client, lead.headers, community_id), "submit")
        refused = await step(client, lead.headers, submitted, "approve")
        after = await client.get(f"/v1/reports/{submitted.json()['report_id']}", headers=lead.headers)
    assert_problem(refused, 403)
    assert (after.json()["state"], after.json()["approved_revision"]) == ("submitted", None)


async def test_acceptance_reports_a_partner_reporting_for_another_organisations_community_gets_403(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Acceptance (reports): an organisation that neither leads nor may edit the community is refused; a plain
    partner member too; a partner the lead let edit may report."""
    lead, stranger = await partner(api_key, "Drenthe College"), await partner(api_key, "Albeda")
    plain, editor = await partner(api_key, "Gasunie"), await partner(api_key, "Enexis")
    members = [member(lead), member(plain, "partner"), member(editor, "partner", can_edit=True)]
    async with read_model(platform) as sessions:
        community_id = await community(sessions, members=members)
    async with monitor(platform) as client:
        by_stranger = await create_report(client, stranger.headers, community_id)
        by_plain_member = await create_report(client, plain.headers, community_id)
        by_editor = await create_report(client, editor.headers, community_id)
        listed = await client.get("/v1/reports", headers=stranger.headers)
    assert_problem(by_stranger, 403)
    assert_problem(by_plain_member, 403)
    assert by_editor.status_code == 201, by_editor.text
    assert listed.json()["data"] == []  # nor does it see the others' reports
    assert len(await fetch(platform, "monitor", "SELECT 1 FROM report")) == 1


async def test_acceptance_reports_a_correction_replaces_the_counted_figures_and_the_trail_shows_both(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Acceptance (reports): a correction of an approved report is revision 2; revision 1 counts until 2 is
    approved, then 2's figures replace it; the audit trail and the revisions show both."""
    lead, boss = await partner(api_key, "Drenthe College"), await coordinator(api_key)
    async with read_model(platform) as sessions:
        community_id = await community(sessions, members=[member(lead)])
    async with monitor(platform) as client:
        approved = await approved_report(client, lead, boss, community_id, students=120)
        report_id = approved.json()["report_id"]
        correcting = await client.post(
            f"/v1/reports/{report_id}/corrections",
            json={"reason": "Een dubbel getelde klas eruit gehaald", "figures": {"students": 95}},
            headers=lead.headers | {"If-Match": approved.headers["etag"]},
        )
        assert correcting.status_code == 200, correcting.text
        while_correcting = await students_counted(client)
        resubmitted = await step(client, lead.headers, correcting, "submit")
        corrected = await step(client, boss, resubmitted, "approve")
        after = await students_counted(client)
        trail = (await client.get(f"/v1/reports/{report_id}/history", headers=boss)).json()["data"]
    assert while_correcting == 120
    assert after == 95
    body = corrected.json()
    assert (body["revision"], body["approved_revision"], body["counted"]["students"]) == (2, 2, 95)
    revisions = [
        (revision["revision"], revision["state"], revision["figures"]["students"]) for revision in body["revisions"]
    ]
    assert revisions == [(1, "approved", 120), (2, "approved", 95)]
    assert body["revisions"][1]["correction_reason"] == "Een dubbel getelde klas eruit gehaald"
    assert [(entry["revision"], entry["change"]) for entry in trail] == [
        (1, "created"),
        (1, "submitted"),
        (1, "approved"),
        (2, "correction-started"),
        (2, "submitted"),
        (2, "approved"),
    ]
    assert trail[3]["changes"]["students"] == {"old": 120, "new": 95}
    assert trail[5]["changes"]["correction"] is True


async def test_a_returned_report_goes_back_with_its_reason_and_is_submitted_again(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """A coordinator returns a report with a reason; the partner edits and submits it again."""
    lead, boss = await partner(api_key, "Drenthe College"), await coordinator(api_key)
    async with read_model(platform) as sessions:
        community_id = await community(sessions, members=[member(lead)])
    async with monitor(platform) as client:
        submitted = await step(client, lead.headers, await create_report(client, lead.headers, community_id), "submit")
        returned = await step(client, boss, submitted, "return", reason="De bedragen ontbreken.")
        edited = await client.patch(
            f"/v1/reports/{submitted.json()['report_id']}",
            json={"figures": {"cofinancing_cash_eur": 25_000}},
            headers=lead.headers | {"If-Match": returned.headers["etag"]},
        )
        again = await step(client, lead.headers, edited, "submit")
    assert returned.json()["revisions"][0]["return_reason"] == "De bedragen ontbreken."
    assert edited.json()["revisions"][0]["figures"]["cofinancing_cash_eur"] == 25_000
    assert again.json()["state"] == "submitted"


async def test_a_tenfold_jump_is_a_warning_stored_for_the_reviewer_not_a_refusal(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Students from 30 in 2026-H1 to 300 in 2026-H2: submitted, with a `tenfold-rise` warning on the revision."""
    lead, boss = await partner(api_key, "Drenthe College"), await coordinator(api_key)
    async with read_model(platform) as sessions:
        community_id = await community(sessions, members=[member(lead)])
    clock = ManualClock(JANUARY_2027 - timedelta(days=150))  # mid-August 2026: 2026-H1's reports are due
    async with monitor(platform, clock) as client:
        await approved_report(client, lead, boss, community_id, period="2026-H1", students=30)
        clock.set(JANUARY_2027)
        created = await create_report(client, lead.headers, community_id, students=300)
        submitted = await step(client, lead.headers, created, "submit")
    assert submitted.status_code == 200, submitted.text
    (warning,) = submitted.json()["revisions"][0]["warnings"]
    assert (warning["field"], warning["code"], warning["previous"], warning["value"]) == (
        "students",
        "tenfold-rise",
        30,
        300,
    )


async def test_a_locked_period_refuses_a_partner_but_takes_a_coordinators_correction(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """After the close date a partner's new report or correction is a 409; a coordinator still corrects."""
    lead, boss = await partner(api_key, "Drenthe College"), await coordinator(api_key)
    clock = ManualClock(JANUARY_2027)
    async with read_model(platform) as sessions:
        community_id = await community(sessions, members=[member(lead)])
    async with monitor(platform, clock) as client:
        approved = await approved_report(client, lead, boss, community_id, students=10)
        clock.advance(timedelta(days=120))  # past 31 March 2027, when 2026-H2 closes
        late_new = await create_report(client, lead.headers, community_id, source="katapult")
        correction = {"reason": "Telling van de school", "figures": {"students": 12}}
        url = f"/v1/reports/{approved.json()['report_id']}/corrections"
        by_partner = await client.post(url, json=correction, headers=lead.headers | {"If-Match": '"3"'})
        by_coordinator = await client.post(url, json=correction, headers=boss | {"If-Match": '"3"'})
    assert_problem(late_new, 409)
    assert_problem(by_partner, 409)
    assert by_coordinator.status_code == 200, by_coordinator.text


async def test_changes_need_the_reports_current_etag(platform: PlatformSettings, api_key: IssueKey) -> None:
    """A stale If-Match is a 412 and changes nothing."""
    lead = await partner(api_key, "Drenthe College")
    async with read_model(platform) as sessions:
        community_id = await community(sessions, members=[member(lead)])
    async with monitor(platform) as client:
        created = await create_report(client, lead.headers, community_id, students=5)
        url = f"/v1/reports/{created.json()['report_id']}"
        first = await client.patch(url, json={"figures": {"students": 6}}, headers=lead.headers | {"If-Match": '"1"'})
        stale = await client.patch(url, json={"figures": {"students": 7}}, headers=lead.headers | {"If-Match": '"1"'})
        now = await client.get(url, headers=lead.headers)
    assert first.status_code == 200, first.text
    assert_problem(stale, 412)
    assert now.json()["revisions"][0]["figures"]["students"] == 6


async def test_bad_reports_are_4xx_problems_and_write_nothing(platform: PlatformSettings, api_key: IssueKey) -> None:
    """Negative figures, floats, unknown fields, an unknown period or community: 422 or 404, nothing stored."""
    lead = await partner(api_key, "Drenthe College")
    async with read_model(platform) as sessions:
        community_id = await community(sessions, members=[member(lead)])
    base = {"community_id": str(community_id), "period": "2026-H2"}
    bodies = [
        base | {"figures": {"students": -1}},
        base | {"figures": {"students": 1.5}},
        base | {"figures": {"students": "12"}},
        base | {"figures": {"pupils": 3}},
        base | {"period": "2099-H9"},
        base | {"period": "half-year"},
        base | {"extra": True},
        {"period": "2026-H2"},
    ]
    async with monitor(platform) as client:
        answers = [await client.post("/v1/reports", json=body, headers=lead.headers) for body in bodies]
        unknown = await client.post(
            "/v1/reports", json=base | {"community_id": "0b8c1f3e-7a63-4f4e-9a55-2f0d8b7c6e11"}, headers=lead.headers
        )
        anonymous = await client.post("/v1/reports", json=base)
    for answer in answers:
        assert_problem(answer, 422)
    assert_problem(unknown, 404)
    assert_problem(anonymous, 401)
    assert await fetch(platform, "monitor", "SELECT 1 FROM report") == []


async def test_a_retried_post_with_the_same_idempotency_key_makes_one_report(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """A lost answer retried under the same `Idempotency-Key` replays the first answer; no second report."""
    lead = await partner(api_key, "Drenthe College")
    async with read_model(platform) as sessions:
        community_id = await community(sessions, members=[member(lead)])
    body = {"community_id": str(community_id), "period": "2026-H2", "figures": {"students": 3}}
    headers = lead.headers | {"Idempotency-Key": "rapport-2026-h2-drenthe"}
    async with monitor(platform) as client:
        first = await client.post("/v1/reports", json=body, headers=headers)
        again = await client.post("/v1/reports", json=body, headers=headers)
    assert first.status_code == again.status_code == 201, again.text
    assert first.json()["report_id"] == again.json()["report_id"]
    assert len(await fetch(platform, "monitor", "SELECT 1 FROM report")) == 1


async def test_reports_download_as_csv_with_their_counted_figures_each_reader_their_own(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """A coordinator's CSV holds every report, a partner's only those it may report for; figures as counted."""
    lead, other, boss = (
        await partner(api_key, "Drenthe College"),
        await partner(api_key, "Albeda"),
        await coordinator(api_key),
    )
    async with read_model(platform) as sessions:
        mine = await community(sessions, members=[member(lead)], name="Energy College")
        theirs = await community(sessions, members=[member(other)], name="Haven Lab")
    async with monitor(platform) as client:
        await approved_report(client, lead, boss, mine, students=120)
        await approved_report(client, other, boss, theirs, students=45)
        everything = await client.get("/v1/reports.csv", params={"separator": "semicolon"}, headers=boss)
        own = await client.get("/v1/reports.csv", headers=lead.headers)
    assert everything.status_code == 200, everything.text
    lines = everything.text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("rapport_id;community_id;periode;bron;status")
    assert sorted(line.split(";")[1] for line in lines[1:]) == sorted([str(mine), str(theirs)])
    header = lines[0].split(";")
    students = {line.split(";")[1]: line.split(";")[header.index("geteld_students")] for line in lines[1:]}
    assert students == {str(mine): "120", str(theirs): "45"}
    assert [line.split(",")[1] for line in own.text.lstrip("\ufeff").splitlines()[1:]] == [str(mine)]
