"""The monitor's demo data for `lcn dev`, loaded through the monitor's and the registry's APIs."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

import httpx

from lcn_monitor.demo.api import Caller, DemoLoadError, checked
from lcn_monitor.demo.plan import H1, H2, Community, Plan, make_plan, merge_pair
from lcn_monitor.demo.practices import PILOT_PRACTICES, PracticeSpec
from lcn_monitor.demo.reports import SOURCE, report_first_half, report_second_half

READ_MODEL_TIMEOUT_SECONDS = 120.0
CONFLICT_TIMEOUT_SECONDS = 60.0
POLL_SECONDS = 0.2
PILOT_NAMES = frozenset(spec.community for spec in PILOT_PRACTICES)


async def load(services: dict[str, str], credentials: dict[str, Any]) -> str:
    """Load the monitor's demo data; return a one-line summary."""
    async with (
        httpx.AsyncClient(base_url=services["monitor"], timeout=120) as monitor,
        httpx.AsyncClient(base_url=services["registry"], timeout=120) as registry,
    ):
        coordinator = Caller(monitor, credentials["coordinator"])
        feed = Caller(monitor, next(f["key"] for f in credentials["feeds"] if f["source"] == SOURCE))
        partners = {str(p["organisation_id"]): Caller(monitor, p["key"]) for p in credentials["partners"]}
        await wait_for_read_model(registry, monitor)
        communities = await read_model(monitor)
        plan = make_plan(communities, partners=set(partners))
        await report_first_half(coordinator, plan)
        await require_reports(coordinator, H1)
        await report_second_half(coordinator, feed, partners, plan)
        await merge_reported_pair(Caller(registry, credentials["coordinator"]), coordinator, plan)
        practices = await write_practices(coordinator, partners, communities)
        return await summary(coordinator, practices)


async def wait_for_read_model(registry: httpx.AsyncClient, monitor: httpx.AsyncClient) -> None:
    """Block until the monitor's read model holds as many communities as the registry lists."""
    deadline = time.monotonic() + READ_MODEL_TIMEOUT_SECONDS
    while True:
        total = checked(await registry.get("/v1/communities", params={"limit": 1})).json()["total"]
        count = checked(await monitor.get("/v1/communities", params={"limit": 1})).json()["count"]
        if count == total:
            return
        if time.monotonic() > deadline:
            raise DemoLoadError(
                f"the monitor holds {count} communities, the registry lists {total}, after "
                f"{READ_MODEL_TIMEOUT_SECONDS:.0f}s; is the monitor's consumer running?"
            )
        await asyncio.sleep(POLL_SECONDS)


async def read_model(monitor: httpx.AsyncClient) -> list[Community]:
    """Every community of the monitor's read model (merged-away ids are not listed)."""
    rows: list[dict[str, Any]] = []
    while True:
        page = checked(await monitor.get("/v1/communities", params={"limit": 500, "offset": len(rows)})).json()
        rows += page["data"]
        if not page["data"] or len(rows) >= page["count"]:
            return [Community.from_api(row) for row in rows]


async def require_reports(coordinator: Caller, period: str) -> None:
    """Mark the period required, so completeness and `report.overdue` count its late and missing reports."""
    response = await coordinator.get(f"/v1/periods/{period}")
    if response.json()["reports_required"]:
        return
    patched = await coordinator.client.patch(
        f"/v1/periods/{period}",
        json={"reports_required": True},
        headers=coordinator.headers(response.headers["etag"]) | {"Content-Type": "application/merge-patch+json"},
    )
    checked(patched)


async def merge_reported_pair(registry: Caller, coordinator: Caller, plan: Plan) -> None:
    """Merge two reported communities of one landsdeel in the registry (unless done) and await the conflict."""
    if not any(_merged(conflict) for conflict in await _conflicts(coordinator)):
        pair = merge_pair(plan.merge_candidates(avoid=PILOT_NAMES))
        if pair is None:
            return
        survivor, duplicate = pair
        body = {"duplicate_id": duplicate.community_id}
        merged = await registry.client.post(
            f"/v1/communities/{survivor.community_id}/merges", json=body, headers=registry.headers()
        )
        checked(merged, 200, 409)  # 409: merged already
    deadline = time.monotonic() + CONFLICT_TIMEOUT_SECONDS
    while not any(_merged(conflict) for conflict in await _conflicts(coordinator)):
        if time.monotonic() > deadline:
            raise DemoLoadError(f"the monitor listed no conflict of the merged pair after {CONFLICT_TIMEOUT_SECONDS}s")
        await asyncio.sleep(POLL_SECONDS)


async def _conflicts(coordinator: Caller) -> list[dict[str, Any]]:
    """The monitor's conflicts of 2026-H2."""
    data: list[dict[str, Any]] = (await coordinator.get("/v1/conflicts", period=H2)).json()["data"]
    return data


def _merged(conflict: dict[str, Any]) -> bool:
    """A conflict a merge made: one of its reports was made on a merged-away id."""
    return any(report["reported_on"] != conflict["community_id"] for report in conflict["reports"])


async def write_practices(
    coordinator: Caller, partners: dict[str, Caller], communities: list[Community]
) -> list[dict[str, Any]]:
    """One practice per pilot (by its demo lead's key, if any) unless it has it, curated: three featured."""
    by_name = {community.name: community for community in communities}
    existing = await coordinator.pages("/v1/practices", limit=200)
    have = {(practice["survivor_id"], practice["title"]) for practice in existing}
    for spec in PILOT_PRACTICES:
        community = by_name.get(spec.community)
        if community is None or (community.community_id, spec.title) in have:
            continue
        leads = sorted(community.leads & set(partners))
        writer = partners[leads[0]] if leads else coordinator
        await writer.post("/v1/practices", _practice_body(spec, community))
    specs = {spec.title: spec for spec in PILOT_PRACTICES}
    ours = [p for p in await coordinator.pages("/v1/practices", limit=200) if p["title"] in specs]
    for practice in ours:
        if practice["curation"] == "submitted":
            state = "featured" if specs[practice["title"]].featured else "published"
            curated = await coordinator.post(
                f"/v1/practices/{practice['practice_id']}/curation", {"state": state}, etag=f'"{practice["version"]}"'
            )
            practice.update(curated.json())
    return ours


def _practice_body(spec: PracticeSpec, community: Community) -> dict[str, Any]:
    """The practice as `POST /v1/practices` takes it."""
    return {
        "community_id": community.community_id,
        "title": spec.title,
        "summary": spec.summary,
        "problem_categories": spec.problem_categories.split(),
        "success_factors": spec.success_factors.split(),
        "learning_functions": spec.learning_functions.split(),
        "target_groups": spec.target_groups.split(),
        "lessons_learned": spec.lessons_learned,
        "indicator_keys": spec.indicator_keys.split(),
    }


async def summary(coordinator: Caller, practices: list[dict[str, Any]]) -> str:
    """What the monitor holds now, in one line."""
    parts = []
    states: Counter[str] = Counter()
    for period in (H1, H2):
        reports = await coordinator.pages("/v1/reports", period=period, limit=500)
        states.update(report["state"] for report in reports)
        notes = [f"{len(reports)} reports"]
        if corrected := sum(report["revision"] > 1 for report in reports):
            notes.append(f"{corrected} corrected")
        if warned := sum(report["warnings"] > 0 for report in reports):
            notes.append(f"{warned} with a plausibility warning")
        parts.append(f"{period}: {', '.join(notes)}")
    decided = ", ".join(f"{count} {state}" for state, count in sorted(states.items()))
    conflicts = len(await _conflicts(coordinator))
    curated = Counter(practice["curation"] for practice in practices)
    return (
        f"{'; '.join(parts)} ({decided}); {conflicts} conflict{'' if conflicts == 1 else 's'} after a merge; "
        f"{len(practices)} good practices of the pilots ({curated['published']} published, "
        f"{curated['featured']} featured)"
    )
