"""The bulk part of `lcn bench monitor`: a programme's CSV file delivered with `lcn monitor reports import` (the real
CLI, as a subprocess), then the same file again."""

from __future__ import annotations

import csv
import os
import re
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from rich.console import Console

from lcn_benchmarks.load import ServiceProcess
from lcn_benchmarks.meter import Meter
from lcn_benchmarks.monitor_data import Network, write_bulk_file
from lcn_benchmarks.pipeline import Infrastructure, run_sync
from lcn_shared.auth.keys import Role, issue_key

BULK_PERIOD, BULK_SOURCE = "2026-H2", "katapult"
BULK_BATCH_SIZE = 500  # the CLI's default


def measure_bulk(
    monitor: ServiceProcess,
    infra: Infrastructure,
    network: Network,
    workdir: Path,
    roots: dict[str, int | None],
    parameters: dict[str, Any],
    console: Console,
) -> dict[str, Any]:
    """A programme's CSV file delivered with `lcn monitor reports import`, then the same file again."""
    path = workdir / f"{BULK_SOURCE}-{BULK_PERIOD.lower()}.csv"
    write_bulk_file(network, path, rows=parameters["bulk_rows"], period=BULK_PERIOD)
    key = run_sync(issue_key(infra.platform, role=Role.FEED, feed_source=BULK_SOURCE))
    command = [sys.executable, "-m", "lcn_shared.cli", "monitor", "reports", "import", str(path)]
    command += ["--source", BULK_SOURCE, "--url", monitor.url, "--key", key]
    command += ["--batch-size", str(parameters["bulk_batch_size"])]
    env = {**os.environ, "COLUMNS": "160", "LCN_STATE_DIR": str(workdir / "state")}
    started = time.perf_counter()
    subprocess.run([*command[:6], "--help"], capture_output=True, env=env, check=True, timeout=120)
    startup = time.perf_counter() - started
    deliveries = {}
    for name in ("first", "again"):
        console.log(f"bulk delivery ({name}) of {parameters['bulk_rows']:,} rows")
        deliveries[name] = _deliver([*command, "--results", str(workdir / f"{name}.csv")], env, roots)
    return {
        "rows": parameters["bulk_rows"],
        "file_bytes": path.stat().st_size,
        "cli_startup_seconds": round(startup, 2),
        "deliveries": deliveries,
    }


def _deliver(command: list[str], env: dict[str, str], roots: dict[str, int | None]) -> dict[str, Any]:
    """Run the CLI once: its wall time, exit code, the rows' outcomes (its `--results` file) and the CPU used."""
    results = Path(command[-1])
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    meter = Meter(roots)
    meter.start()
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=900, check=False)
    seconds = time.perf_counter() - started
    cpu = meter.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cli = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    # The CLI is a child of this process, so the meter counted it among the other processes.
    cpu |= {"cli": round(cli, 2), "outside_benchmark": round(max(0.0, cpu.get("outside_benchmark", 0.0) - cli), 2)}
    outcomes: Counter[str] = Counter()
    if results.exists():
        with results.open(newline="", encoding="utf-8") as file:
            outcomes.update(row["outcome"] for row in csv.DictReader(file))
    reported = re.search(r"([\d.]+) s \(([\d,]+) rows/s\)", done.stdout)
    rows = sum(outcomes.values())
    return {
        "exit_code": done.returncode,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds, 1) if seconds > 0 else 0.0,
        "cli_reported_seconds": float(reported.group(1)) if reported else None,
        "outcomes": dict(outcomes),
        "cpu_seconds": cpu,
        "other_processes": meter.others,
        "output_tail": "" if done.returncode == 0 else (done.stdout + done.stderr)[-2000:],
    }
