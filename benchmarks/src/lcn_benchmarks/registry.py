"""`lcn bench registry`: feed imports with matching at 10,000 records, filtered search at 300 and 10,000, and the
sequential POST latency at about 300 communities and at 20,000.

Runs on infrastructure it starts itself (embedded durable PostgreSQL and Tansu, or `DATABASE_URL` /
`KAFKA_BOOTSTRAP_SERVERS` under unique prefixes), with the registry as a uvicorn subprocess on a free port,
driven over HTTP the way `lcn feeds import` drives it. The numbers go to a Markdown report and a JSON file.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from itertools import combinations
from pathlib import Path
from typing import Any, Literal
from uuid import UUID, uuid4

import asyncpg
from rich.console import Console
from rich.table import Table

from lcn_benchmarks import write_cost
from lcn_benchmarks.load import ServiceProcess, start_service, wait_ready
from lcn_benchmarks.pipeline import Infrastructure, benchmark_infrastructure, drop_databases, run_sync, server_facts
from lcn_benchmarks.report import CpuMeter, format_number, machine_info, markdown_table, target_row
from lcn_benchmarks.search import measure_search
from lcn_registry.demo.feeds import KATAPULT, TECHNIEKPACT, DemoFeeds, demo_feeds, large_feeds, write_feed
from lcn_registry.feeds.client import deliver_with_progress, read_feed, registry_client
from lcn_shared.auth.keys import Role, issue_key
from lcn_shared.contracts.registry import COMMUNITY_TOPIC
from lcn_shared.migrations import migrate
from lcn_shared.settings import IDENTITY

IMPORT_TARGET_SECONDS = 20.0
SEARCH_TARGET_P99_MS = 50.0
SEARCH_WARMUP_REQUESTS = 100
PACKAGES = ("lcn-registry", "lcn-shared", "fastapi", "uvicorn", "sqlalchemy", "asyncpg", "rapidfuzz", "httpx")
# Each feed in its own style and format, as the partners deliver them.
FEED_FORMATS: dict[str, Literal["json", "ndjson", "csv"]] = {KATAPULT: "ndjson", TECHNIEKPACT: "csv"}
Pair = frozenset[tuple[str, str]]


def run_registry_benchmark(
    *,
    output_dir: Path,
    records: int = 10_000,
    search_requests: int = 2000,
    batch_size: int = 1000,
    concurrency: Sequence[int] = (1, 2, 4),
    grown_communities: int = 20_000,
    sequential_writes: int = 300,
    progress: bool = True,
) -> Path:
    """Measure both networks (the demo network, then `records` feed records) and a write's cost as the registry
    grows; write the report."""
    console = Console(quiet=not progress)
    started_at = datetime.now(UTC)
    parameters = {
        "records": records,
        "search_requests": search_requests,
        "search_warmup_requests": min(SEARCH_WARMUP_REQUESTS, search_requests),
        "search_concurrency": list(concurrency),
        "batch_size": batch_size,
        "feed_formats": FEED_FORMATS,
        "grown_communities": grown_communities,
        "sequential_writes": sequential_writes,
    }
    workdir = Path(tempfile.mkdtemp(prefix="lcn-bench-registry-"))
    try:
        with benchmark_infrastructure(workdir, console) as infra:
            small, writes = _derived(infra, "small"), _derived(infra, "writes")
            for each in (small, writes, infra):
                migrate(IDENTITY, each.platform)
                migrate("registry", each.platform)
            infra.description.update(run_sync(server_facts(infra)))
            try:
                demo = _measure_network(small, workdir / "small", demo_feeds(), parameters, console)
            finally:
                run_sync(drop_databases(small.platform))
            large = _measure_network(infra, workdir / "large", large_feeds(records), parameters, console)
            try:
                write_cost_results = _measure_write_cost(writes, workdir / "writes", parameters, console)
            finally:
                run_sync(drop_databases(writes.platform))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    results: dict[str, Any] = {
        "benchmark": "registry",
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "versions": _versions(),
        "infrastructure": infra.description,
        "parameters": parameters,
        "networks": {"demo": demo, "large": large},
        "write_cost": write_cost_results,
    }
    results["targets"] = evaluate_targets(results)
    markdown = write_report(results, output_dir, started_at)
    print_summary(console, results, markdown)
    return markdown


def _derived(infra: Infrastructure, name: str) -> Infrastructure:
    """The same servers under prefixes of their own, so a second registry starts from empty databases."""
    platform = infra.platform.model_copy(
        update={
            "database_prefix": f"{infra.platform.database_prefix}{name}_",
            "topic_prefix": f"{infra.platform.topic_prefix}{name}.",
        }
    )
    return Infrastructure(platform, infra.description, infra.pids)


@contextmanager
def _registry(infra: Infrastructure, workdir: Path) -> Iterator[ServiceProcess]:
    """The registry under uvicorn on a free port, ready."""
    with ExitStack() as stack:
        registry = start_service(stack, "registry", "lcn_registry.main:create_app", infra.service_env(), workdir)
        run_sync(wait_ready(registry, "/health/ready"))
        yield registry


def _measure_write_cost(
    infra: Infrastructure, workdir: Path, parameters: dict[str, Any], console: Console
) -> dict[str, Any]:
    """Sequential POSTs in a registry of about 300 communities and again once it has grown (`write_cost`)."""
    workdir.mkdir(parents=True)
    feed_key = run_sync(issue_key(infra.platform, role=Role.FEED, feed_source=write_cost.GROWTH_SOURCE))
    partner_key = run_sync(
        issue_key(infra.platform, role=Role.PARTNER, organisation_id=uuid4(), organisation_name="Benchmark partner")
    )

    def settle() -> int:
        run_sync(_settle(infra))
        return run_sync(_registry_facts(infra))[0]

    with _registry(infra, workdir) as registry:
        return write_cost.measure(
            registry,
            CpuMeter({**infra.pids, "registry": registry.process.pid}),
            feed_key=feed_key,
            partner_key=partner_key,
            workdir=workdir,
            grown_to=parameters["grown_communities"],
            writes=parameters["sequential_writes"],
            batch_size=parameters["batch_size"],
            settle=settle,
            console=console,
        )


def _measure_network(
    infra: Infrastructure, workdir: Path, feeds: DemoFeeds, parameters: dict[str, Any], console: Console
) -> dict[str, Any]:
    """Import both feeds into an empty registry, then measure filtered search over what they made."""
    workdir.mkdir(parents=True)
    keys = {source: run_sync(issue_key(infra.platform, role=Role.FEED, feed_source=source)) for source in FEED_FORMATS}
    with _registry(infra, workdir) as registry:
        imports: dict[str, dict[str, Any]] = {}
        results: dict[str, list[dict[str, Any]]] = {}
        for source, records in ((KATAPULT, feeds.katapult), (TECHNIEKPACT, feeds.techniekpact)):
            path = workdir / f"{source}.{FEED_FORMATS[source]}"
            write_feed(records, path, FEED_FORMATS[source])
            imports[source], results[source] = _import(
                registry, infra, source=source, key=keys[source], path=path, options=parameters, console=console
            )
        run_sync(_settle(infra))
        communities, partner_ids = run_sync(_registry_facts(infra))
        console.log(f"measuring search over {communities:,} communities")
        meter = CpuMeter({**infra.pids, "registry": registry.process.pid})
        search = run_sync(_search(registry, meter, partner_ids, parameters))
    return {
        "feed_records": {KATAPULT: len(feeds.katapult), TECHNIEKPACT: len(feeds.techniekpact)},
        "communities": communities,
        "imports": imports,
        "linking": linking_quality(results, feeds.truth),
        "search": search,
    }


def _import(
    registry: ServiceProcess,
    infra: Infrastructure,
    *,
    source: str,
    key: str,
    path: Path,
    options: dict[str, Any],
    console: Console,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Deliver a feed file as `lcn feeds import` does, timed from reading the file to the completed job."""
    meter = CpuMeter({**infra.pids, "registry": registry.process.pid})
    meter.start()
    started = time.perf_counter()
    batches = read_feed(path, "auto", options["batch_size"])
    with registry_client(registry.url, key) as client:
        run = deliver_with_progress(client, source=source, mode="snapshot", batches=batches, console=console)
    seconds = time.perf_counter() - started
    summary = {
        "job_id": run.job["job_id"],
        "state": run.job["state"],
        "records": run.records,
        "batches": len(batches),
        "seconds": round(seconds, 2),
        "records_per_second": round(run.records / seconds, 1) if seconds > 0 else 0.0,
        "counts": run.job["counts"],
        "cpu_seconds": meter.stop(),
    }
    return summary, run.results


async def _settle(infra: Infrastructure) -> None:
    """Reach the steady state search runs in: the imports' events published, the tables vacuumed and analysed
    (what autovacuum does after a bulk load), so that search is not measured against a transient."""
    conn = await asyncpg.connect(infra.dsn("registry"))
    try:
        while await conn.fetchval("SELECT count(*) FROM outbox_message WHERE sent_at IS NULL"):
            await asyncio.sleep(0.5)
        # The registry consumes its own community events (the duplicate review): until its inbox has every
        # one of them, that consumer competes with search for the cores.
        published = await conn.fetchval("SELECT count(*) FROM outbox_message WHERE topic = $1", COMMUNITY_TOPIC)
        deadline = asyncio.get_running_loop().time() + 300
        while await conn.fetchval("SELECT count(*) FROM inbox_message") < published:
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError("the registry's own consumer did not catch up within 300 s")
            await asyncio.sleep(0.5)
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


async def _registry_facts(infra: Infrastructure) -> tuple[int, list[UUID]]:
    """How many communities the registry holds, and some partner ids to filter on."""
    conn = await asyncpg.connect(infra.dsn("registry"))
    try:
        communities = int(await conn.fetchval("SELECT count(*) FROM community"))
        rows = await conn.fetch("SELECT organisation_id FROM organisation ORDER BY name LIMIT 50")
    finally:
        await conn.close()
    return communities, [row[0] for row in rows]


async def _search(
    registry: ServiceProcess, meter: CpuMeter, partner_ids: list[UUID], parameters: dict[str, Any]
) -> dict[str, Any]:
    """A warm-up, left out of the numbers, then the measured searches at each concurrency, with their CPU use."""
    warmup, requests = parameters["search_warmup_requests"], parameters["search_requests"]
    sources = tuple(FEED_FORMATS)  # the feeds imported: a search naming another source is a 422
    await measure_search(
        registry.url, requests=warmup, concurrency=2, seed=3, partner_ids=partner_ids, feed_sources=sources
    )
    measured = {}
    for concurrency in parameters["search_concurrency"]:
        meter.start()
        search = await measure_search(
            registry.url, requests=requests, concurrency=concurrency, partner_ids=partner_ids, feed_sources=sources
        )
        measured[str(concurrency)] = {**search, "cpu_seconds": meter.stop()}
    return measured


def linking_quality(results: dict[str, list[dict[str, Any]]], truth: dict[tuple[str, str], str]) -> dict[str, Any]:
    """Pairwise precision and recall of the records placed in one community, against the generator's truth."""
    linked: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for source, source_results in results.items():
        for result in source_results:
            if result.get("community_id"):
                linked[str(result["community_id"])].append((source, str(result["external_id"])))
    placed = {record for members in linked.values() for record in members}
    same: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for record, community_key in truth.items():
        if record in placed:
            same[community_key].append(record)
    predicted, true = _pairs(linked), _pairs(same)
    correct = len(predicted & true)
    return {
        "records": len(placed),
        "predicted_pairs": len(predicted),
        "true_pairs": len(true),
        "correct_pairs": correct,
        "precision": round(correct / len(predicted), 4) if predicted else 1.0,
        "recall": round(correct / len(true), 4) if true else 1.0,
    }


def _pairs(clusters: dict[str, list[tuple[str, str]]]) -> set[Pair]:
    """Every pair of records in the same cluster."""
    return {frozenset(pair) for members in clusters.values() for pair in combinations(sorted(members), 2)}


def _versions() -> dict[str, str]:
    """Versions of the packages that decide the numbers."""
    found = {}
    for package in PACKAGES:
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "-"
    return found


def evaluate_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with its measured result and whether it passed."""
    large, targets = results["networks"]["large"], []
    for source, label in ((KATAPULT, "into an empty registry"), (TECHNIEKPACT, "linking to existing records")):
        measured = large["imports"][source]
        name = f"Import {measured['records']:,} {source} records with matching, {label}"
        passed = measured["state"] == "completed" and measured["seconds"] < IMPORT_TARGET_SECONDS
        targets.append(target_row(name, f"{measured['seconds']:.1f} s", f"< {IMPORT_TARGET_SECONDS:.0f} s", passed))
    for network in results["networks"].values():
        for concurrency, search in network["search"].items():
            if int(concurrency) > len(os.sched_getaffinity(0)):
                continue  # more searches in flight than cores measures queueing: reported, not judged
            communities = network["communities"]
            judged = (
                ("Filtered search", search["latency_ms_without_facets"].get("p99")),
                ("Search with facet counts", search["latency_ms_by_kind"].get("facets", {}).get("p99")),
            )
            for label, p99 in judged:
                passed = p99 is not None and p99 < SEARCH_TARGET_P99_MS and search["errors"] == 0
                name = f"{label} p99 at {communities:,} communities, {concurrency} in flight"
                result = f"{format_number(p99)} ms ({search['errors']} errors)"
                targets.append(target_row(name, result, f"< {SEARCH_TARGET_P99_MS:.0f} ms, 0 errors", passed))
    targets.append(write_cost.target(results["write_cost"]))
    return targets


def write_report(results: dict[str, Any], output_dir: Path, started_at: datetime) -> Path:
    """Write `registry-<stamp>.json`, `.md` and `registry-latest.md`; return the stamped Markdown path."""
    output_dir.mkdir(parents=True, exist_ok=True)
    markdown, stem = render_markdown(results), output_dir / f"registry-{started_at.strftime('%Y%m%d-%H%M%S')}"
    stem.with_suffix(".json").write_text(json.dumps(results, indent=2) + "\n")
    for path in (stem.with_suffix(".md"), output_dir / "registry-latest.md"):
        path.write_text(markdown)
    return stem.with_suffix(".md")


def render_markdown(results: dict[str, Any]) -> str:
    """The whole report as Markdown."""
    verdicts = [[t["name"], t["result"], t["target"], "PASS" if t["passed"] else "FAIL"] for t in results["targets"]]
    sections = [
        f"# Registry benchmark, {results['started_at']}\n\n{INTRODUCTION}\n\nFinished {results['finished_at']}; "
        "raw numbers in the `.json` file of the same name.",
        "## Results\n\n" + markdown_table(["Measure", "Result", "Target", "Verdict"], verdicts),
        "## Feed imports\n\n" + _imports_table(results) + "\n\n" + IMPORT_NOTE,
        "### Where the time of the large imports went\n\n" + _cpu_table(results) + "\n\n" + CPU_NOTE,
        "## Linking quality (for information)\n\n" + _linking_table(results) + "\n\n" + LINKING_NOTE,
        "## Filtered search\n\n" + _search_table(results) + "\n\n" + SEARCH_NOTE.format(**results["parameters"]),
        write_cost.markdown(results["write_cost"]),
        "## Machine, infrastructure and versions\n\n" + _environment(results),
        "## Parameters\n\n"
        + markdown_table(["Parameter", "Value"], [[k, json.dumps(v)] for k, v in results["parameters"].items()]),
        "## How to reproduce\n\n" + REPRODUCE,
    ]
    return "\n\n".join(sections) + "\n"


def _imports_table(results: dict[str, Any]) -> str:
    """One row per import: time, rate and outcomes."""
    names = ("added", "updated", "unchanged", "rejected", "withdrawn", "linked", "review", "new_communities")
    rows = []
    for network, measured in results["networks"].items():
        for source, run in measured["imports"].items():
            outcomes = [f"{run['counts'].get(name, 0):,}" for name in names]
            rate = f"{run['records_per_second']:,.0f}"
            rows.append([network, source, f"{run['records']:,}", f"{run['seconds']:.2f}", rate, *outcomes])
    return markdown_table(["Network", "Feed", "Records", "Seconds", "Records/s", *names], rows)


def _cpu_table(results: dict[str, Any]) -> str:
    """CPU seconds per process during each import of the large network."""
    imports = results["networks"]["large"]["imports"]
    names = list(dict.fromkeys(name for run in imports.values() for name in run["cpu_seconds"]))
    rows = [[name, *(format_number(run["cpu_seconds"].get(name)) for run in imports.values())] for name in names]
    labels = {"load_generator": "client (this process)", "outside_benchmark": "other processes"}
    rows = [[labels.get(row[0], row[0].replace("_", " ")), *row[1:]] for row in rows]
    return markdown_table(["CPU seconds", *imports], rows)


def _linking_table(results: dict[str, Any]) -> str:
    """Pairwise precision and recall per network."""
    rows = []
    for network, measured in results["networks"].items():
        q = measured["linking"]
        pairs = f"{q['correct_pairs']:,} / {q['predicted_pairs']:,} / {q['true_pairs']:,}"
        rows.append([network, f"{q['records']:,}", pairs, f"{q['precision']:.4f}", f"{q['recall']:.4f}"])
    return markdown_table(["Network", "Records", "Pairs correct / linked / true", "Precision", "Recall"], rows)


def _search_table(results: dict[str, Any]) -> str:
    """Latency percentiles per network and concurrency."""
    rows = []
    for network, measured in results["networks"].items():
        for concurrency, s in measured["search"].items():
            latency = [format_number(s["latency_ms"].get(q)) for q in ("p50", "p95", "p99", "max")]
            counts = [f"{measured['communities']:,}", concurrency, str(s["requests"]), str(s["errors"])]
            others = format_number(s["cpu_seconds"].get("outside_benchmark"))
            rows.append([network, *counts, *latency, f"{s['throughput_rps']:,.0f}", others])
    header = ["Network", "Communities", "In flight", "Requests", "Errors", "p50", "p95", "p99", "max", "Requests/s"]
    header.append("CPU s of other processes")
    return markdown_table(header, rows)


def _environment(results: dict[str, Any]) -> str:
    """Machine, servers and package versions."""
    machine, infra = results["machine"], results["infrastructure"]
    versions = ", ".join(f"{name} {number}" for name, number in results["versions"].items())
    return "\n".join(
        [
            f"- Machine: {machine['cores']} cores ({machine['usable_cores']} usable, {machine['cpu_model']}), "
            f"{machine['memory_gib']} GiB memory, {machine['os']}; {machine['python']}",
            f"- PostgreSQL: {infra['postgres']} {infra.get('postgres_version')}, fsync={infra.get('fsync')}, "
            f"synchronous_commit={infra.get('synchronous_commit')} (every acknowledged batch is on disk)",
            f"- Broker: {infra['broker']}; the registry's relay publishes the import's events during the run",
            f"- Versions: {versions}",
            "- Layout: PostgreSQL, the broker, the registry (`lcn_registry.main:create_app` in one uvicorn process, "
            "kit defaults) and the client (this process) share the machine's cores.",
        ]
    )


def print_summary(console: Console, results: dict[str, Any], markdown: Path) -> None:
    """The verdict table and where the report went."""
    table = Table("Measure", "Result", "Target", "Verdict", title="lcn bench registry")
    for target in results["targets"]:
        verdict = "[green]PASS[/green]" if target["passed"] else "[red]FAIL[/red]"
        table.add_row(target["name"], target["result"], target["target"], verdict)
    console.print(table)
    console.print(f"report: {markdown}")


INTRODUCTION = (
    "One run of `lcn bench registry`. Two networks, each in an empty registry: the demo network (`demo_feeds()`, "
    "about 300 communities) and a synthetic one (`large_feeds()`). In each, the Katapult-like feed is imported "
    "first, then the Techniekpact-like feed, whose records must link to the golden records already there; then "
    "filtered searches are timed over the communities the imports made. Then, in a third empty registry, a "
    "write's cost as the registry grows: sequential POSTs at about 300 communities and again at the grown size."
)
IMPORT_NOTE = (
    "Each import is timed as a client sees it, with the functions of `lcn feeds import`: read and split the file, "
    "open a snapshot job, deliver the batches one after another (each answered only after its records were "
    "validated, matched, linked and committed with their events in the outbox), and complete the job. "
    "`linked`: records linked to an existing community; `review`: a match too uncertain to link automatically."
)
CPU_NOTE = (
    "CPU seconds each process used during the import (PostgreSQL and the broker with their children). A registry "
    "figure close to the wall time means the import is bound by the registry's own Python work. Other processes: "
    "the machine's busy time beyond these (other jobs on a shared machine); well above zero, the run was disturbed."
)
LINKING_NOTE = (
    "Pairs of feed records that ended up in the same community, against the generator's ground truth (which true "
    "community each record describes). Rejected records are left out."
)
SEARCH_NOTE = (
    "`measure_search` (lcn_benchmarks.search): {search_requests} seeded `GET /v1/communities` searches with one to "
    "three filters (landsdeel, topsector, kind, status, text, partner, source), sometimes facets and a sort, plus "
    "page two via the cursor when there is one; latencies in milliseconds as the client sees them, once for each "
    "number of searches in flight in {search_concurrency} (closed loop). Search runs in the steady state after the "
    "imports: their events published and the tables vacuumed and analysed, as autovacuum does after a bulk load. "
    "The targets are judged for filtered searches (filters, text, page 2) and, separately, for searches that also "
    "ask for facet counts, with up to as many searches in flight as the machine has cores; more than that "
    "measures queueing on a saturated machine and is reported for information. "
    "{search_warmup_requests} warm-up searches ran first and are not counted."
)
REPRODUCE = """\
```sh
./run lcn bench registry                    # the defaults below
lcn bench registry --records 10000 --search-requests 2000 --batch-size 1000 \\
  --concurrency 1 --concurrency 2 --concurrency 4 --grown 20000 --writes 300
```

Set `DATABASE_URL` and `KAFKA_BOOTSTRAP_SERVERS` to measure against servers of your own (the run then uses
databases and topics under a unique `bench<hex>` prefix); without them it starts an embedded PostgreSQL (durable)
and an embedded Tansu broker and stops them again."""
