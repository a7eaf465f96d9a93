"""`lcn bench monitor`: issue 9's speed targets of the monitor (volgsysteem). `lcn monitor rebuild` of the read model
from the registry's topic (`monitor_rebuild`), progress queries (every indicator of a scope) over 10,000 communities
and 50,000 reports, and a 5,000-row bulk report file delivered with `lcn monitor reports import` (`monitor_bulk`).

Runs on infrastructure it starts itself (embedded durable PostgreSQL and Tansu, or `DATABASE_URL` /
`KAFKA_BOOTSTRAP_SERVERS` under unique prefixes), with the monitor as a uvicorn subprocess on a free port, reached
over HTTP as users reach it. The numbers go to a Markdown report and a JSON file (`monitor_report`).
"""

from __future__ import annotations

import asyncio
import shutil
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
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from rich.console import Console

from lcn_benchmarks.latency import measure_get
from lcn_benchmarks.load import ServiceProcess, start_service, wait_ready
from lcn_benchmarks.meter import Meter
from lcn_benchmarks.monitor_bulk import BULK_BATCH_SIZE, BULK_PERIOD, BULK_SOURCE, measure_bulk
from lcn_benchmarks.monitor_data import (
    REPORT_COLUMNS,
    REVISION_COLUMNS,
    Network,
    Record,
    build_network,
    report_rows,
)
from lcn_benchmarks.monitor_rebuild import measure_rebuild
from lcn_benchmarks.monitor_report import SCOPES, print_summary, versions, write_report
from lcn_benchmarks.pipeline import Infrastructure, benchmark_infrastructure, run_sync
from lcn_benchmarks.report import machine_info
from lcn_shared.contracts.registry import COMMUNITY_TOPIC
from lcn_shared.messaging.topics import ensure_topics
from lcn_shared.migrations import migrate
from lcn_shared.settings import IDENTITY

EXPLAINED = "students-reached"  # a report indicator: its explanation lists every counted report
PROGRESS_WARMUP = 20
PRODUCE_CHUNK = 2000
PROJECTION_STALL_SECONDS = 120.0
RIVALS = (
    "SELECT count(*) FROM (SELECT c.survivor_id, r.period_id FROM report r JOIN community c USING (community_id) "
    "GROUP BY 1, 2 HAVING count(*) > 1) rivals"
)


def run_monitor_benchmark(
    *,
    output_dir: Path,
    communities: int = 10_000,
    reports: int = 50_000,
    events_per_community: float = 5.0,
    bulk_rows: int = 5_000,
    progress_requests: int = 200,
    concurrency: Sequence[int] = (1, 2),
    rebuild_runs: int = 3,
    progress: bool = True,
) -> Path:
    """Set up the network, measure the rebuild, progress queries and the bulk import; write the report."""
    console = Console(quiet=not progress)
    started_at = datetime.now(UTC)
    parameters: dict[str, Any] = {
        "communities": communities,
        "events_per_community": events_per_community,
        "reports": reports,
        "rebuild_runs": rebuild_runs,
        "progress_requests": progress_requests,
        "progress_warmup_requests": PROGRESS_WARMUP,
        "explanation_requests": max(5, progress_requests // 4),
        "changed_requests": max(5, progress_requests // 4),
        "concurrency": list(concurrency),
        "scopes": list(SCOPES),
        "explained_indicator": EXPLAINED,
        "bulk_rows": bulk_rows,
        "bulk_period": BULK_PERIOD,
        "bulk_source": BULK_SOURCE,
        "bulk_batch_size": BULK_BATCH_SIZE,
    }
    workdir = Path(tempfile.mkdtemp(prefix="lcn-bench-monitor-"))
    try:
        with benchmark_infrastructure(workdir, console) as infra:
            for owner in (IDENTITY, "monitor"):
                migrate(owner, infra.platform)
            infra.description.update(run_sync(_server_facts(infra)))
            parameters["kafka_partitions"] = infra.platform.kafka_partitions
            measured = _measure(infra, workdir, parameters, console)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    results: dict[str, Any] = {
        "benchmark": "monitor",
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "versions": versions(),
        "infrastructure": infra.description,
        "parameters": parameters,
        **measured,
    }
    markdown = write_report(results, output_dir, started_at)
    print_summary(console, results, markdown)
    return markdown


def _measure(infra: Infrastructure, workdir: Path, parameters: dict[str, Any], console: Console) -> dict[str, Any]:
    """The setup and the three measurements, in an order that keeps each one's writes out of the others."""
    console.log(f"building the events of {parameters['communities']:,} communities")
    started = time.perf_counter()
    network = build_network(parameters["communities"], parameters["events_per_community"])
    setup: dict[str, Any] = {"build_seconds": round(time.perf_counter() - started, 2)}
    console.log(f"producing {len(network.records):,} events to the registry's community topic")
    setup["produce"] = run_sync(_produce(infra, network.records))
    setup["network"] = {
        "communities": len(network.communities),
        "listed": network.listed,
        "merged_away": len(network.communities) - network.listed,
        "events": len(network.records),
        "event_types": dict(network.event_types),
        "event_bytes_mean": round(sum(len(record.value) for record in network.records) / len(network.records)),
    }
    with ExitStack() as stack:
        monitor = start_service(stack, "monitor", "lcn_monitor.main:create_app", infra.service_env(), workdir)
        run_sync(wait_ready(monitor, "/health/ready"))
        roots = {**infra.pids, "monitor": monitor.process.pid}
        console.log("waiting for the monitor's consumer to project the topic")
        setup["live_projection"] = run_sync(_wait_for_projection(monitor, infra, network))
        rebuilt = measure_rebuild(infra, network, parameters, roots, console)
        console.log(f"inserting {parameters['reports']:,} approved reports")
        setup["reports"] = run_sync(_insert_reports(infra, network, parameters["reports"]))
        measured_progress = run_sync(_measure_progress(monitor, infra, roots, parameters, console))
        bulk = measure_bulk(monitor, infra, network, workdir, roots, parameters, console)
    return {"setup": setup, "rebuild": rebuilt, "progress": measured_progress, "bulk": bulk}


async def _server_facts(infra: Infrastructure) -> dict[str, Any]:
    """PostgreSQL's version and the settings that decide commits and query plans."""
    names = ("fsync", "synchronous_commit", "shared_buffers", "work_mem", "jit", "max_parallel_workers_per_gather")
    conn = await asyncpg.connect(infra.dsn("monitor"))
    try:
        facts = {name: await conn.fetchval(f"SHOW {name}") for name in names}
        facts["postgres_version"] = await conn.fetchval("SHOW server_version")
    finally:
        await conn.close()
    return facts


async def _produce(infra: Infrastructure, records: Sequence[Record]) -> dict[str, Any]:
    """Put the records on the registry's community topic as its relay does (acks=all, keyed by community, batched)."""
    platform = infra.platform
    topic = platform.topic(COMMUNITY_TOPIC)
    await ensure_topics(platform.kafka_bootstrap_servers, [topic], partitions=platform.kafka_partitions)
    producer = AIOKafkaProducer(
        bootstrap_servers=platform.kafka_bootstrap_servers,
        acks="all",
        enable_idempotence=platform.kafka_enable_idempotence,
        linger_ms=5,
        max_batch_size=256 * 1024,
    )
    await producer.start()
    started = time.perf_counter()
    try:
        for first in range(0, len(records), PRODUCE_CHUNK):
            chunk = records[first : first + PRODUCE_CHUNK]
            sent = [await producer.send(topic, value=r.value, key=r.key, headers=r.headers) for r in chunk]
            await asyncio.gather(*sent)
    finally:
        await producer.stop()
    seconds = time.perf_counter() - started
    partitions = [TopicPartition(topic, number) for number in range(platform.kafka_partitions)]
    ends = await _end_offsets(platform.kafka_bootstrap_servers, partitions)
    return {"topic": topic, "records": len(records), "seconds": round(seconds, 2), "end_offsets_total": ends}


async def _end_offsets(bootstrap_servers: str, partitions: list[TopicPartition]) -> int:
    """The sum of the partitions' end offsets as the broker reports them (what the replay reads up to)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False)
    await consumer.start()
    try:
        return sum((await consumer.end_offsets(partitions)).values())
    finally:
        await consumer.stop()


async def _wait_for_projection(monitor: ServiceProcess, infra: Infrastructure, network: Network) -> dict[str, Any]:
    """Poll until the monitor lists every community not merged away and its rows hold every last version."""
    started = last_change = time.perf_counter()
    seen: tuple[int, int] = (-1, -1)
    conn = await asyncpg.connect(infra.dsn("monitor"))
    try:
        async with httpx.AsyncClient(base_url=monitor.url, timeout=30.0) as client:
            while True:
                page = (await client.get("/v1/communities", params={"limit": 1})).json()
                listed = int(page.get("count", page.get("total", -1)))
                versions_held = int(await conn.fetchval("SELECT coalesce(sum(version), 0) FROM community"))
                if (listed, versions_held) == (network.listed, network.version_sum):
                    break
                if (listed, versions_held) != seen:
                    seen, last_change = (listed, versions_held), time.perf_counter()
                elif time.perf_counter() - last_change > PROJECTION_STALL_SECONDS:
                    raise TimeoutError(
                        f"the monitor's projection stalled: {listed:,} of {network.listed:,} listed, version sum "
                        f"{versions_held:,} of {network.version_sum:,}; see {monitor.log_path}"
                    )
                await asyncio.sleep(0.5)
        rows = int(await conn.fetchval("SELECT count(*) FROM community"))
    finally:
        await conn.close()
    seconds = time.perf_counter() - started
    return {
        "listed": network.listed,
        "rows": rows,
        "seconds_after_ready": round(seconds, 2),
        "events_per_second": round(len(network.records) / seconds, 1) if seconds > 0 else 0.0,
    }


async def _insert_reports(infra: Infrastructure, network: Network, count: int) -> dict[str, Any]:
    """Approved reports with their approved revisions, straight into the tables with COPY; then VACUUM ANALYZE."""
    reports, revisions = report_rows(network, count, now=datetime.now(UTC))
    conn = await asyncpg.connect(infra.dsn("monitor"))
    try:
        started = time.perf_counter()
        async with conn.transaction():
            await conn.copy_records_to_table("report", records=reports, columns=REPORT_COLUMNS)
            await conn.copy_records_to_table("report_revision", records=revisions, columns=REVISION_COLUMNS)
        copied = time.perf_counter() - started
        await conn.execute("VACUUM ANALYZE")
        periods = await conn.fetch("SELECT period_id, count(*) AS n FROM report GROUP BY 1 ORDER BY 1")
        rivals = int(await conn.fetchval(RIVALS))
        on_merged = await conn.fetchval(
            "SELECT count(*) FROM report r JOIN community c USING (community_id) WHERE c.merged_into IS NOT NULL"
        )
    finally:
        await conn.close()
    return {
        "reports": len(reports),
        "copy_seconds": round(copied, 2),
        "per_period": {row["period_id"]: row["n"] for row in periods},
        "sources": dict(Counter(row[3] for row in reports)),
        "community_periods_with_rivals": rivals,
        "on_merged_away_ids": int(on_merged),
    }


async def _measure_progress(
    monitor: ServiceProcess,
    infra: Infrastructure,
    roots: dict[str, int | None],
    parameters: dict[str, Any],
    console: Console,
) -> dict[str, Any]:
    """`GET /v1/progress?scope=` per scope and concurrency; the national one again after a change before every
    request (the figures computed anew each time, where the others are served as kept); one explanation."""
    async with httpx.AsyncClient(base_url=monitor.url, timeout=60.0) as client:
        national = (await client.get("/v1/progress", params={"scope": "national"})).json()["data"]
    facts = {"indicators": len(national), "actuals": {item["indicator"]: item["actual"] for item in national}}
    scopes: dict[str, dict[str, Any]] = {}
    for scope in SCOPES:
        for concurrency in parameters["concurrency"]:
            console.log(f"progress {scope}, {concurrency} in flight: {parameters['progress_requests']} requests")
            scopes.setdefault(scope, {})[str(concurrency)] = await _timed(
                monitor, "/v1/progress", {"scope": scope}, roots, parameters["progress_requests"], concurrency
            )
    console.log(f"progress national after every change: {parameters['changed_requests']} requests")
    changed = await _timed(
        monitor, "/v1/progress", {"scope": "national"}, roots, parameters["changed_requests"], 1, changes=infra
    )
    console.log(f"explanation of {EXPLAINED}, national")
    path = f"/v1/progress/{EXPLAINED}/explanation"
    explanation = await _timed(monitor, path, {"scope": "national"}, roots, parameters["explanation_requests"], 1)
    return {
        **facts,
        "scopes": scopes,
        "after_every_change": {"scope": "national", **changed},
        "explanation": {"path": path, "scope": "national", **explanation},
    }


async def _timed(
    monitor: ServiceProcess,
    path: str,
    params: dict[str, str],
    roots: dict[str, int | None],
    requests: int,
    concurrency: int,
    *,
    changes: Infrastructure | None = None,
) -> dict[str, Any]:
    """One latency measurement with the CPU each process used during it; with `changes`, the figures' version is
    moved on before every request (what any write to their sources does), so each request computes them anew."""
    meter = Meter(roots)
    meter.start()
    conn = await asyncpg.connect(changes.dsn("monitor")) if changes is not None else None

    async def change() -> None:
        assert conn is not None, "only with a connection"
        await conn.execute("UPDATE figures_version SET version = version + 1")

    try:
        measured = await measure_get(
            monitor.url,
            path,
            params=params,
            requests=requests,
            concurrency=concurrency,
            warmup=min(PROGRESS_WARMUP, requests),
            before=change if conn is not None else None,
        )
    finally:
        if conn is not None:
            await conn.close()
    return measured | {"cpu_seconds": meter.stop(), "other_processes": meter.others}
