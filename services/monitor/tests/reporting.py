"""Builders for the volgsysteem's tests: communities in the read model with their lead and editors (as the registry's
events put them there), keys for partners and coordinators, a monitor on a hand-set clock, and reports."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import httpx
from fastapi import FastAPI

from lcn_monitor.communities import service as communities
from lcn_monitor.main import create_app
from lcn_shared.auth import Role
from lcn_shared.clock import ManualClock
from lcn_shared.contracts.registry import CommunityMember
from lcn_shared.db import SessionFactory, create_engine, create_session_factory
from lcn_shared.settings import PlatformSettings, ServiceConfig
from lcn_shared.testing.fixtures import run_service, service_config
from services.monitor.tests.communities.builders import (
    apply,
    create_merged,
    create_registered,
    create_state,
    with_state,
)

IssueKey = Callable[..., Awaitable[str]]
# Early in 2027: 2026-H2 has ended, its reports are due by 28 February and it locks on 31 March.
JANUARY_2027 = datetime(2027, 1, 15, 10, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Partner:
    """A partner organisation and its key's Authorization header."""

    organisation_id: UUID
    name: str
    headers: dict[str, str]


async def partner(api_key: IssueKey, name: str) -> Partner:
    """A partner organisation with a key of its own."""
    organisation_id = uuid.uuid4()
    key = await api_key(Role.PARTNER, organisation_id=organisation_id, organisation_name=name)
    return Partner(organisation_id, name, {"Authorization": f"Bearer {key}"})


async def coordinator(api_key: IssueKey) -> dict[str, str]:
    """A coordinator's Authorization header."""
    return {"Authorization": f"Bearer {await api_key(Role.COORDINATOR)}"}


def member(organisation: Partner, role: str = "lead", *, can_edit: bool = False) -> CommunityMember:
    """The organisation as the registry's events carry it."""
    return CommunityMember.model_validate(
        {
            "organisation_id": organisation.organisation_id,
            "organisation_name": organisation.name,
            "organisation_type": "school-mbo",
            "role": role,
            "can_edit": can_edit,
        }
    )


@asynccontextmanager
async def read_model(platform: PlatformSettings) -> AsyncIterator[SessionFactory]:
    """Sessions on the test's monitor database, to project registry events as the consumer would."""
    engine = create_engine(platform.database_url_for("monitor"))
    try:
        yield create_session_factory(engine)
    finally:
        await engine.dispose()


async def community(
    sessions: SessionFactory,
    *,
    members: list[CommunityMember],
    name: str = "Energy College Emmen",
    landsdeel: str = "noord",
    kinds: tuple[str, ...] = ("civ",),
    topsectors: tuple[str, ...] = ("energie",),
    start_date: date | None = date(2019, 1, 1),
    status: str = "active",
) -> UUID:
    """A community registered in the read model with its members, as the registry's event puts it there."""
    province = {"noord": "drenthe", "oost": "gelderland", "zuidoost": "limburg", "zuidwest": "zeeland"}
    state = create_state(
        1,
        name=name,
        landsdeel=landsdeel,
        province=province.get(landsdeel, "utrecht"),
        kinds=list(kinds),
        topsectors=list(topsectors),
        primary_topsector=topsectors[0] if topsectors else None,
        members=members,
        start_date=start_date,
        status=status,
    )
    event = with_state(create_registered(name=name, landsdeel=landsdeel), state)
    await apply(sessions, communities.project_registered, event)
    return event.community_id  # type: ignore[attr-defined,no-any-return]


async def merge(sessions: SessionFactory, *, survivor_id: UUID, duplicate_id: UUID, version: int = 2) -> None:
    """The registry merged `duplicate_id` into `survivor_id`."""
    await apply(sessions, communities.project_merged, create_merged(survivor_id, duplicate_id, version))


def monitor_on(clock: ManualClock) -> Callable[[ServiceConfig], FastAPI]:
    """The monitor's app factory with its clock set (before the lifespan starts, so workers read it too)."""

    def factory(config: ServiceConfig) -> FastAPI:
        app = create_app(config)
        app.state.runtime.clock = clock
        return app

    return factory


@asynccontextmanager
async def monitor(
    platform: PlatformSettings, clock: ManualClock | None = None, **settings: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """A running monitor (on the clock given, or mid-January 2027), and a client for it."""
    factory = monitor_on(clock or ManualClock(JANUARY_2027))
    async with run_service(factory, service_config(platform, "monitor", **settings)) as (_, client):
        yield client


def figures(**values: int) -> dict[str, int]:
    """Reported figures."""
    return dict(values)


async def create_report(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    community_id: UUID,
    *,
    period: str = "2026-H2",
    source: str | None = None,
    **values: int,
) -> httpx.Response:
    """POST a draft report with figures."""
    body: dict[str, Any] = {"community_id": str(community_id), "period": period, "figures": values}
    if source is not None:
        body["source"] = source
    body["narrative"] = {"results": "Twaalf bedrijven leiden nu zelf studenten op.", "bottlenecks": "Roosters."}
    return await client.post("/v1/reports", json=body, headers=headers)


async def step(
    client: httpx.AsyncClient, headers: dict[str, str], report: httpx.Response, action: str, **body: Any
) -> httpx.Response:
    """POST a workflow step (`submit`, `approve`, `return`) with the report's ETag."""
    report_id = report.json()["report_id"]
    return await client.post(
        f"/v1/reports/{report_id}/{action}", json=body or None, headers=headers | {"If-Match": report.headers["etag"]}
    )


async def approved_report(
    client: httpx.AsyncClient,
    owner: Partner,
    coordinator_headers: dict[str, str],
    community_id: UUID,
    **values: Any,
) -> httpx.Response:
    """A report drafted and submitted by `owner`, approved by a coordinator."""
    created = await create_report(client, owner.headers, community_id, **values)
    assert created.status_code == 201, created.text
    submitted = await step(client, owner.headers, created, "submit")
    assert submitted.status_code == 200, submitted.text
    approved = await step(client, coordinator_headers, submitted, "approve")
    assert approved.status_code == 200, approved.text
    return approved
