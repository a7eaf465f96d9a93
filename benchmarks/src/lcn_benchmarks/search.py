"""Search benchmark: a seeded mix of filtered searches over HTTP against a running registry."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Sequence
from typing import Any

import httpx

from lcn_benchmarks.load import percentiles
from lcn_registry.search.synthetic import FEED_SOURCES, seeded_id
from lcn_shared.contracts.vocabulary import LANDSDEEL_OF_PROVINCE, CommunityKind, Topsector

QueryList = list[tuple[str, str | int | float | bool | None]]


def search_params(rng: random.Random, *, partner_ids: Sequence[uuid.UUID], feed_sources: Sequence[str]) -> QueryList:
    """One realistic search: one to three filters, sometimes text, sometimes facets, a sort."""
    choices: list[tuple[str, Any]] = [
        ("landsdeel", lambda: rng.choice(list(LANDSDEEL_OF_PROVINCE.values())).value),
        ("topsector", lambda: rng.choice(list(Topsector)).value),
        ("kind", lambda: rng.choice(list(CommunityKind)).value),
        ("status", lambda: rng.choice(("active", "planned", "ended"))),
        ("q", lambda: rng.choice(("energie", "scholen", "duurzaam", "zorg", "fieldlab", "robot", "Eindhoven"))),
        ("partner", lambda: str(rng.choice(partner_ids)) if partner_ids else str(uuid.uuid4())),
        ("source", lambda: rng.choice(feed_sources)),
    ]
    params: QueryList = [(name, make()) for name, make in rng.sample(choices, rng.randint(1, 3))]
    if rng.random() < 0.3:  # OR within a field
        params.append(("topsector", rng.choice(list(Topsector)).value))
    if rng.random() < 0.3:
        params.append(("facets", "true"))
    if rng.random() < 0.5:
        params.append(("sort", rng.choice(("name", "-name", "-updated_at", "created_at"))))
    params.append(("limit", str(rng.choice((20, 50, 50, 100)))))
    return params


async def _timed_get(client: httpx.AsyncClient, params: QueryList) -> tuple[float, httpx.Response]:
    """Issue one search and measure its latency in milliseconds."""
    started = time.perf_counter()
    response = await client.get("/v1/communities", params=params)
    return (time.perf_counter() - started) * 1000, response


def _kind(params: QueryList) -> str:
    """Which kind of search a request is, for the per-kind percentiles."""
    names = {name for name, _ in params}
    if "cursor" in names:
        return "page_2"
    if "facets" in names:
        return "facets"
    return "text" if "q" in names else "filters"


async def measure_search(
    base_url: str,
    *,
    requests: int,
    concurrency: int,
    seed: int = 11,
    warmup_requests: int = 20,
    partner_ids: Sequence[uuid.UUID] = (),
    feed_sources: Sequence[str] = FEED_SOURCES,
) -> dict[str, Any]:
    """Issue `requests` searches over `concurrency` connections and report latency percentiles (ms).

    Each search has one to three seeded random filters (landsdeel, topsector, kind, status, text `q`,
    partner, feed source), OR within topsector at times, facets on 30%, a sort on half; when a page has
    a `next_cursor`, the following request fetches page 2 with it. A warm-up is sent first, unmeasured.
    `partner_ids` and `feed_sources` default to those `seed_search_data` creates: each must be known to the
    registry (an unknown one is a 422).
    """
    rng = random.Random(seed)
    partners = list(partner_ids) or [seeded_id("organisation", 7, index) for index in range(20)]
    latencies: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    budget = warmup_requests + requests

    def record(params: QueryList, latency: float, response: httpx.Response | None, error: str) -> None:
        if response is not None and response.status_code == 200:
            latencies.setdefault(_kind(params), []).append(latency)
        else:
            errors[error] = errors.get(error, 0) + 1

    async def search(client: httpx.AsyncClient, params: QueryList) -> httpx.Response | None:
        nonlocal budget
        budget -= 1
        measured = budget < requests  # the first `warmup_requests` issued are not
        try:
            latency, response = await _timed_get(client, params)
        except httpx.HTTPError as exc:
            if measured:
                record(params, 0.0, None, type(exc).__name__)
            return None
        if measured:
            record(params, latency, response, f"HTTP {response.status_code}")
        return response

    async def worker(client: httpx.AsyncClient) -> None:
        while budget > 0:
            params = search_params(rng, partner_ids=partners, feed_sources=feed_sources)
            response = await search(client, params)
            cursor = response.json().get("next_cursor") if response and response.status_code == 200 else None
            if cursor and budget > 0:
                await search(
                    client, [(name, value) for name, value in params if name != "facets"] + [("cursor", cursor)]
                )

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, timeout=30.0, limits=limits) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return _report(latencies, errors, elapsed=elapsed, concurrency=concurrency, warmup_requests=warmup_requests)


def _report(
    latencies: dict[str, list[float]], errors: dict[str, int], *, elapsed: float, concurrency: int, warmup_requests: int
) -> dict[str, Any]:
    """Percentiles over every measured request and per kind of search, with errors and throughput."""
    every = [latency for kind in latencies.values() for latency in kind]
    stats = percentiles(every)
    issued = len(every) + sum(errors.values())
    return {
        "requests": issued,
        "count": stats.get("count", 0),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "p50_ms": stats.get("p50"),
        "p95_ms": stats.get("p95"),
        "p99_ms": stats.get("p99"),
        "max_ms": stats.get("max"),
        "latency_ms": stats,
        "latency_ms_by_kind": {kind: percentiles(values) for kind, values in sorted(latencies.items())},
        # Filtered searches proper (filters, text, page 2) apart from the heavier facet counts.
        "latency_ms_without_facets": percentiles(
            [latency for kind, values in latencies.items() if kind != "facets" for latency in values]
        ),
        "concurrency": concurrency,
        "warmup_requests": warmup_requests,
        "throughput_rps": round(issued / elapsed, 1) if elapsed else 0.0,
    }
