"""A tiny run of `lcn bench monitor`: the harness works end to end (its speed targets are not asserted)."""

import json
from pathlib import Path

import pytest

from lcn_benchmarks.monitor import run_monitor_benchmark
from lcn_benchmarks.monitor_report import SCOPES

COMMUNITIES = 300
REPORTS = 1_000
BULK_ROWS = 200
REQUESTS = 10
CONCURRENCY = (1, 2)
SECTIONS = (
    "## Results",
    "## Setup",
    "## Rebuild",
    "## Progress queries",
    "## Bulk report import",
    "## CPU per measurement",
    "## Machine, infrastructure and versions",
    "## Parameters",
    "## How to reproduce",
)
KEYS = {
    "benchmark",
    "started_at",
    "finished_at",
    "machine",
    "versions",
    "infrastructure",
    "parameters",
    "setup",
    "rebuild",
    "progress",
    "bulk",
    "targets",
}


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_monitor_benchmark_writes_a_complete_report(tmp_path: Path) -> None:
    """The network is projected and rebuilt alike, progress answers in every scope, the bulk file is taken and then
    left unchanged, and the report has every section."""
    markdown = run_monitor_benchmark(
        output_dir=tmp_path,
        communities=COMMUNITIES,
        reports=REPORTS,
        bulk_rows=BULK_ROWS,
        progress_requests=REQUESTS,
        concurrency=CONCURRENCY,
        rebuild_runs=1,
        progress=False,
    )

    text, results = markdown.read_text(), json.loads(markdown.with_suffix(".json").read_text())
    assert (tmp_path / "monitor-latest.md").read_text() == text
    assert all(section in text for section in SECTIONS)
    assert results.keys() >= KEYS
    assert results["setup"]["network"]["communities"] == COMMUNITIES
    assert results["setup"]["reports"]["reports"] == REPORTS
    rebuild = results["rebuild"]
    assert [run["same_read_model"] for run in rebuild["runs"]] == [True]
    assert rebuild["runs"][0]["exit_code"] == 0
    assert rebuild["runs"][0]["events"] == rebuild["events_on_topic"]
    progress = results["progress"]
    assert progress["scopes"].keys() == set(SCOPES)
    for by_concurrency in progress["scopes"].values():
        assert by_concurrency.keys() == {str(concurrency) for concurrency in CONCURRENCY}
        assert all(run["errors"] == 0 and run["latency_ms"]["count"] == REQUESTS for run in by_concurrency.values())
    assert progress["explanation"]["errors"] == 0
    deliveries = results["bulk"]["deliveries"]
    assert deliveries["first"]["outcomes"] == {"added": BULK_ROWS}
    assert deliveries["again"]["outcomes"] == {"unchanged": BULK_ROWS}
    # The rebuild, each scope at each concurrency, and both bulk deliveries.
    assert len(results["targets"]) == 1 + len(SCOPES) * len(CONCURRENCY) + 2
