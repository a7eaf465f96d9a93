"""Closed-loop latency of one GET over HTTP: a warm-up left out, then `requests` with `concurrency` in flight."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from lcn_benchmarks.load import percentiles

TIMEOUT_SECONDS = 60.0


async def measure_get(
    base_url: str,
    path: str,
    *,
    params: dict[str, str],
    requests: int,
    concurrency: int,
    warmup: int,
    before: Callable[[], Awaitable[None]] | None = None,
) -> dict[str, Any]:
    """Latency percentiles (ms, as the client sees them), errors and throughput of `requests` GETs of `path`, each
    client sending its next request when the last one answered; `warmup` requests go first and are not counted;
    `before` runs ahead of each request, untimed (a change the request must then see)."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, timeout=TIMEOUT_SECONDS, limits=limits) as client:
        await _run(client, path, params, warmup, concurrency, before)
        started = time.perf_counter()
        latencies, errors, sizes = await _run(client, path, params, requests, concurrency, before)
        elapsed = time.perf_counter() - started
    return {
        "requests": requests,
        "warmup_requests": warmup,
        "concurrency": concurrency,
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "latency_ms": percentiles(latencies),
        "throughput_rps": round(requests / elapsed, 1) if elapsed > 0 else 0.0,
        "response_bytes": round(sum(sizes) / len(sizes)) if sizes else 0,
        "seconds": round(elapsed, 2),
    }


async def _run(
    client: httpx.AsyncClient,
    path: str,
    params: dict[str, str],
    requests: int,
    concurrency: int,
    before: Callable[[], Awaitable[None]] | None = None,
) -> tuple[list[float], dict[str, int], list[int]]:
    """Send `requests` GETs over `concurrency` workers; the latencies of the 200s, the errors by kind, the sizes."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    sizes: list[int] = []
    budget = requests

    async def worker() -> None:
        nonlocal budget
        while budget > 0:
            budget -= 1
            if before is not None:
                await before()
            started = time.perf_counter()
            try:
                response = await client.get(path, params=params)
            except httpx.HTTPError as exc:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                continue
            latency = (time.perf_counter() - started) * 1000
            if response.status_code == 200:
                latencies.append(latency)
                sizes.append(len(response.content))
            else:
                errors[f"HTTP {response.status_code}"] = errors.get(f"HTTP {response.status_code}", 0) + 1

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, errors, sizes
