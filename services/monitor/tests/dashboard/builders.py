"""A small network for the dashboard's tests: five communities in three landsdelen, two of them NGF PPS, with
approved reports for 2026-H1 and 2026-H2 (on time and late) and one community that never reports."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from lcn_shared.clock import ManualClock
from lcn_shared.settings import PlatformSettings
from services.monitor.tests.reporting import (
    JANUARY_2027,
    IssueKey,
    Partner,
    approved_report,
    community,
    coordinator,
    member,
    partner,
    read_model,
)

AUGUST_2026 = datetime(2026, 8, 14, 10, 0, tzinfo=UTC)  # 2026-H1's reports are due by 31 August
# After 2026-H2's deadline (28 February) and before it locks (31 March): a report now is late, a missing one noticed.
MARCH_2027 = datetime(2027, 3, 10, 10, 0, tzinfo=UTC)
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
# name, landsdeel, kinds, top sectors, and the figures of its 2026-H2 report (None: it does not report).
COMMUNITIES: list[tuple[str, str, tuple[str, ...], tuple[str, ...], dict[str, int] | None]] = [
    (
        "Energy College Emmen",
        "noord",
        ("civ",),
        ("energie",),
        {"companies": 14, "students": 120, "employees": 30, "teachers": 6, "cofinancing_cash_eur": 250_000},
    ),
    (
        "Groene Waterstof Lab",
        "noord",
        ("ecosystem-pps",),
        ("energie",),
        {"companies": 40, "students": 300, "employees": 80, "new_outputs": 5, "cofinancing_cash_eur": 1_200_000},
    ),
    (
        "Brainport Fieldlab",
        "zuidoost",
        ("high-impact-pps", "fieldlab"),
        ("htsm",),
        {"companies": 25, "students": 210, "employees": 40, "cofinancing_in_kind_eur": 2_500_000},
    ),
    ("Lerend Limburg", "zuidoost", ("learning-community",), ("lsh",), None),
    ("Haven Lab Rotterdam", "zuidwest", ("civ",), ("water-maritiem",), {"students": 45, "teachers": 4}),
]
LATE = "Haven Lab Rotterdam"  # reports after the deadline


@dataclass(frozen=True)
class Network:
    """Who the tests act as, and the communities by name."""

    lead: Partner
    coordinator: dict[str, str]
    communities: dict[str, Any]


async def seed_network(
    platform: PlatformSettings, api_key: IssueKey, client: httpx.AsyncClient, clock: ManualClock
) -> Network:
    """The communities in the read model and their reports approved, the clock left in March 2027."""
    lead, boss = await partner(api_key, "Drenthe College"), await coordinator(api_key)
    ids: dict[str, Any] = {}
    async with read_model(platform) as sessions:
        for name, landsdeel, kinds, topsectors, _ in COMMUNITIES:
            ids[name] = await community(
                sessions, members=[member(lead)], name=name, landsdeel=landsdeel, kinds=kinds, topsectors=topsectors
            )
    clock.set(AUGUST_2026)
    await approved_report(client, lead, boss, ids["Energy College Emmen"], period="2026-H1", students=80, companies=9)
    clock.set(JANUARY_2027)
    for name, *_, values in COMMUNITIES:
        if values is not None and name != LATE:
            await approved_report(client, lead, boss, ids[name], **values)
    clock.set(MARCH_2027)
    late_values = next(values for name, *_, values in COMMUNITIES if name == LATE)
    await approved_report(client, lead, boss, ids[LATE], **(late_values or {}))
    return Network(lead, boss, ids)


async def sign_in(client: httpx.AsyncClient, key: str, next_path: str = "/dashboard") -> httpx.Response:
    """Open the sign-in page and post its form with `key`; the client keeps the session cookie."""
    page = await client.get("/sign-in", params={"next": next_path})
    found = TOKEN.search(page.text)
    assert found is not None, page.text
    return await client.post("/sign-in", data={"api_key": key, "csrf_token": found.group(1), "next": next_path})
