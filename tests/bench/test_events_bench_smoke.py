"""A tiny run of `lcn bench events`: the harness works end to end (its speed targets are not asserted)."""

import json
from pathlib import Path

import pytest

from lcn_benchmarks.events import run_events_benchmark

EVENTS = 60
REQUESTS = 10
CONCURRENCY = (1, 2)
SECTIONS = (
    "## Results",
    "## Setup",
    "## ICS feed",
    "## Year view",
    "## Registrations",
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
    "feed",
    "year_view",
    "facts",
    "registrations",
    "targets",
}


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_events_benchmark_writes_a_complete_report(tmp_path: Path) -> None:
    """The calendar is loaded, the feed and the year view answer without errors, registrations fill their events
    without overselling, and the report has every section."""
    markdown = run_events_benchmark(
        output_dir=tmp_path,
        events=EVENTS,
        feed_requests=REQUESTS,
        year_requests=REQUESTS,
        changed_requests=3,
        concurrency=CONCURRENCY,
        registration_events=2,
        progress=False,
    )

    text, results = markdown.read_text(), json.loads(markdown.with_suffix(".json").read_text())
    assert (tmp_path / "events-latest.md").read_text() == text
    assert all(section in text for section in SECTIONS)
    assert results.keys() >= KEYS
    assert results["setup"]["events"] == EVENTS
    assert results["facts"]["feed_events"] == EVENTS
    for section in ("feed", "year_view"):
        by_concurrency = results[section]["by_concurrency"]
        assert by_concurrency.keys() == {str(concurrency) for concurrency in CONCURRENCY}
        assert all(run["errors"] == 0 and run["latency_ms"]["count"] == REQUESTS for run in by_concurrency.values())
    assert results["feed"]["after_every_change"]["errors"] == 0
    assert results["year_view"]["after_every_change"]["errors"] == 0
    registrations = results["registrations"]
    assert registrations["events"] == 2
    assert registrations["errors"] == 0
    assert registrations["oversold_events"] == 0
    assert registrations["unfilled_events"] == 0
    assert registrations["confirmed_in_database"] == registrations["places"]
    assert registrations["waitlisted_in_database"] == registrations["requests"] - registrations["places"]
    # The feed and the year view at each concurrency, each after a change, the registrations.
    assert len(results["targets"]) == 2 * len(CONCURRENCY) + 3
