"""A tiny run of `lcn bench registry`: the harness works end to end (its speed targets are not asserted)."""

import json
import os
from pathlib import Path

import pytest

from lcn_benchmarks.registry import run_registry_benchmark

RECORDS = 200
SEARCHES = 50
CONCURRENCY = (1, 2)
GROWN = 600
WRITES = 20
SECTIONS = (
    "## Results",
    "## Feed imports",
    "## Linking quality",
    "## Filtered search",
    "## A write's cost as the registry grows",
    "## Machine, infrastructure and versions",
    "## Parameters",
    "## How to reproduce",
)


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_registry_benchmark_writes_a_complete_report(tmp_path: Path) -> None:
    """Both feeds import completely in both networks, searches run, and the report has every section."""
    markdown = run_registry_benchmark(
        output_dir=tmp_path,
        records=RECORDS,
        search_requests=SEARCHES,
        concurrency=CONCURRENCY,
        grown_communities=GROWN,
        sequential_writes=WRITES,
        progress=False,
    )

    text, results = markdown.read_text(), json.loads(markdown.with_suffix(".json").read_text())
    assert (tmp_path / "registry-latest.md").read_text() == text
    assert all(section in text for section in SECTIONS)
    assert {
        "machine",
        "versions",
        "infrastructure",
        "parameters",
        "networks",
        "write_cost",
        "targets",
    } <= results.keys()
    # Two imports, then per network and judged concurrency (up to the cores): filtered search, and with facets.
    judged = [concurrency for concurrency in CONCURRENCY if concurrency <= len(os.sched_getaffinity(0))]
    assert len(results["targets"]) == 2 + 2 * 2 * len(judged) + 1
    writes = results["write_cost"]
    assert [run["state"] for run in writes["imports"]] == ["completed", "completed"]
    assert writes["small"]["communities_before"] >= 300
    assert writes["grown"]["communities_before"] >= GROWN
    assert writes["small"]["errors"] == writes["grown"]["errors"] == 0
    assert writes["small"]["latency_ms"]["count"] == writes["grown"]["latency_ms"]["count"] == WRITES
    assert writes["p50_ratio"] is not None
    large = results["networks"]["large"]
    assert large["imports"]["katapult"]["records"] == RECORDS
    for network in results["networks"].values():
        assert {run["state"] for run in network["imports"].values()} == {"completed"}
        assert all(search["requests"] >= SEARCHES for search in network["search"].values())
        assert network["search"].keys() == {str(concurrency) for concurrency in CONCURRENCY}
        assert network["linking"]["records"] > 0
