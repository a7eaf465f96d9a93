"""The events benchmark's report: targets, the Markdown and JSON files, and the console summary."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from lcn_benchmarks.monitor_report import QUANTILES, git, verdict_word, versions
from lcn_benchmarks.report import format_number, machine_info, markdown_table, target_row

FEED_TARGET_P99_MS = 150.0
YEAR_TARGET_P99_MS = 100.0
REGISTRATIONS_TARGET_PER_SECOND = 200.0
CPU_SHOWN = ("events", "postgres", "broker", "load_generator", "outside_benchmark", "wall_seconds")


def _versions() -> dict[str, str]:
    """The monitor report's package versions with the events service's in place of the monitor's, and the events
    service's and the kit's files changed since the commit."""
    found = versions()
    found.pop("lcn-monitor", None)
    found.pop("changed since", None)
    try:
        found["lcn-events"] = version("lcn-events")
    except PackageNotFoundError:
        found["lcn-events"] = "-"
    changed = git("status", "--short", "--untracked-files=all", "--", "services/events/src", "shared/src").splitlines()
    return found | {"changed since": f"{len(changed)} files" if changed else "nothing"}


def evaluate_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with its measured result and whether it passed (None: reported, not judged)."""
    cores = len(os.sched_getaffinity(0))
    size = f"{results['setup']['events']:,} events"
    targets = []
    for label, section, goal in (
        ("ICS feed `GET /v1/calendar.ics`", "feed", FEED_TARGET_P99_MS),
        (f"Year view `GET {results['year_view']['path']}`", "year_view", YEAR_TARGET_P99_MS),
    ):
        for concurrency, measured in results[section]["by_concurrency"].items():
            p99 = measured["latency_ms"].get("p99")
            row = target_row(
                f"{label} p99, {concurrency} in flight ({size})",
                f"{format_number(p99)} ms ({measured['errors']} errors)",
                f"< {goal:.0f} ms, 0 errors",
                p99 is not None and p99 < goal and measured["errors"] == 0,
            )
            targets.append(row | ({} if int(concurrency) <= cores else {"passed": None}))
    for label, section in (("ICS feed", "feed"), ("Year view", "year_view")):
        if (changed := results[section].get("after_every_change")) is None:
            continue  # a report of a run before the year view had this row
        targets.append(
            target_row(
                f"{label} p99, first request after a change (reported, not judged)",
                f"{format_number(changed['latency_ms'].get('p99'))} ms ({changed['errors']} errors)",
                "-",
                False,
            )
            | {"passed": None}
        )
    registrations = results["registrations"]
    rate, oversold = registrations["registrations_per_second"], registrations["oversold_events"]
    targets.append(
        target_row(
            f"Registrations, {registrations['clients']} clients flat out on {registrations['events']} events",
            f"{rate:,.1f}/s, {registrations['errors']} errors, {oversold} events oversold "
            f"({registrations['confirmed_in_database']:,} confirmed for {registrations['places']:,} places)",
            f">= {REGISTRATIONS_TARGET_PER_SECOND:.0f}/s, 0 errors, no overselling",
            rate >= REGISTRATIONS_TARGET_PER_SECOND and registrations["errors"] == 0 and oversold == 0,
        )
    )
    return targets


def write_report(results: dict[str, Any], output_dir: Path, started_at: datetime) -> Path:
    """Write `events-<stamp>.json`, `.md` and `events-latest.md`; return the stamped Markdown path."""
    results |= {"finished_at": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine_info()}
    results["versions"] = _versions()
    results["targets"] = evaluate_targets(results)
    output_dir.mkdir(parents=True, exist_ok=True)
    markdown, stem = render_markdown(results), output_dir / f"events-{started_at.strftime('%Y%m%d-%H%M%S')}"
    stem.with_suffix(".json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    for path in (stem.with_suffix(".md"), output_dir / "events-latest.md"):
        path.write_text(markdown)
    return stem.with_suffix(".md")


def render_markdown(results: dict[str, Any]) -> str:
    """The whole report as Markdown."""
    verdicts = [[t["name"], t["result"], t["target"], verdict_word(t["passed"])] for t in results["targets"]]
    parameters = results["parameters"]
    sections = [
        f"# Events benchmark, {results['started_at']}\n\n{INTRODUCTION}\n\nFinished {results['finished_at']}; raw "
        "numbers in the `.json` file of the same name.",
        "## Results\n\n" + markdown_table(["Measure", "Result", "Target", "Verdict"], verdicts),
        "## Setup\n\n" + _setup(results),
        "## ICS feed\n\n" + _latencies(results["feed"], after=True) + "\n\n" + FEED_NOTE.format(**parameters),
        "## Year view\n\n"
        + _latencies(results["year_view"], after="after_every_change" in results["year_view"])
        + "\n\n"
        + YEAR_NOTE.format(**parameters),
        "## Registrations\n\n" + _registrations(results) + "\n\n" + REGISTRATION_NOTE.format(**parameters),
        "## CPU per measurement (CPU seconds)\n\n" + _cpu(results),
        "## Machine, infrastructure and versions\n\n" + _environment(results),
        "## Parameters\n\n"
        + markdown_table(["Parameter", "Value"], [[k, json.dumps(v)] for k, v in parameters.items()]),
        "## How to reproduce\n\n" + REPRODUCE,
    ]
    return "\n\n".join(sections) + "\n"


def _setup(results: dict[str, Any]) -> str:
    """The calendar the benchmark loaded."""
    setup, facts = results["setup"], results["facts"]
    mix = setup["mix"]

    def listed(counts: dict[str, int]) -> str:
        return ", ".join(f"{count:,} {name}" for name, count in sorted(counts.items()))

    return "\n".join(
        [
            f"- {setup['events']:,} events created (`POST /v1/events`) and published (`POST .../publish`) through the "
            f"API, {results['parameters']['load_in_flight']} at a time, in {setup['load_seconds']:.1f} s, all starting "
            f"in {results['parameters']['year']} (series may reach into the next year).",
            f"- Shapes: {listed(mix['shapes'])}. Kinds: {listed(mix['kinds'])}.",
            f"- Landsdelen: {listed(mix['landsdelen'])}; {mix['with_capacity']:,} with a capacity.",
            f"- The feed: {facts['feed_events']:,} VEVENTs (a series is one, with its RRULE), {facts['feed_bytes']:,} "
            f"bytes. The year view: {facts['year_entries']:,} entries over its months (every occurrence of a series, "
            "a multi-day one in each month it touches).",
        ]
    )


def _latencies(section: dict[str, Any], *, after: bool = False) -> str:
    """Latency per concurrency (and after a change) of one path."""
    rows = [_row(f"`GET {section['path']}`", measured) for measured in section["by_concurrency"].values()]
    if after:
        rows.append(_row(f"`GET {section['path']}`, after a change before each", section["after_every_change"]))
    header = ["Request", "In flight", "Requests", "Errors", *QUANTILES, "Requests/s", "Bytes"]
    return markdown_table([*header, "CPU s events", "CPU s PostgreSQL"], rows)


def _row(label: str, measured: dict[str, Any]) -> list[str]:
    """One latency measurement as a table row."""
    cpu = measured["cpu_seconds"]
    return [
        label,
        str(measured["concurrency"]),
        str(measured["requests"]),
        str(measured["errors"]),
        *(format_number(measured["latency_ms"].get(q)) for q in QUANTILES),
        f"{measured['throughput_rps']:,.1f}",
        f"{measured['response_bytes']:,}",
        format_number(cpu.get("events")),
        format_number(cpu.get("postgres")),
    ]


def _registrations(results: dict[str, Any]) -> str:
    """The registration run and the places afterwards."""
    run = results["registrations"]
    latency = run["latency_ms"]
    statuses = ", ".join(f"{count:,} {status}" for status, count in sorted(run["statuses"].items()))
    rows = [
        [
            str(run["events"]),
            f"{run['places']:,}",
            f"{run['requests']:,}",
            str(run["clients"]),
            f"{run['seconds']:.2f}",
            f"{run['registrations_per_second']:,.1f}",
            *(format_number(latency.get(q)) for q in QUANTILES),
            statuses,
        ]
    ]
    header = ["Events", "Places", "POSTs", "Clients", "Seconds", "Registrations/s", *QUANTILES, "Answers"]
    places = (
        f"Afterwards, counted in the database: {run['confirmed_in_database']:,} confirmed and "
        f"{run['waitlisted_in_database']:,} waiting for {run['places']:,} places; {run['oversold_events']} events "
        f"with more confirmed than places (overselling), {run['unfilled_events']} with places left."
    )
    return markdown_table(header, rows) + "\n\n" + places


def _cpu(results: dict[str, Any]) -> str:
    """CPU seconds per process during each measurement."""
    columns: dict[str, dict[str, float]] = {}
    for name, section in (("feed", results["feed"]), ("year view", results["year_view"])):
        for concurrency, measured in section["by_concurrency"].items():
            columns[f"{name} x{concurrency}"] = measured["cpu_seconds"]
    columns["feed after change"] = results["feed"]["after_every_change"]["cpu_seconds"]
    if "after_every_change" in results["year_view"]:
        columns["year view after change"] = results["year_view"]["after_every_change"]["cpu_seconds"]
    columns["registrations"] = results["registrations"]["cpu_seconds"]
    rows = [[name, *(format_number(cpu.get(name)) for cpu in columns.values())] for name in CPU_SHOWN]
    note = (
        "`load_generator` is this process (the client); `outside_benchmark` the machine's busy time beyond the "
        "processes listed (well above zero: the run was disturbed)."
    )
    return markdown_table(["Process", *columns], rows) + "\n\n" + note


def _environment(results: dict[str, Any]) -> str:
    """Machine, servers and package versions."""
    machine, infra = results["machine"], results["infrastructure"]
    found = dict(results["versions"])
    commit, changed = found.pop("commit", "-"), found.pop("changed since", "-")
    settings = ", ".join(
        f"{name}={value}" for name, value in sorted(infra.items()) if name not in ("postgres", "broker")
    )
    return "\n".join(
        [
            f"- Machine: {machine['cores']} cores ({machine['usable_cores']} usable, {machine['cpu_model']}), "
            f"{machine['memory_gib']} GiB memory, {machine['os']}; {machine['python']}",
            f"- PostgreSQL: {infra['postgres']}; broker: {infra['broker']}; {settings}",
            f"- Versions: {', '.join(f'{name} {number}' for name, number in found.items())}",
            f"- Code measured: commit {commit}; the events service's and the kit's files changed since: {changed}",
            "- Layout: PostgreSQL, the broker, the events service (`lcn_events.main:create_app`, one uvicorn process "
            "with uvloop and httptools, its relay and consumers on, its periodic workers off) and the client (this "
            "process) share the machine's cores.",
        ]
    )


def print_summary(console: Console, results: dict[str, Any], markdown: Path) -> None:
    """The verdict table and where the report went."""
    table = Table("Measure", "Result", "Target", "Verdict", title="lcn bench events")
    for target in results["targets"]:
        table.add_row(target["name"], target["result"], target["target"], verdict_word(target["passed"]))
    console.print(table, f"report: {markdown}")


INTRODUCTION = (
    "One run of `lcn bench events`, against issue 10's speed targets: (1) the network's ICS feed with 2,000 "
    "published events answers at p99 < 150 ms; (2) registrations sustain at least 200/s with no overselling; (3) "
    "the year view with 2,000 events answers at p99 < 100 ms. Everything is measured against the events service as "
    "a separate uvicorn process over HTTP, on a PostgreSQL and broker the benchmark starts itself."
)
FEED_NOTE = (
    "Closed loop with httpx: each client sends its next request when the last one answered; {warmup_requests} "
    "warm-up requests first, not counted, then {feed_requests} polls without `If-None-Match` (a 200 with the whole "
    "body each time, as a calendar app that ignores ETags polls). Up to as many in flight as the machine has cores "
    "is judged; more would measure queueing. The service keeps the feed's bytes per version of the public events "
    "(`lcn_events/kept.py`), so polls between changes are served as kept. The row 'after a change before each' changes "
    "one event's description through the API (`PATCH`, untimed) before each of {changed_requests} requests, so each "
    "builds the feed anew: the cost of the first request after a change, reported and not judged."
)
YEAR_NOTE = (
    "`GET /v1/calendar/{year}` without a key (public events), {year_requests} requests after {warmup_requests} "
    "warm-up ones, closed loop as above, each a 200 with the whole body (no `If-None-Match`). The public's view "
    "is kept per version of the public events and the organisers' names (`lcn_events/kept.py`, ADR 0030), so the "
    "judged rows measure views served as kept between changes. The row 'after a change before each' changes one "
    "event through the API (untimed) before each of {changed_requests} requests, so each makes the view anew: the "
    "cost of the first request after a change, reported and not judged."
)
REGISTRATION_NOTE = (
    "`POST /v1/events/{{id}}/registrations` by {registration_clients} clients (2 per usable core) flat out, each "
    "sending its next as soon as the last answered, on the first {registration_events} single events with a "
    "capacity, {registrations_per_place} registrations per place, interleaved so that every event is contended at "
    "once; each person a new example.org address. Registrations/s: the answers that took a registration "
    "(confirmed, waitlisted or pending) over the run's wall time. Afterwards the confirmed are counted per event in "
    "the database and compared with its capacity: more confirmed than places on any event is overselling (FAIL)."
)
REPRODUCE = """\
```sh
./run lcn bench events                                  # the defaults below, report in benchmarks/
lcn bench events --events 2000 --feed-requests 300 --year-requests 300 --changed-requests 20 \\
  --concurrency 1 --concurrency 2 --registration-events 20 --clients-per-core 2 --output-dir benchmarks
```

Set `DATABASE_URL` and `KAFKA_BOOTSTRAP_SERVERS` to measure against servers of your own (the run then uses
databases and topics under a unique `bench<hex>` prefix); without them it starts an embedded PostgreSQL (durable)
and an embedded Tansu broker and stops them again."""
