"""A tiny run of `lcn bench pipeline`: the harness works end to end (its speed targets are not asserted)."""

import json
from pathlib import Path

import pytest

from lcn_benchmarks.pipeline import run_pipeline_benchmark

BACKLOG = 500
EXPECTED_KEYS = {
    "benchmark",
    "started_at",
    "finished_at",
    "machine",
    "infrastructure",
    "parameters",
    "drain",
    "propagation",
    "baseline",
    "comparison",
    "flat_out",
    "targets",
}


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_pipeline_benchmark_writes_a_complete_report(tmp_path: Path) -> None:
    """Every event arrives, the whole backlog drains, and the report and its JSON are written."""
    markdown = run_pipeline_benchmark(
        output_dir=tmp_path,
        duration_seconds=3.0,
        rate_per_second=20.0,
        backlog_events=BACKLOG,
        saturation_seconds=2.0,
        progress=False,
    )

    results = json.loads(markdown.with_suffix(".json").read_text())
    assert markdown.exists()
    assert (tmp_path / "pipeline-latest.md").read_text() == markdown.read_text()
    assert EXPECTED_KEYS <= results.keys()
    assert results["drain"]["drained"] == BACKLOG
    assert results["drain"]["missing_on_topic"] == 0
    assert results["propagation"]["errors"] == 0
    assert results["propagation"]["missing"] == 0
    assert results["propagation"]["propagation_ms"]["count"] > 0
    assert results["baseline"]["ok"] > 0
    flat_out = results["flat_out"]
    for app in ("registry", "baseline"):
        assert flat_out[app]["ok"] > 0
        assert flat_out[app]["errors"] == 0
    assert flat_out["comparison"]["ratio"] is not None
    assert "Flat-out writes" in markdown.read_text()
    assert "How to reproduce" in markdown.read_text()
