"""`lcn bench events`: issue 10's speed targets of the events service. The network's ICS feed and the year view
with 2,000 published events, and registrations under concurrent load without overselling.

Runs on infrastructure it starts itself (embedded durable PostgreSQL and Tansu, or `DATABASE_URL` /
`KAFKA_BOOTSTRAP_SERVERS` under unique prefixes), with the events service as a uvicorn subprocess on a free port,
loaded and measured over HTTP as users reach it. The numbers go to a Markdown report and a JSON file
(`events_report`).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from rich.console import Console

from lcn_benchmarks.events_data import event_bodies, mix_of, registration_body
from lcn_benchmarks.events_report import print_summary, write_report
from lcn_benchmarks.latency import measure_get
from lcn_benchmarks.load import ServiceProcess, percentiles, start_service, wait_ready
from lcn_benchmarks.meter import Meter
from lcn_benchmarks.pipeline import Infrastructure, benchmark_infrastructure, run_sync
from lcn_shared.auth.keys import Role, create_key
from lcn_shared.db import create_engine, create_session_factory, unit_of_work
from lcn_shared.migrations import migrate
from lcn_shared.settings import IDENTITY

YEAR = 2027
LOAD_IN_FLIGHT = 8
WARMUP = 20
TIMEOUT_SECONDS = 60.0
SETTINGS = ("fsync", "synchronous_commit", "shared_buffers", "work_mem", "jit", "max_parallel_workers_per_gather")
OVERBOOKED = 1.5  # registrations per place: every measured event fills and gets a waiting list
CONFIRMED = (
    "SELECT e.event_id, e.capacity, count(*) FILTER (WHERE r.status = 'confirmed') AS confirmed, "
    "count(*) FILTER (WHERE r.status = 'waitlisted') AS waitlisted, count(r.*) AS registrations "
    "FROM event e LEFT JOIN registration r USING (event_id) WHERE e.event_id = ANY($1::uuid[]) "
    "GROUP BY e.event_id, e.capacity"
)


def run_events_benchmark(
    *,
    output_dir: Path,
    events: int = 2_000,
    feed_requests: int = 300,
    year_requests: int = 300,
    changed_requests: int = 20,
    concurrency: Sequence[int] = (1, 2),
    registration_events: int = 20,
    clients_per_core: int = 2,
    progress: bool = True,
) -> Path:
    """Load the calendar, measure the feed, the year view and registrations; write the report."""
    console = Console(quiet=not progress)
    started_at = datetime.now(UTC)
    cores = len(os.sched_getaffinity(0))
    parameters: dict[str, Any] = {
        "events": events,
        "year": YEAR,
        "load_in_flight": LOAD_IN_FLIGHT,
        "feed_requests": feed_requests,
        "year_requests": year_requests,
        "changed_requests": changed_requests,
        "warmup_requests": WARMUP,
        "concurrency": list(concurrency),
        "registration_events": registration_events,
        "registrations_per_place": OVERBOOKED,
        "registration_clients": clients_per_core * cores,
    }
    with tempfile.TemporaryDirectory(prefix="lcn-bench-events-", ignore_cleanup_errors=True) as temporary:
        workdir = Path(temporary)
        with benchmark_infrastructure(workdir, console) as infra:
            for owner in (IDENTITY, "events"):
                migrate(owner, infra.platform)
            infra.description.update(run_sync(_settings(infra)))
            parameters["kafka_partitions"] = infra.platform.kafka_partitions
            measured = _measure(infra, workdir, parameters, console)
    run = {"benchmark": "events", "started_at": started_at.isoformat(timespec="seconds")}
    results = run | {"infrastructure": infra.description, "parameters": parameters, **measured}
    markdown = write_report(results, output_dir, started_at)
    print_summary(console, results, markdown)
    return markdown


def _measure(infra: Infrastructure, workdir: Path, parameters: dict[str, Any], console: Console) -> dict[str, Any]:
    """The calendar loaded through the API, then the reads, then the registrations (whose writes come last)."""
    key = run_sync(_conference_team_key(infra))
    bodies = event_bodies(parameters["events"], year=parameters["year"])
    env = infra.service_env() | {"LCN_EVENTS_WORKERS_ENABLED": "false"}
    with ExitStack() as stack:
        service = start_service(stack, "events", "lcn_events.main:create_app", env, workdir)
        run_sync(wait_ready(service, "/health/ready"))
        roots = {**infra.pids, "events": service.process.pid}
        console.log(f"creating and publishing {len(bodies):,} events through the API")
        setup, created = run_sync(_load_calendar(service, key, bodies))
        setup["mix"] = mix_of(bodies)
        return {"setup": setup, **run_sync(_measure_all(service, infra, key, roots, parameters, created, console))}


async def _measure_all(
    service: ServiceProcess,
    infra: Infrastructure,
    key: str,
    roots: dict[str, int | None],
    parameters: dict[str, Any],
    created: list[tuple[str, dict[str, Any]]],
    console: Console,
) -> dict[str, Any]:
    """The feed (polls, then after a change), the year view, the registrations."""
    feed: dict[str, Any] = {}
    year_view: dict[str, Any] = {}
    year_path = f"/v1/calendar/{parameters['year']}"
    for concurrency in parameters["concurrency"]:
        console.log(f"GET /v1/calendar.ics, {concurrency} in flight")
        feed[str(concurrency)] = await _timed(
            service, "/v1/calendar.ics", roots, parameters["feed_requests"], concurrency
        )
        console.log(f"GET {year_path}, {concurrency} in flight")
        year_view[str(concurrency)] = await _timed(service, year_path, roots, parameters["year_requests"], concurrency)
    console.log("GET /v1/calendar.ics after a change before each")
    changed = await _timed(
        service, "/v1/calendar.ics", roots, parameters["changed_requests"], 1, change=(key, created[0][0])
    )
    console.log(f"GET {year_path} after a change before each")
    year_changed = await _timed(
        service, year_path, roots, parameters["changed_requests"], 1, change=(key, created[0][0])
    )
    async with httpx.AsyncClient(base_url=service.url, timeout=TIMEOUT_SECONDS) as client:
        facts = {
            "feed_bytes": len((await client.get("/v1/calendar.ics")).content),
            "feed_events": (await client.get("/v1/calendar.ics")).text.count("BEGIN:VEVENT"),
            "year_entries": sum(len(m["occurrences"]) for m in (await client.get(year_path)).json()["months"]),
        }
    console.log("registrations, flat out")
    registrations = await _register(service, infra, roots, parameters, created)
    return {
        "feed": {"path": "/v1/calendar.ics", "by_concurrency": feed, "after_every_change": changed},
        "year_view": {"path": year_path, "by_concurrency": year_view, "after_every_change": year_changed},
        "facts": facts,
        "registrations": registrations,
    }


async def _settings(infra: Infrastructure) -> dict[str, Any]:
    """PostgreSQL's version and the settings that decide commits and query plans."""
    conn = await asyncpg.connect(infra.dsn("events"))
    try:
        rows = await conn.fetch("SELECT name, setting FROM pg_settings WHERE name = ANY($1::text[])", list(SETTINGS))
        return {row["name"]: row["setting"] for row in rows} | {
            "postgres_version": await conn.fetchval("SHOW server_version")
        }
    finally:
        await conn.close()


async def _conference_team_key(infra: Infrastructure) -> str:
    """A conference-team key in the identity store, as `lcn keys create` would make it."""
    engine = create_engine(infra.platform.database_url_for(IDENTITY), pool_size=1)
    try:
        async with unit_of_work(create_session_factory(engine)) as session:
            return await create_key(session, role=Role.CONFERENCE_TEAM, organisation_name="Benchmark")
    finally:
        await engine.dispose()


async def _load_calendar(
    service: ServiceProcess, key: str, bodies: list[dict[str, Any]]
) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]]]:
    """Create and publish every event, a few at a time; the events' ids with their bodies."""
    headers = {"Authorization": f"Bearer {key}"}
    gate = asyncio.Semaphore(LOAD_IN_FLIGHT)
    limits = httpx.Limits(max_connections=LOAD_IN_FLIGHT)
    async with httpx.AsyncClient(
        base_url=service.url, headers=headers, timeout=TIMEOUT_SECONDS, limits=limits
    ) as client:

        async def one(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
            async with gate:
                answer = await client.post("/v1/events", json=body)
                if answer.status_code != 201:
                    raise RuntimeError(f"POST /v1/events: {answer.status_code} {answer.text[:500]}")
                event_id = answer.json()["event_id"]
                published = await client.post(
                    f"/v1/events/{event_id}/publish", headers={"If-Match": answer.headers["etag"]}
                )
                if published.status_code != 200:
                    raise RuntimeError(f"publish: {published.status_code} {published.text[:500]}")
                return event_id, body

        started = time.perf_counter()
        created = list(await asyncio.gather(*(one(body) for body in bodies)))
        seconds = time.perf_counter() - started
    return {"events": len(created), "load_seconds": round(seconds, 2)}, created


async def _timed(
    service: ServiceProcess,
    path: str,
    roots: dict[str, int | None],
    requests: int,
    concurrency: int,
    *,
    change: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """One latency measurement with each process's CPU; with `change` (a key and an event), that event's description
    is changed through the API before every request (untimed), so each request meets the feed changed."""
    meter = Meter(roots)
    client = httpx.AsyncClient(base_url=service.url, timeout=TIMEOUT_SECONDS)
    turn = 0

    async def changed() -> None:
        nonlocal turn
        assert change is not None, "only with a change"
        key, event_id = change
        headers = {"Authorization": f"Bearer {key}"}
        current = await client.get(f"/v1/events/{event_id}", headers=headers)
        turn += 1
        patch = {"description": f"Gewijzigd ({turn})."}
        headers |= {"If-Match": current.headers["etag"], "Content-Type": "application/merge-patch+json"}
        answer = await client.patch(f"/v1/events/{event_id}", json=patch, headers=headers)
        if answer.status_code != 200:
            raise RuntimeError(f"PATCH: {answer.status_code} {answer.text[:500]}")

    meter.start()
    try:
        measured = await measure_get(
            service.url,
            path,
            params={},
            requests=requests,
            concurrency=concurrency,
            warmup=0 if change is not None else min(WARMUP, requests),
            before=changed if change is not None else None,
        )
    finally:
        await client.aclose()
    return measured | {"cpu_seconds": meter.stop(), "other_processes": meter.others}


async def _register(
    service: ServiceProcess,
    infra: Infrastructure,
    roots: dict[str, int | None],
    parameters: dict[str, Any],
    created: list[tuple[str, dict[str, Any]]],
) -> dict[str, Any]:
    """Registrations for the first events with places (single events), `registrations_per_place` for each place,
    sent flat out by the clients interleaved over the events; then the confirmed counted against the places."""
    chosen = [(event_id, body["capacity"]) for event_id, body in created if "capacity" in body]
    chosen = chosen[: parameters["registration_events"]]
    planned = [
        (event_id, number)
        for event_id, capacity in chosen
        for number in range(round(capacity * parameters["registrations_per_place"]))
    ]
    planned.sort(key=lambda item: item[1])  # interleaved: every event is hot at once
    clients = parameters["registration_clients"]
    statuses: Counter[str] = Counter()
    latencies: list[float] = []
    queue = iter(enumerate(planned))
    meter = Meter(roots)
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=service.url, timeout=TIMEOUT_SECONDS, limits=limits) as client:

        async def worker() -> None:
            for number, (event_id, _) in queue:
                started = time.perf_counter()
                try:
                    answer = await client.post(f"/v1/events/{event_id}/registrations", json=registration_body(number))
                except httpx.HTTPError as exc:
                    statuses[type(exc).__name__] += 1
                    continue
                if answer.status_code == 201:
                    latencies.append((time.perf_counter() - started) * 1000)
                    statuses[answer.json()["status"]] += 1
                else:
                    statuses[f"HTTP {answer.status_code}"] += 1

        meter.start()
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        seconds = time.perf_counter() - started
        cpu = meter.stop()
    places = await _places(infra, [event_id for event_id, _ in chosen])
    taken = sum(statuses[status] for status in ("confirmed", "waitlisted", "pending"))
    return {
        "events": len(chosen),
        "places": sum(capacity for _, capacity in chosen),
        "requests": len(planned),
        "clients": clients,
        "seconds": round(seconds, 2),
        "registrations_per_second": round(taken / seconds, 1) if seconds > 0 else 0.0,
        "statuses": dict(statuses),
        "errors": len(planned) - taken,
        "latency_ms": percentiles(latencies),
        "oversold_events": sum(place["confirmed"] > place["capacity"] for place in places),
        "unfilled_events": sum(place["confirmed"] < place["capacity"] for place in places),
        "confirmed_in_database": sum(place["confirmed"] for place in places),
        "waitlisted_in_database": sum(place["waitlisted"] for place in places),
        "per_event": places,
        "cpu_seconds": cpu,
        "other_processes": meter.others,
    }


async def _places(infra: Infrastructure, event_ids: list[str]) -> list[dict[str, Any]]:
    """Per measured event: its places, and the confirmed and waiting registrations the database holds."""
    conn = await asyncpg.connect(infra.dsn("events"))
    try:
        rows = await conn.fetch(CONFIRMED, event_ids)
    finally:
        await conn.close()
    return [
        {
            "event_id": str(row["event_id"]),
            "capacity": row["capacity"],
            "confirmed": row["confirmed"],
            "waitlisted": row["waitlisted"],
        }
        for row in rows
    ]
