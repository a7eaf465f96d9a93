"""The monitor benchmark's report: targets, the Markdown and JSON files, and the console summary."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from lcn_benchmarks.report import format_number, markdown_table, target_row

ROOT = Path(__file__).resolve().parents[3]
SCOPES = ("national", "landsdeel:zuidoost", "topsector:htsm")
REBUILD_TARGET_EVENTS_PER_SECOND = 20_000.0
PROGRESS_TARGET_P99_MS = 100.0
BULK_TARGET_SECONDS = 10.0
PACKAGES = ("lcn-monitor", "lcn-shared", "fastapi", "uvicorn", "sqlalchemy", "asyncpg", "aiokafka", "pydantic")
QUANTILES = ("p50", "p95", "p99", "max")
CPU_LABELS = {
    "load_generator": "this process (client; the rebuild itself)",
    "cli": "the `lcn` command run (rebuild or import)",
    "outside_benchmark": "other processes",
}
CPU_SKIPPED = ("wall_seconds", "machine_busy_percent")
_WALL = {"wall_seconds": "wall seconds", "machine_busy_percent": "machine busy %"}


def versions() -> dict[str, str]:
    """Versions of the packages that decide the numbers, and the commit measured (with the files changed since)."""
    found = {}
    for package in PACKAGES:
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "-"
    return found | {"commit": git("rev-parse", "--short", "HEAD")} | {"changed since": _changed()}


def _changed() -> str:
    """The monitor's and the kit's source files that differ from the commit (a working tree measured mid-change)."""
    changed = git("diff", "--name-only", "HEAD", "--", "services/monitor/src", "shared/src").split()
    return ", ".join(changed) or "nothing"


def git(*args: str) -> str:
    """A read-only git command's output in the repository, or a dash."""
    try:
        done = subprocess.run(["git", *args], capture_output=True, text=True, timeout=30, check=True, cwd=ROOT)
    except (OSError, subprocess.SubprocessError):
        return "-"
    return done.stdout.strip()


def evaluate_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with its measured result and whether it passed (None: reported, not judged)."""
    rebuild, setup, progress = results["rebuild"], results["setup"], results["progress"]
    runs = rebuild["runs"]
    worst, median = rebuild["worst_events_per_second"], rebuild["median_events_per_second"]
    faithful = bool(runs) and all(
        run["exit_code"] == 0
        and run["same_read_model"]
        and run["events"] == rebuild["events_on_topic"]
        and run["rejected"] == 0
        for run in runs
    )
    targets = [
        target_row(
            f"`lcn monitor rebuild` replays {rebuild['events_on_topic']:,} events (slowest of {len(runs)} runs)",
            f"{format_number(worst)} events/s (median {format_number(median)})"
            + ("" if faithful else "; a run failed or left the read model different"),
            f">= {REBUILD_TARGET_EVENTS_PER_SECOND:,.0f} events/s, read model unchanged",
            faithful and worst is not None and worst >= REBUILD_TARGET_EVENTS_PER_SECOND,
        )
    ]
    size = f"{setup['network']['communities']:,} communities, {setup['reports']['reports']:,} reports"
    for scope, by_concurrency in progress["scopes"].items():
        for concurrency, measured in by_concurrency.items():
            p99 = measured["latency_ms"].get("p99")
            judged = int(concurrency) <= len(os.sched_getaffinity(0))
            targets.append(
                target_row(
                    f"Progress p99, {scope}, {concurrency} in flight ({size})",
                    f"{format_number(p99)} ms ({measured['errors']} errors)",
                    f"< {PROGRESS_TARGET_P99_MS:.0f} ms, 0 errors",
                    p99 is not None and p99 < PROGRESS_TARGET_P99_MS and measured["errors"] == 0,
                )
                | ({} if judged else {"passed": None})  # more in flight than cores measures queueing
            )
    bulk = results["bulk"]
    for name, label, outcome in (("first", "Bulk import", "added"), ("again", "The same file again", "unchanged")):
        run = bulk["deliveries"][name]
        every = run["exit_code"] == 0 and run["outcomes"].get(outcome, 0) == bulk["rows"]
        row = target_row(
            f"{label}: {bulk['rows']:,} rows with `lcn monitor reports import` (wall time)",
            f"{run['seconds']:.1f} s, {run['rows_per_second']:,.0f} rows/s, {_outcomes(run['outcomes'])}, "
            f"exit {run['exit_code']}",
            f"< {BULK_TARGET_SECONDS:.0f} s, every row {outcome}",
            every and run["seconds"] < BULK_TARGET_SECONDS,
        )
        targets.append(row if name == "first" else row | {"passed": None})
    return targets


def _outcomes(outcomes: dict[str, int]) -> str:
    """`5,000 added` and the like."""
    return ", ".join(f"{count:,} {outcome}" for outcome, count in sorted(outcomes.items())) or "no results"


def verdict_word(passed: bool | None) -> str:
    """PASS, FAIL, or a dash for what is reported only."""
    return "-" if passed is None else "PASS" if passed else "FAIL"


def write_report(results: dict[str, Any], output_dir: Path, started_at: datetime) -> Path:
    """Write `monitor-<stamp>.json`, `.md` and `monitor-latest.md`; return the stamped Markdown path."""
    results["targets"] = evaluate_targets(results)
    output_dir.mkdir(parents=True, exist_ok=True)
    markdown, stem = render_markdown(results), output_dir / f"monitor-{started_at.strftime('%Y%m%d-%H%M%S')}"
    stem.with_suffix(".json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    for path in (stem.with_suffix(".md"), output_dir / "monitor-latest.md"):
        path.write_text(markdown)
    return stem.with_suffix(".md")


def render_markdown(results: dict[str, Any]) -> str:
    """The whole report as Markdown."""
    verdicts = [[t["name"], t["result"], t["target"], verdict_word(t["passed"])] for t in results["targets"]]
    sections = [
        f"# Monitor benchmark, {results['started_at']}\n\n{INTRODUCTION}\n\nFinished {results['finished_at']}; raw "
        "numbers in the `.json` file of the same name.",
        "## Results\n\n" + markdown_table(["Measure", "Result", "Target", "Verdict"], verdicts),
        "## Setup\n\n" + _setup(results),
        "## Rebuild\n\n" + _rebuild(results) + "\n\n" + REBUILD_NOTE,
        "## Progress queries\n\n" + _progress(results) + "\n\n" + PROGRESS_NOTE.format(**results["parameters"]),
        "## Bulk report import\n\n" + _bulk(results) + "\n\n" + BULK_NOTE.format(**results["parameters"]),
        "## CPU per measurement (CPU seconds)\n\n" + _cpu(results) + "\n\n" + CPU_NOTE,
        "## Machine, infrastructure and versions\n\n" + _environment(results),
        "## Parameters\n\n"
        + markdown_table(["Parameter", "Value"], [[k, json.dumps(v)] for k, v in results["parameters"].items()]),
        "## How to reproduce\n\n" + REPRODUCE,
    ]
    return "\n\n".join(sections) + "\n"


def _setup(results: dict[str, Any]) -> str:
    """What the benchmark put in place before measuring, and how."""
    setup = results["setup"]
    network, produce, live, reports = setup["network"], setup["produce"], setup["live_projection"], setup["reports"]
    types = ", ".join(f"{count:,} {name}" for name, count in sorted(network["event_types"].items()))
    periods = ", ".join(f"{period} {count:,}" for period, count in reports["per_period"].items())
    sources = ", ".join(f"{source} {count:,}" for source, count in sorted(reports["sources"].items()))
    return "\n".join(
        [
            f"- Communities: {network['communities']:,} ({network['merged_away']:,} merged away, "
            f"{network['listed']:,} listed), built in {setup['build_seconds']:.1f} s.",
            f"- Events: {network['events']:,} on `{produce['topic']}` ({types}); {network['event_bytes_mean']:,} "
            f"bytes each on average; produced in {produce['seconds']:.1f} s. End offsets the broker reports (what "
            f"the replay reads up to): {produce['end_offsets_total']:,} of {produce['records']:,} records.",
            f"- Live projection: the monitor's consumer held every community at its last version "
            f"{live['seconds_after_ready']:.1f} s after the monitor was ready ({live['events_per_second']:,.0f} "
            "events/s, consumer group join included; for information).",
            f"- Reports: {reports['reports']:,} approved, COPY in {reports['copy_seconds']:.1f} s. Per period: "
            f"{periods}. Per source: {sources}. {reports['community_periods_with_rivals']:,} community-periods have "
            f"more than one approved report (the ranking picks one); {reports['on_merged_away_ids']:,} reports are on "
            "ids merged away since (counted under their survivor).",
            "",
            SETUP_NOTE,
            "",
            TANSU_NOTE,
        ]
    )


def _rebuild(results: dict[str, Any]) -> str:
    """One row per rebuild run."""
    rows = []
    for index, run in enumerate(results["rebuild"]["runs"], start=1):
        rows.append(
            [
                str(index),
                str(run["exit_code"]),
                _count(run["events"]),
                _seconds(run["seconds"]),
                _count(run["events_per_second"]),
                _seconds(run["wall_seconds"]),
                _count(run["communities"]),
                f"{run['read_model']['rows']:,}",
                "yes" if run["same_read_model"] else "NO",
                f"{run['vacuumed_before']['dead_rows']:,}",
                f"{run['vacuumed_before']['table_bytes'] / 2**20:,.0f}",
            ]
        )
    header = ["Run", "Exit", "Events", "Seconds", "Events/s", "Wall seconds (start-up included)", "Communities"]
    header += ["Rows", "Same read model", "Dead rows vacuumed before", "Table MiB before"]
    startup = f"Starting the CLI (`--help`) takes {results['rebuild']['cli_startup_seconds']:.2f} s of the wall time."
    return markdown_table(header, rows) + "\n\n" + startup


def _seconds(value: float | None) -> str:
    """Seconds to the hundredth, or a dash."""
    return "-" if value is None else f"{value:,.2f}"


def _count(value: float | None) -> str:
    """A whole number with separators, or a dash."""
    return "-" if value is None else f"{value:,.0f}"


def _progress(results: dict[str, Any]) -> str:
    """Latency per scope and concurrency, and the explanation's row."""
    progress = results["progress"]
    rows = []
    for scope, by_concurrency in progress["scopes"].items():
        for concurrency, measured in by_concurrency.items():
            rows.append(_latency_row(f"`GET /v1/progress?scope={scope}`", concurrency, measured))
    changed = progress["after_every_change"]
    rows.append(_latency_row("`GET /v1/progress?scope=national`, after a change before each", "1", changed))
    explanation = progress["explanation"]
    rows.append(_latency_row(f"`GET {explanation['path']}?scope=national`", "1", explanation))
    header = ["Request", "In flight", "Requests", "Errors", *QUANTILES, "Requests/s", "Bytes"]
    return markdown_table([*header, "CPU s monitor", "CPU s PostgreSQL", "CPU s other processes"], rows)


def _latency_row(label: str, concurrency: str, measured: dict[str, Any]) -> list[str]:
    """One latency measurement as a table row."""
    cpu = measured["cpu_seconds"]
    return [
        label,
        concurrency,
        str(measured["requests"]),
        str(measured["errors"]),
        *(format_number(measured["latency_ms"].get(q)) for q in QUANTILES),
        f"{measured['throughput_rps']:,.1f}",
        f"{measured['response_bytes']:,}",
        *(format_number(cpu.get(name)) for name in ("monitor", "postgres", "outside_benchmark")),
    ]


def _bulk(results: dict[str, Any]) -> str:
    """Both deliveries of the bulk file."""
    bulk, rows = results["bulk"], []
    for name, label in (("first", "First delivery"), ("again", "Same file again")):
        run = bulk["deliveries"][name]
        rows.append(
            [
                label,
                f"{bulk['rows']:,}",
                _outcomes(run["outcomes"]),
                str(run["exit_code"]),
                f"{run['seconds']:.2f}",
                format_number(run["cli_reported_seconds"]),
                f"{run['rows_per_second']:,.0f}",
            ]
        )
    header = ["Delivery", "Rows", "Outcomes", "Exit", "Seconds (wall)", "Seconds (CLI's own count)", "Rows/s"]
    facts = (
        f"The file: {bulk['file_bytes']:,} bytes. Starting the CLI (`--help`, imports and interpreter) takes "
        f"{bulk['cli_startup_seconds']:.2f} s of the wall time."
    )
    return markdown_table(header, rows) + "\n\n" + facts


def _cpu(results: dict[str, Any]) -> str:
    """CPU seconds per process during each measurement."""
    columns: dict[str, dict[str, float]] = {}
    for index, run in enumerate(results["rebuild"]["runs"], start=1):
        columns[f"rebuild {index}"] = run["cpu_seconds"]
    for scope, by_concurrency in results["progress"]["scopes"].items():
        for concurrency, measured in by_concurrency.items():
            columns[f"{scope} x{concurrency}"] = measured["cpu_seconds"]
    for name, run in results["bulk"]["deliveries"].items():
        columns[f"bulk {name}"] = run["cpu_seconds"]
    names = list(dict.fromkeys(name for cpu in columns.values() for name in cpu if name not in CPU_SKIPPED))
    rows = [[CPU_LABELS.get(name, name), *(format_number(cpu.get(name)) for cpu in columns.values())] for name in names]
    rows += [[label, *(format_number(cpu.get(key)) for cpu in columns.values())] for key, label in _WALL.items()]
    busiest = [
        f"- {name}: " + "; ".join(f"`{other['process']}` {other['cpu_seconds']:.1f} s" for other in others)
        for name, others in _others(results).items()
        if others
    ]
    seen = "\n".join(busiest) or "- none used 0.5 CPU seconds or more"
    return markdown_table(["Process", *columns], rows) + "\n\nBusiest other processes seen:\n\n" + seen


def _others(results: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Per measurement, the busiest processes outside the benchmark."""
    found = {f"rebuild {index}": run["other_processes"] for index, run in enumerate(results["rebuild"]["runs"], 1)}
    for scope, by_concurrency in results["progress"]["scopes"].items():
        for concurrency, measured in by_concurrency.items():
            found[f"{scope} x{concurrency}"] = measured["other_processes"]
    found["explanation"] = results["progress"]["explanation"]["other_processes"]
    for name, run in results["bulk"]["deliveries"].items():
        found[f"bulk {name}"] = run["other_processes"]
    return found


def _environment(results: dict[str, Any]) -> str:
    """Machine, servers and package versions."""
    machine, infra = results["machine"], results["infrastructure"]
    found = dict(results["versions"])
    commit, changed = found.pop("commit", "-"), found.pop("changed since", "-")
    listed = ", ".join(f"{name} {number}" for name, number in found.items())
    settings = ", ".join(
        f"{name}={infra.get(name)}"
        for name in (
            "fsync",
            "synchronous_commit",
            "shared_buffers",
            "work_mem",
            "jit",
            "max_parallel_workers_per_gather",
        )
    )
    return "\n".join(
        [
            f"- Machine: {machine['cores']} cores ({machine['usable_cores']} usable, {machine['cpu_model']}), "
            f"{machine['memory_gib']} GiB memory, {machine['os']}; {machine['python']}",
            f"- PostgreSQL: {infra['postgres']} {infra.get('postgres_version')}; {settings}",
            f"- Broker: {infra['broker']}, {results['parameters']['kafka_partitions']} partitions per topic",
            f"- Versions: {listed}",
            f"- Code measured: commit {commit}; the monitor's and the kit's files changed since: {changed}",
            "- Layout: PostgreSQL, the broker, the monitor (`lcn_monitor.main:create_app`, one uvicorn process with "
            "uvloop and httptools, kit defaults: its consumer, relay and periodic checks run in it as in production) "
            "and the client (this process) share the machine's cores.",
        ]
    )


def print_summary(console: Console, results: dict[str, Any], markdown: Path) -> None:
    """The verdict table and where the report went."""
    table = Table("Measure", "Result", "Target", "Verdict", title="lcn bench monitor")
    for target in results["targets"]:
        passed = target["passed"]
        verdict = "-" if passed is None else "[green]PASS[/green]" if passed else "[red]FAIL[/red]"
        table.add_row(target["name"], target["result"], target["target"], verdict)
    console.print(table)
    console.print(f"report: {markdown}")


INTRODUCTION = (
    "One run of `lcn bench monitor`, against issue 9's speed targets: (1) the rebuild of the monitor's read model "
    "replays at least 20,000 events/s; (2) progress queries (every indicator of a scope) answer at p99 < 100 ms "
    "with 10,000 communities and 50,000 reports; (3) a 5,000-row bulk report file imports in under 10 s. "
    "Everything is measured against the monitor as a separate uvicorn process, over HTTP or with the real CLI, on "
    "a PostgreSQL and broker the benchmark starts itself."
)
SETUP_NOTE = (
    "How it was set up: the registry is not run. Its community events (`CommunityRegistered`, `CommunityUpdated`, "
    "`MembershipChanged` with `can_edit`, `CommunityStatusChanged`, `CommunityMerged`), each validated by its "
    "contract and carrying the whole `CommunityState` as the registry emits it, are encoded with "
    "`lcn_shared.envelope.to_kafka` and produced keyed by community id, in time order, to the registry's topic "
    "(acks=all). The monitor's own consumer projects them. The reports are inserted straight into `report` and "
    "`report_revision` with COPY (approved, `approved_revision` and `counted_*` set, no audit trail rows), then "
    "`VACUUM ANALYZE` as autovacuum would after a bulk load: that is setup, not a measured path."
)
TANSU_NOTE = (
    "The records are produced in batches as the relay produces them. The embedded Tansu answers ListOffsets "
    "(latest) with the start of a partition's last record batch plus one, not its end: the end offsets above are "
    "what it reports. The replay reads each partition to the high watermark of its first fetch as well, which is "
    "right on both brokers; the read model check below shows whether every record was replayed."
)
REBUILD_NOTE = (
    "`python -m lcn_shared.cli monitor rebuild` as a subprocess on the benchmark's databases and topics, as an "
    "operator runs it, with the monitor running beside it as in production. Seconds and events/s: the command's "
    "own figures (what it prints: from taking the read model's lock through the replay of every record on the topic "
    "to the last write, before the commit); the wall time adds the interpreter's start-up, the start of the worker "
    "processes that read the topic (before the lock is taken), the connection and the "
    "commit. After each run the read model is compared with the live consumer's: row count and an md5 over its kept "
    "columns (all but `updated_at`, `last_event_id` and `projected_at`, which say when and from which event a row "
    "was written). Before each run the read model is vacuumed (`VACUUM ANALYZE community`, not timed), as "
    "autovacuum would between rebuilds hours apart: a rebuild deletes and rewrites every row, so back-to-back runs "
    "would each start on the dead rows of the one before. VACUUM makes their space reusable but does not shrink "
    "the table; its size before each run is shown."
)
PROGRESS_NOTE = (
    "Closed loop with httpx: each of the clients in flight sends its next request when the last one answered. "
    "{progress_warmup_requests} warm-up requests per row first, not counted; then {progress_requests} measured "
    "(the explanation and the row after every change: {explanation_requests}). Milliseconds as the client sees "
    "them. The three scopes are the whole network, one landsdeel and one top sector. Up to as many in flight as the "
    "machine has cores is judged; more would measure queueing. A scope's figures are kept until what they are made "
    "of changes (ADR 0029), so the judged rows measure figures served as kept, as a dashboard meets them between "
    "changes; the row 'after a change before each' moves the figures' version on before every request (untimed), "
    "as any write to a report, a community or an indicator does, so each request computes the figures anew: that "
    "is the cost after a change, shown for what it is and not judged. The monitor's status check (every 5 s, the "
    "progress of every indicator with a target) runs in the same process during the measurement, as it does in "
    "production."
)
BULK_NOTE = (
    "`python -m lcn_shared.cli monitor reports import <file> --source {bulk_source} --url <monitor> --key <feed key> "
    "--batch-size {bulk_batch_size} --results <csv>` as a subprocess, timed from start to exit (interpreter "
    "start-up included); the feed key of source `{bulk_source}` issued with `lcn_shared.auth.keys.issue_key`. "
    "The file: CSV as in docs/reports.md, one row per distinct community (NGF PPS first) for {bulk_period}, an "
    "open period, every figure column and a narrative. Outcomes counted from the CLI's `--results` file."
)
CPU_NOTE = (
    "CPU seconds each process used during each measurement (PostgreSQL and the broker with their children). "
    "Other processes: the machine's busy time beyond those listed (kernel work, other jobs on a shared machine); "
    "well above zero, the run was disturbed. The busiest of them are named when they were still running at the "
    "end of the measurement (a process that started and ended within it counts only in the total)."
)
REPRODUCE = """\
```sh
./run lcn bench monitor --output-dir /tmp/monitor-bench     # the defaults below
lcn bench monitor --communities 10000 --reports 50000 --events-per-community 5 --bulk-rows 5000 \\
  --progress-requests 200 --concurrency 1 --concurrency 2 --rebuild-runs 3 --output-dir benchmarks
```

Set `DATABASE_URL` and `KAFKA_BOOTSTRAP_SERVERS` to measure against servers of your own (the run then uses
databases and topics under a unique `bench<hex>` prefix); without them it starts an embedded PostgreSQL (durable)
and an embedded Tansu broker and stops them again."""
