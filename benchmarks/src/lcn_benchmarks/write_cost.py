"""A write's cost as the registry grows: sequential POSTs at about 300 communities and again at 20,000.

The registry is grown through its own bulk path (a feed import) with communities whose names come from the
same generator as the POSTs ("Fieldlab Groningen 1234"), and a share of the POSTs repeats a name already
there, so the look-ups for duplicates meet crowded blocks, as in the soak that found the slowdown.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console

from lcn_benchmarks.load import ServiceProcess, community_bodies, percentiles
from lcn_benchmarks.pipeline import run_sync
from lcn_benchmarks.report import CpuMeter, format_number, markdown_table, target_row
from lcn_registry.demo.feeds import write_feed
from lcn_registry.feeds.client import deliver_with_progress, read_feed, registry_client

GROWTH_SOURCE = "regio-pps"
SMALL_REGISTRY = 300
REPEATED_NAME_SHARE = 5  # every fifth POST names a community the registry already holds
TARGET_RATIO = 1.5
WARMUP_WRITES = 10


def growth_records(start: int, stop: int) -> list[dict[str, Any]]:
    """Feed records of the POSTs' generator, numbered `start` to `stop` (a stable prefix of one long list)."""
    bodies = community_bodies(stop, seed=29)[start:]
    return [{"external_id": f"GROW-{start + i}", **json.loads(body)} for i, body in enumerate(bodies)]


def write_bodies(count: int, *, held: int) -> list[bytes]:
    """New communities to POST; every fifth repeats the name of one of the first `held` grown communities."""
    names = [record["name"] for record in growth_records(0, held)]
    bodies = []
    for index, body in enumerate(community_bodies(count, seed=31 + held)):
        values = json.loads(body)
        if index % REPEATED_NAME_SHARE == 0:
            values["name"] = names[index * 7919 % len(names)]
        bodies.append(json.dumps(values).encode())
    return bodies


def grow(
    registry: ServiceProcess, key: str, workdir: Path, *, start: int, stop: int, batch_size: int, console: Console
) -> dict[str, Any]:
    """Add communities `start` to `stop` through a feed import (upsert); return how long it took."""
    path = workdir / f"growth-{stop}.ndjson"
    write_feed(growth_records(start, stop), path, "ndjson")
    started = time.perf_counter()
    with registry_client(registry.url, key) as client:
        run = deliver_with_progress(
            client,
            source=GROWTH_SOURCE,
            mode="upsert",
            batches=read_feed(path, "auto", batch_size),
            console=console,
        )
    return {"records": run.records, "state": run.job["state"], "seconds": round(time.perf_counter() - started, 2)}


async def sequential_writes(
    registry: ServiceProcess, meter: CpuMeter, key: str, bodies: list[bytes], *, communities: int
) -> dict[str, Any]:
    """POST `bodies` one after another, as a single client does; latency percentiles and CPU per write."""
    headers = {"authorization": f"Bearer {key}", "content-type": "application/json"}
    latencies, errors = [], 0
    async with httpx.AsyncClient(base_url=registry.url, timeout=30.0) as client:
        for body in bodies[:WARMUP_WRITES]:  # warm the connection and the registry's caches; not counted
            await client.post("/v1/communities", content=body, headers=headers)
        meter.start()
        for body in bodies[WARMUP_WRITES:]:
            started = time.perf_counter()
            response = await client.post("/v1/communities", content=body, headers=headers)
            if response.status_code == 201:
                latencies.append((time.perf_counter() - started) * 1000)
            else:
                errors += 1
    cpu = meter.stop()
    return {
        "communities_before": communities,
        "writes": len(bodies) - WARMUP_WRITES,
        "errors": errors,
        "latency_ms": percentiles(latencies),
        "registry_cpu_ms_per_write": round(cpu["registry"] * 1000 / max(1, len(latencies)), 2) if cpu else None,
        "cpu_seconds": cpu,
    }


def verdict(small: dict[str, Any], grown: dict[str, Any]) -> dict[str, Any]:
    """The grown registry's sequential POST p50 against the small one's."""
    before, after = small["latency_ms"].get("p50"), grown["latency_ms"].get("p50")
    ratio = round(after / before, 2) if before and after else None
    return {"p50_ratio": ratio, "target_ratio": TARGET_RATIO, "passed": ratio is not None and ratio <= TARGET_RATIO}


def measure(
    registry: ServiceProcess,
    meter: CpuMeter,
    *,
    feed_key: str,
    partner_key: str,
    workdir: Path,
    grown_to: int,
    writes: int,
    batch_size: int,
    settle: Callable[[], int],
    console: Console,
) -> dict[str, Any]:
    """Grow an empty registry to about 300 communities, time sequential POSTs, grow it to `grown_to`, time again.
    `settle` publishes what is pending, vacuums and returns the number of communities."""
    imports = [grow(registry, feed_key, workdir, start=0, stop=SMALL_REGISTRY, batch_size=batch_size, console=console)]
    small_count = settle()
    console.log(f"sequential POSTs at {small_count:,} communities")
    bodies = write_bodies(writes + WARMUP_WRITES, held=SMALL_REGISTRY)
    small = run_sync(sequential_writes(registry, meter, partner_key, bodies, communities=small_count))
    imports.append(
        grow(registry, feed_key, workdir, start=SMALL_REGISTRY, stop=grown_to, batch_size=batch_size, console=console)
    )
    grown_count = settle()
    console.log(f"sequential POSTs at {grown_count:,} communities")
    bodies = write_bodies(writes + WARMUP_WRITES, held=grown_to)
    grown = run_sync(sequential_writes(registry, meter, partner_key, bodies, communities=grown_count))
    return {"imports": imports, "small": small, "grown": grown, **verdict(small, grown)}


def target(measured: dict[str, Any]) -> dict[str, Any]:
    """The verdict row of the write-cost target."""
    small, grown = measured["small"], measured["grown"]
    before, after = small["latency_ms"].get("p50"), grown["latency_ms"].get("p50")
    return target_row(
        f"Sequential POST p50 at {grown['communities_before']:,} / at {small['communities_before']:,} communities",
        f"x{measured['p50_ratio']} ({format_number(after)} ms / {format_number(before)} ms)",
        f"<= x{TARGET_RATIO}, 0 errors",
        measured["passed"] and small["errors"] == 0 and grown["errors"] == 0,
    )


def markdown(measured: dict[str, Any]) -> str:
    """The report's section on the write cost."""
    rows = []
    for label in ("small", "grown"):
        run = measured[label]
        latency = [format_number(run["latency_ms"].get(q)) for q in ("p50", "p95", "p99", "max")]
        cpu = format_number(run["registry_cpu_ms_per_write"])
        rows.append([f"{run['communities_before']:,}", str(run["writes"]), str(run["errors"]), *latency, cpu])
    header = ["Communities", "POSTs", "Errors", "p50 ms", "p95 ms", "p99 ms", "max ms", "Registry CPU ms/write"]
    grown = ", ".join(f"{run['records']:,} records in {run['seconds']:.1f} s" for run in measured["imports"])
    return (
        "## A write's cost as the registry grows\n\n"
        + markdown_table(header, rows)
        + "\n\n"
        + NOTE.format(grown=grown, share=REPEATED_NAME_SHARE, warmup=WARMUP_WRITES)
    )


NOTE = (
    "One client POSTs new communities one after another (`POST /v1/communities` over HTTP, a partner key, "
    "{warmup} warm-up writes not counted), first in a registry of about 300 communities, then after it grew to "
    "the second size. The registry grew through feed imports ({grown}) of communities named by the same generator "
    "as the POSTs, and every {share}th POST repeats a name the registry holds, so duplicate look-ups meet crowded "
    "blocks. Latency is what the client sees; CPU is the registry process's (its duplicate-review consumer "
    "included), divided by the POSTs."
)
