"""The pipeline benchmark's report: machine facts, targets, Markdown and JSON files, and the console summary."""

from __future__ import annotations

import json
import os
import platform
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

try:
    import psutil
except ImportError:  # psutil is optional: memory then comes from sysconf
    psutil = None

DRAIN_TARGET_EVENTS_PER_SECOND = 2000.0
PROPAGATION_TARGET_P99_MS = 250.0
# An open loop's achieved rate counts up to the last response, so a run that kept up reads a little below its offer.
SUSTAINED_SHARE = 0.95
QUANTILES = ("p50", "p95", "p99", "max")
CPU_SUMMARY_KEYS = ("wall_seconds", "machine_busy_percent", "outside_benchmark")
REPRODUCE = """\
```sh
./run bench                      # = lcn bench pipeline, with the defaults below
lcn bench pipeline --duration 30 --rate 300 --backlog 20000 --saturation-seconds 10 --output-dir benchmarks
```

Set `DATABASE_URL` and `KAFKA_BOOTSTRAP_SERVERS` to measure against servers of your own (the run then uses
databases and topics under a unique `bench<hex>` prefix); without them it starts an embedded PostgreSQL and an
embedded Tansu broker and stops them again."""


def machine_info() -> dict[str, Any]:
    """Cores, CPU model, memory, OS and Python of this machine."""
    if psutil is not None:
        memory = psutil.virtual_memory().total
    else:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "cpu_model": _cpu_model(),
        "memory_gib": round(memory / 2**30, 1),
        "os": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
    }


def _cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, or the platform's processor string."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def evaluate_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with its measured result and whether it passed."""
    drain, propagation = results["drain"], results["propagation"]
    p99 = propagation["propagation_ms"].get("p99")
    missing = drain["missing_on_topic"] + propagation["missing"]
    offered, achieved = propagation["offered_rps"], propagation["achieved_rps"]
    duration = results["parameters"]["duration_seconds"]
    flat_out = results["flat_out"]
    ratio, goal = flat_out["comparison"]["ratio"], flat_out["comparison"]["goal"]
    registry_rps, baseline_rps = flat_out["registry"]["achieved_rps"], flat_out["baseline"]["achieved_rps"]
    return [
        target_row(
            f"Registrations sustained at {offered:.0f}/s for {duration:.0f} s, all 2xx",
            f"{achieved:.1f}/s achieved, {propagation['ok']:,} 2xx, {propagation['errors']} failed",
            f">= {SUSTAINED_SHARE * offered:.0f}/s, 0 failed",
            achieved >= SUSTAINED_SHARE * offered and propagation["errors"] == 0,
        ),
        target_row(
            "Relay drain rate",
            f"{drain['events_per_second']:,.0f} events/s",
            f">= {DRAIN_TARGET_EVENTS_PER_SECOND:,.0f} events/s",
            drain["events_per_second"] >= DRAIN_TARGET_EVENTS_PER_SECOND,
        ),
        target_row(
            "Propagation p99 (registry 2xx to monitor row)",
            _fmt_ms(p99),
            f"<= {PROPAGATION_TARGET_P99_MS:.0f} ms",
            p99 is not None and p99 <= PROPAGATION_TARGET_P99_MS,
        ),
        target_row("Events missing (drain topic + read model)", str(missing), "0", missing == 0),
        target_row(
            "Keys published out of order", str(drain["keys_out_of_order"]), "0", drain["keys_out_of_order"] == 0
        ),
        target_row(
            "Flat-out POST rate, registry / bare baseline",
            f"x{ratio} ({registry_rps:,.0f}/s vs {baseline_rps:,.0f}/s)",
            f">= x{goal}",
            ratio is not None and ratio >= goal,
        ),
    ]


def target_row(name: str, result: str, target: str, passed: bool) -> dict[str, Any]:
    """One row of the verdict table."""
    return {"name": name, "result": result, "target": target, "passed": passed}


def write_report(results: dict[str, Any], output_dir: Path, started_at: datetime) -> Path:
    """Write `pipeline-<stamp>.json`, `.md` and `pipeline-latest.md`; return the stamped Markdown path."""
    results["targets"] = evaluate_targets(results)
    output_dir.mkdir(parents=True, exist_ok=True)
    stem = output_dir / f"pipeline-{started_at.strftime('%Y%m%d-%H%M%S')}"
    stem.with_suffix(".json").write_text(json.dumps(results, indent=2, sort_keys=False) + "\n")
    markdown = render_markdown(results)
    stem.with_suffix(".md").write_text(markdown)
    (output_dir / "pipeline-latest.md").write_text(markdown)
    return stem.with_suffix(".md")


def render_markdown(results: dict[str, Any]) -> str:
    """The whole report as Markdown."""
    sections = [
        _header(results),
        _verdict(results),
        _environment(results),
        _parameters(results),
        _drain(results),
        _propagation(results),
        _comparison(results),
        _flat_out(results),
        _cpu(results),
        "## How to reproduce\n\n" + REPRODUCE,
    ]
    return "\n\n".join(sections) + "\n"


def _header(results: dict[str, Any]) -> str:
    """Title and what the run measures."""
    return (
        f"# Pipeline benchmark, {results['started_at']}\n\n"
        "One run of `lcn bench pipeline`: how fast the outbox relay drains a backlog to the broker, how long a "
        "community registered at the registry takes to appear in the monitor's read model under steady load, and "
        "what the kit costs on the write path compared with a bare FastAPI + asyncpg app doing the same inserts, "
        "and how many POSTs per second the registry takes flat out beside that baseline. "
        f"Raw numbers: the `.json` file of the same name. Finished {results['finished_at']}."
    )


def _verdict(results: dict[str, Any]) -> str:
    """The targets table."""
    rows = [[t["name"], t["result"], t["target"], "PASS" if t["passed"] else "FAIL"] for t in results["targets"]]
    ratio = results["comparison"]
    rows.append(
        [
            "Write latency, kit / baseline",
            f"p50 x{ratio['write_p50_ratio']}, p99 x{ratio['write_p99_ratio']}",
            "(reported)",
            "-",
        ]
    )
    return "## Results\n\n" + markdown_table(["Measure", "Result", "Target", "Verdict"], rows)


def _environment(results: dict[str, Any]) -> str:
    """Machine and infrastructure."""
    machine, infra = results["machine"], results["infrastructure"]
    durable = infra.get("fsync") == "on" and infra.get("synchronous_commit") == "on"
    return "\n".join(
        [
            "## Machine and infrastructure\n",
            f"- Date: {results['started_at']} (UTC)",
            f"- Machine: {machine['cores']} cores ({machine['usable_cores']} usable, {machine['cpu_model']}), "
            f"{machine['memory_gib']} GiB memory, {machine['os']}",
            f"- Python: {machine['python']}, load generator on {results['parameters']['event_loop']} with "
            f"{results['parameters']['http_client']}",
            f"- PostgreSQL: {infra['postgres']}, version {infra.get('postgres_version')}; fsync={infra.get('fsync')}, "
            f"synchronous_commit={infra.get('synchronous_commit')}, full_page_writes={infra.get('full_page_writes')}"
            + (
                " — every acknowledged write was flushed to disk before the 2xx."
                if durable
                else " — commits were NOT durable; the write path is flattered."
            ),
            f"- Broker: {infra['broker']}; the relay publishes with acks=all"
            + (
                " (Tansu keeps records in memory, so the broker side does no disk I/O)."
                if "Tansu" in infra["broker"]
                else "."
            ),
            f"- Prefixes: databases `{infra['database_prefix']}*`, topics "
            + (f"`{infra['topic_prefix']}*`" if infra["topic_prefix"] else "unprefixed"),
            "- Layout: PostgreSQL, the broker, the registry and monitor (one uvicorn process each, uvloop + httptools, "
            "kit defaults) and the load generator all share this machine's cores.",
        ]
    )


def _parameters(results: dict[str, Any]) -> str:
    """The run's parameters."""
    rows = [[name, str(value)] for name, value in results["parameters"].items()]
    return "## Parameters\n\n" + markdown_table(["Parameter", "Value"], rows)


def _drain(results: dict[str, Any]) -> str:
    """The relay drain measurement."""
    d = results["drain"]
    rows = [
        ["Backlog events (outbox rows, inserted with no relay running)", f"{d['events']:,}"],
        ["Events sharing a key with other events", f"{d['shared_key_events']:,}"],
        ["Drained by `OutboxRelay.drain_once` loop", f"{d['drained']:,} in {d['batches']} batches"],
        ["Drain time", f"{d['seconds']:.2f} s"],
        ["Drain rate", f"{d['events_per_second']:,.0f} events/s"],
        ["Rows still pending afterwards", str(d["pending_after"])],
        ["Read back from the topic", f"{d['arrived_on_topic']:,} (missing {d['missing_on_topic']})"],
        ["Keys whose events arrived out of commit order", str(d["keys_out_of_order"])],
    ]
    return "## Relay drain\n\n" + markdown_table(["", "Value"], rows)


def _propagation(results: dict[str, Any]) -> str:
    """Propagation under steady load, with its stages."""
    p = results["propagation"]
    stages = p["stages_ms"]
    rows = [
        _quantile_row("Registry write latency (scheduled send to 2xx)", p["write_latency_ms"]),
        _quantile_row("Propagation (2xx to monitor `projected_at`)", p["propagation_ms"]),
        _quantile_row("  of which 2xx to relay `sent_at`", stages["response_to_relay_sent"]),
        _quantile_row("  of which `sent_at` to `projected_at`", stages["relay_sent_to_projected"]),
        _quantile_row("Load generator lag (send after schedule)", p["generator_lag_ms"]),
    ]
    facts = (
        f"Offered {p['offered_rps']:.0f} writes/s for {results['parameters']['duration_seconds']:.0f} s after a "
        f"{results['parameters']['warmup_seconds']:.0f} s warm-up; achieved {p['achieved_rps']:.1f} writes/s. "
        f"Measured requests {p['requests']:,}, succeeded {p['ok']:,}, failed {p['errors']}"
        f"{' ' + json.dumps(p['error_kinds']) if p['error_kinds'] else ''}. "
        f"All {p['acknowledged_writes']:,} acknowledged writes (warm-up included): {p['missing']} never reached the "
        f"read model; the monitor caught up {p['catch_up_seconds']:.2f} s after the last response. "
        f"The registry's relay published them in {p['relay_batches']:,} batches "
        f"({p['acknowledged_writes'] / max(1, p['relay_batches']):.1f} events per batch). "
        "`sent_at` is set when the relay marks the batch sent, after the broker's acks, so the second stage can be "
        "negative for events the monitor projected before the relay's UPDATE."
    )
    header = ["Milliseconds", "count", "p50", "p95", "p99", "max"]
    return "## Propagation under steady load\n\n" + facts + "\n\n" + markdown_table(header, rows)


def _comparison(results: dict[str, Any]) -> str:
    """Kit versus bare baseline write latency."""
    kit, bare, ratio = results["propagation"], results["baseline"], results["comparison"]
    rows = [
        _quantile_row("Kit (registry: FastAPI, SQLModel, auth, telemetry, outbox)", kit["write_latency_ms"]),
        _quantile_row("Baseline (FastAPI + asyncpg, same two inserts)", bare["write_latency_ms"]),
    ]
    note = (
        f"Same database, same offered load ({bare['offered_rps']:.0f}/s, achieved {bare['achieved_rps']:.1f}/s, "
        f"{bare['errors']} failed). Kit / baseline: p50 x{ratio['write_p50_ratio']}, p99 x{ratio['write_p99_ratio']}. "
        "The baseline ran alone; during the kit's run the relay and the monitor were also at work."
    )
    return (
        "## Kit versus baseline (write latency)\n\n"
        + markdown_table(["Milliseconds", "count", *QUANTILES], rows)
        + ("\n\n" + note)
    )


def _flat_out(results: dict[str, Any]) -> str:
    """The registry's flat-out POST rate beside the bare baseline's, and what stands in the way."""
    flat_out = results["flat_out"]
    rows = []
    for label, name in (("Registry (`lcn_registry.main:create_app`)", "registry"), ("Bare baseline", "baseline")):
        run = flat_out[name]
        latency = run["write_latency_ms"]
        rows.append(
            [
                label,
                f"{run['achieved_rps']:,.1f}",
                f"{run['ok']:,}",
                str(run["errors"]),
                _fmt_ms(latency.get("p50")),
                _fmt_ms(latency.get("p99")),
                format_number(run["service_cpu_ms_per_write"]),
            ]
        )
    comparison = flat_out["comparison"]
    note = (
        f"{flat_out['registry']['clients']} clients each send their next `POST /v1/communities` as soon as the last "
        f"one answered, for {results['parameters']['saturation_seconds']:.0f} s after a warm-up, against each app "
        "alone on the same database (the registry with its relay publishing to the broker and its duplicate-review "
        "consumer, the baseline doing its two inserts). "
        f"Registry / baseline: x{comparison['ratio']}, goal x{comparison['goal']}."
    )
    if "in_the_way" in comparison:
        note += f" Short of the goal. What stands in the way: {comparison['in_the_way']}"
    header = ["App", "POSTs/s", "2xx", "Failed", "p50", "p99", "App CPU ms per write"]
    return "## Flat-out writes (registry versus bare baseline)\n\n" + markdown_table(header, rows) + "\n\n" + note


def _cpu(results: dict[str, Any]) -> str:
    """CPU seconds per process during each load run."""
    kit, bare = results["propagation"]["cpu_seconds"], results["baseline"]["cpu_seconds"]
    if not kit:
        return "## CPU\n\npsutil is not installed: no CPU figures."
    names = [name for name in {**kit, **bare} if name not in CPU_SUMMARY_KEYS]
    rows = [[name, format_number(kit.get(name)), format_number(bare.get(name))] for name in names]
    labels = {"outside_benchmark": "other processes on the machine", "wall_seconds": "wall seconds"}
    labels["machine_busy_percent"] = "machine busy %"
    rows += [[label, format_number(kit.get(key)), format_number(bare.get(key))] for key, label in labels.items()]
    kit_sessions = results["propagation"].get("postgres_sessions_opened", {})
    bare_sessions = results["baseline"].get("postgres_sessions_opened", {})
    for name in kit_sessions:
        rows.append([f"PostgreSQL sessions opened ({name})", str(kit_sessions[name]), str(bare_sessions.get(name, 0))])
    note = (
        "\n\nPostgreSQL counts its backends, including those of connections closed during the run. Other processes = "
        "the machine's busy CPU time minus the processes above (kernel network and I/O work, other jobs)."
    )
    return (
        "## CPU during the load runs (CPU seconds)\n\n"
        + markdown_table(["Process", "Kit run", "Baseline run"], rows)
        + note
    )


def _quantile_row(label: str, stats: dict[str, Any]) -> list[str]:
    """A label, the count and the quantiles of one distribution."""
    return [label, str(stats.get("count", 0)), *(format_number(stats.get(q)) for q in QUANTILES)]


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def format_number(value: Any) -> str:
    """A number with one decimal, or a dash."""
    return "-" if value is None else f"{value:,.1f}"


def _fmt_ms(value: Any) -> str:
    """Milliseconds, or a dash."""
    return "-" if value is None else f"{value:,.1f} ms"


def print_summary(console: Console, results: dict[str, Any], markdown: Path) -> None:
    """The verdict table and where the report went, on the console."""
    table = Table(title="lcn bench pipeline")
    for column in ("Measure", "Result", "Target", "Verdict"):
        table.add_column(column)
    for target in results["targets"]:
        verdict = "[green]PASS[/green]" if target["passed"] else "[red]FAIL[/red]"
        table.add_row(target["name"], target["result"], target["target"], verdict)
    ratio = results["comparison"]
    table.add_row(
        "Write latency kit / baseline", f"p50 x{ratio['write_p50_ratio']}, p99 x{ratio['write_p99_ratio']}", "", ""
    )
    console.print(table)
    if "in_the_way" in results["flat_out"]["comparison"]:
        console.print(f"flat-out POSTs short of the goal: {results['flat_out']['comparison']['in_the_way']}")
    console.print(f"report: {markdown}")


class CpuMeter:
    """CPU seconds used by named process trees between `start` and `stop`, plus the machine's busy share."""

    def __init__(self, roots: dict[str, int | None]) -> None:
        self.roots = {name: pid for name, pid in roots.items() if pid is not None}
        self.own_pid = os.getpid()  # the load generator: this process alone, not the servers it started
        self._before: dict[str, dict[int, float]] = {}
        self._machine_before: Any = None
        self._started = 0.0

    def start(self) -> None:
        """Take the first reading."""
        if psutil is None:
            return
        self._before = {name: _tree_cpu(pid) for name, pid in self.roots.items()}
        self._before["load_generator"] = _tree_cpu(self.own_pid, recursive=False)
        self._machine_before = psutil.cpu_times()
        self._started = time.perf_counter()

    def stop(self) -> dict[str, float]:
        """CPU seconds per name since `start`, plus the wall time, the machine's busy share and CPU used by others."""
        if psutil is None or self._machine_before is None:
            return {}
        used = {}
        for name, pid in self.roots.items():
            after = _tree_cpu(pid)
            before = self._before.get(name, {})
            used[name] = round(sum(cpu - before.get(child, 0.0) for child, cpu in after.items()), 2)
        own = _tree_cpu(self.own_pid, recursive=False).get(self.own_pid, 0.0)
        used["load_generator"] = round(own - self._before["load_generator"].get(self.own_pid, 0.0), 2)
        machine_after = psutil.cpu_times()
        idle = _idle_seconds(machine_after) - _idle_seconds(self._machine_before)
        total = _total_seconds(machine_after) - _total_seconds(self._machine_before)
        ours = sum(used.values())
        used["wall_seconds"] = round(time.perf_counter() - self._started, 2)
        used["machine_busy_percent"] = round(100 * (1 - idle / total), 1) if total > 0 else 0.0
        # Other sessions or jobs on a shared machine skew every number; this makes them visible.
        used["outside_benchmark"] = round(max(0.0, total - idle - ours), 2)
        return used


def _idle_seconds(times: Any) -> float:
    """Idle plus I/O wait seconds of all CPUs."""
    return float(times.idle + times.iowait)


def _total_seconds(times: Any) -> float:
    """All CPU seconds; guest time is already part of user time on Linux, so it is left out."""
    return float(sum(times) - getattr(times, "guest", 0.0) - getattr(times, "guest_nice", 0.0))


def _tree_cpu(pid: int, *, recursive: bool = True) -> dict[int, float]:
    """User plus system CPU seconds of a process and (when recursive) each of its descendants, by pid."""
    assert psutil is not None
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)] if recursive else [root]
    except psutil.Error:
        return {}
    readings = {}
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        readings[process.pid] = times.user + times.system
        if recursive and process is root:
            # Children that exited and were reaped (PostgreSQL backends of closed connections) count here.
            readings[process.pid] += times.children_user + times.children_system
    return readings
