"""The rebuild part of `lcn bench monitor`: `lcn monitor rebuild` run several times against the live read model,
each run checked to leave the read model as the live consumer made it."""

from __future__ import annotations

import re
import resource
import statistics
import subprocess
import sys
import time
from typing import Any

import asyncpg
from rich.console import Console

from lcn_benchmarks.meter import Meter
from lcn_benchmarks.monitor_data import Network
from lcn_benchmarks.pipeline import Infrastructure, run_sync

# The read model's columns a replay must reproduce: all but when and from which event a row was last written.
KEPT_COLUMNS = (
    "community_id",
    "name",
    "kind",
    "kinds",
    "landsdeel",
    "province",
    "municipality",
    "topsectors",
    "primary_topsector",
    "key_technologies",
    "education_levels",
    "status",
    "phase",
    "start_date",
    "end_date",
    "owner_organisation_id",
    "partners",
    "version",
    "merged_into",
    "survivor_id",
    "registered_at",
)
READ_MODEL = (
    f"SELECT count(*) AS rows, md5(string_agg(ROW({', '.join(KEPT_COLUMNS)})::text, E'\\n' ORDER BY community_id)) "
    "AS checksum FROM community"
)
REPORTED = re.compile(r"rebuilt ([\d,]+) communities from ([\d,]+) events in ([\d.]+) s")
SKIPPED = re.compile(r"([\d,]+) unreadable or not fitting their contract skipped")
COMMAND = [sys.executable, "-m", "lcn_shared.cli", "monitor", "rebuild"]


async def _read_model(infra: Infrastructure) -> dict[str, Any]:
    """The read model's row count and a checksum over its kept columns."""
    conn = await asyncpg.connect(infra.dsn("monitor"))
    try:
        row = await conn.fetchrow(READ_MODEL)
    finally:
        await conn.close()
    assert row is not None, "an aggregate always answers"
    return {"rows": int(row["rows"]), "checksum": row["checksum"]}


async def _vacuum_read_model(infra: Infrastructure) -> dict[str, int]:
    """VACUUM ANALYZE the read model, as autovacuum would between rebuilds hours apart; the dead rows statistics
    counted before, and the table's size after (VACUUM frees space for reuse but does not shrink the table)."""
    conn = await asyncpg.connect(infra.dsn("monitor"))
    try:
        dead = await conn.fetchval("SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'community'")
        await conn.execute("VACUUM ANALYZE community")
        size = await conn.fetchval("SELECT pg_total_relation_size('community')")
    finally:
        await conn.close()
    return {"dead_rows": int(dead or 0), "table_bytes": int(size)}


def measure_rebuild(
    infra: Infrastructure, network: Network, parameters: dict[str, Any], roots: dict[str, int | None], console: Console
) -> dict[str, Any]:
    """`lcn monitor rebuild` run several times as an operator runs it, each checked against the live read model."""
    env = {**infra.service_env(), "COLUMNS": "400"}  # one line of output, whatever its length
    started = time.perf_counter()
    subprocess.run([*COMMAND, "--help"], capture_output=True, env=env, check=True, timeout=120)
    startup = time.perf_counter() - started
    before = run_sync(_read_model(infra))
    runs: list[dict[str, Any]] = []
    for index in range(parameters["rebuild_runs"]):
        console.log(f"lcn monitor rebuild, {index + 1} of {parameters['rebuild_runs']}")
        vacuumed = run_sync(_vacuum_read_model(infra))
        run = _run(env, roots)
        after = run_sync(_read_model(infra))
        runs.append(run | {"read_model": after, "same_read_model": after == before, "vacuumed_before": vacuumed})
    rates = [run["events_per_second"] or 0.0 for run in runs]
    return {
        "command": " ".join(COMMAND[2:]),
        "cli_startup_seconds": round(startup, 2),
        "events_on_topic": len(network.records),
        "read_model_before": before,
        "kept_columns": list(KEPT_COLUMNS),
        "runs": runs,
        "median_events_per_second": statistics.median(rates) if rates else None,
        "worst_events_per_second": min(rates) if rates else None,
    }


def _run(env: dict[str, str], roots: dict[str, int | None]) -> dict[str, Any]:
    """One `lcn monitor rebuild`: what it says it did and how fast, its wall time and the CPU used."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    meter = Meter(roots)
    meter.start()
    started = time.perf_counter()
    done = subprocess.run(COMMAND, capture_output=True, text=True, env=env, timeout=1800, check=False)
    wall = time.perf_counter() - started
    cpu = meter.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cli = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    # The command is a child of this process, so the meter counted it among the other processes.
    cpu |= {"cli": round(cli, 2), "outside_benchmark": round(max(0.0, cpu.get("outside_benchmark", 0.0) - cli), 2)}
    output = " ".join(done.stdout.split())
    found, skipped = REPORTED.search(output), SKIPPED.search(output)
    communities, events = (int(found.group(n).replace(",", "")) for n in (1, 2)) if found else (None, None)
    seconds = float(found.group(3)) if found else None
    return {
        "exit_code": done.returncode,
        "communities": communities,
        "events": events,
        "rejected": int(skipped.group(1).replace(",", "")) if skipped else None,
        "seconds": seconds,
        "events_per_second": round(events / seconds, 1) if events and seconds else None,
        "wall_seconds": round(wall, 2),
        "cpu_seconds": cpu,
        "other_processes": meter.others,
        "output": output[-2000:],
    }
