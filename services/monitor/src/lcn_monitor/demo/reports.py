"""The demo's reports: half-year files, the partners' own reports, decisions and a correction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lcn_monitor.demo.api import Caller, DemoLoadError, each
from lcn_monitor.demo.plan import H1, H2, Community, Plan, first_figures, narrative, row

SOURCE = "katapult"
DIRECT = "direct"
RETURN_REASON = (
    "De cofinanciering in natura is niet onderbouwd: geef per bedrijf de ingebrachte uren of middelen op en lever "
    "de rapportage opnieuw aan."
)
CORRECTION_REASON = (
    "Werkenden die in dezelfde periode ook als student meetelden, stonden dubbel in de levering van Katapult; het "
    "aantal werkenden is gecorrigeerd."
)
Reports = dict[str, dict[str, Any]]


def _summary(report: Mapping[str, Any]) -> dict[str, Any]:
    """What the loader keeps of a report: its id, community, state and revision."""
    keys = ("report_id", "community_id", "state", "revision")
    return {key: str(report[key]) if key != "revision" else int(report[key]) for key in keys}


async def reports_of(coordinator: Caller, period: str, source: str) -> Reports:
    """The source's reports for the period, by the community id they were made on."""
    listed = await coordinator.pages("/v1/reports", period=period, source=source, limit=500)
    return {str(report["community_id"]): _summary(report) for report in listed}


async def deliver(caller: Caller, rows: list[dict[str, Any]], *, source: str | None = None) -> Reports:
    """Deliver the rows in one request (a feed key delivers as its own source); the reports they added."""
    if not rows:
        return {}
    params = {"source": source} if source else None
    answer = (await caller.post("/v1/reports/deliveries", rows, params=params)).json()
    rejected = [result for result in answer["results"] if result["outcome"] == "rejected"]
    if rejected:
        raise DemoLoadError(f"the monitor rejected {len(rejected)} demo report rows, such as {rejected[0]}")
    return {
        str(result["community_id"]): {
            "report_id": str(result["report_id"]),
            "community_id": str(result["community_id"]),
            "state": "submitted",
            "revision": 1,
        }
        for result in answer["results"]
    }


async def decide(coordinator: Caller, report: Mapping[str, Any], decision: str) -> None:
    """Approve or return a submitted report (or leave it submitted) as the coordinator."""
    if decision == "leave" or report["state"] != "submitted":
        return
    path = f"/v1/reports/{report['report_id']}"
    etag = (await coordinator.get(path)).headers["etag"]
    if decision == "approve":
        await coordinator.post(f"{path}/approve", etag=etag)
    else:
        await coordinator.post(f"{path}/return", {"reason": RETURN_REASON}, etag=etag)


async def report_first_half(coordinator: Caller, plan: Plan) -> None:
    """2026-H1 (locked): the programme office's figures entered late by a coordinator, approved, one corrected."""
    found = await reports_of(coordinator, H1, SOURCE)
    rows = [row(c, H1, first_figures(c)) for c in plan.first if c.community_id not in found]
    found |= await deliver(coordinator, rows, source=SOURCE)
    planned = [found[c.community_id] for c in plan.first if c.community_id in found]
    await each([report for report in planned if report["revision"] == 1], lambda r: decide(coordinator, r, "approve"))
    if plan.corrected is not None and plan.corrected.community_id in found:
        await correct(coordinator, found[plan.corrected.community_id]["report_id"], plan.corrected)


async def correct(coordinator: Caller, report_id: str, community: Community) -> None:
    """Correct the approved report's employees with a reason, then submit and approve the correction."""
    path = f"/v1/reports/{report_id}"
    response = await coordinator.get(path)
    report = response.json()
    if report["revision"] == 1:
        if report["state"] != "approved":
            return
        employees = first_figures(community)["employees"]
        body = {"reason": CORRECTION_REASON, "figures": {"employees": max(1, employees * 2 // 3)}}
        response = await coordinator.post(f"{path}/corrections", body, etag=response.headers["etag"])
        report = response.json()
    while report["state"] in ("draft", "submitted"):
        step = "submit" if report["state"] == "draft" else "approve"
        response = await coordinator.post(f"{path}/{step}", etag=response.headers["etag"])
        report = response.json()


async def report_second_half(coordinator: Caller, feed: Caller, partners: Mapping[str, Caller], plan: Plan) -> None:
    """2026-H2 (open): Katapult's file, the demo partners' own reports, then the coordinator's decisions."""
    found = await reports_of(coordinator, H2, SOURCE)
    rows = [row(c, H2, plan.second_figures_of(c)) for c in plan.second if c.community_id not in found]
    found |= await deliver(feed, rows)
    direct = await reports_of(coordinator, H2, DIRECT)
    for community in plan.direct:
        lead = partners[min(community.leads & set(partners))]
        direct[community.community_id] = await partner_report(lead, community, plan, direct.get(community.community_id))
    decisions = [
        (reports[c.community_id], plan.decision(c))
        for reports, communities in ((found, plan.second), (direct, plan.direct))
        for c in communities
        if c.community_id in reports and reports[c.community_id]["revision"] == 1
    ]
    await each(decisions, lambda pair: decide(coordinator, *pair))


async def partner_report(
    partner: Caller, community: Community, plan: Plan, found: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The lead partner's own 2026-H2 report: drafted and submitted with its key (unless it is further already)."""
    if found is not None and found["state"] != "draft":
        return dict(found)
    if found is None:
        body = {
            "community_id": community.community_id,
            "period": H2,
            "figures": plan.second_figures_of(community),
            "narrative": narrative(community),
        }
        response = await partner.post("/v1/reports", body)
    else:
        response = await partner.get(f"/v1/reports/{found['report_id']}")
    report_id = response.json()["report_id"]
    submitted = await partner.post(f"/v1/reports/{report_id}/submit", etag=response.headers["etag"])
    return _summary(submitted.json())
