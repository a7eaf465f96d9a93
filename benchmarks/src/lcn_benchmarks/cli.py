"""`lcn bench ...` (entry point group `lcn.cli`): the benchmarks that write a report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(no_args_is_help=True)
OutputDir = Annotated[Path, typer.Option(help="Where the report goes.")]


@app.command("pipeline")
def pipeline(
    output_dir: OutputDir = Path("benchmarks"),
    duration: Annotated[float, typer.Option(help="Seconds of steady load.")] = 30.0,
    rate: Annotated[float, typer.Option(help="Writes per second.")] = 300.0,
    backlog: Annotated[int, typer.Option(help="Outbox rows for the drain test.")] = 20_000,
    saturation_seconds: Annotated[float, typer.Option(help="Seconds of flat-out POSTs per app.")] = 10.0,
) -> None:
    """Registry writes to the monitor at a steady rate, flat-out POSTs beside a bare baseline, and the relay drain."""
    # Imported here so that every `lcn` command does not pay for the benchmark's imports.
    from lcn_benchmarks.pipeline import run_pipeline_benchmark

    report = run_pipeline_benchmark(
        output_dir=output_dir,
        duration_seconds=duration,
        rate_per_second=rate,
        backlog_events=backlog,
        saturation_seconds=saturation_seconds,
    )
    typer.echo(f"report: {report}")


@app.command("registry")
def registry(
    output_dir: OutputDir = Path("benchmarks"),
    records: Annotated[int, typer.Option(min=10, help="Records of the Katapult-like feed.")] = 10_000,
    search_requests: Annotated[int, typer.Option(min=1, help="Searches per measurement.")] = 2000,
    batch_size: Annotated[int, typer.Option(min=1, max=10_000, help="Records per import batch.")] = 1000,
    concurrency: Annotated[
        list[int] | None, typer.Option(help="Searches in flight; repeat for several runs (default: 1, 2 and 4).")
    ] = None,
    grown: Annotated[
        int, typer.Option(min=1, help="Communities the registry grows to for the write-cost run.")
    ] = 20_000,
    writes: Annotated[int, typer.Option(min=1, help="Sequential POSTs per write-cost measurement.")] = 300,
) -> None:
    """Feed imports with matching, filtered search at 300 and 10,000 communities, and a write's cost as it grows."""
    from lcn_benchmarks.registry import run_registry_benchmark

    run_registry_benchmark(
        output_dir=output_dir,
        records=records,
        search_requests=search_requests,
        batch_size=batch_size,
        concurrency=concurrency or (1, 2, 4),
        grown_communities=grown,
        sequential_writes=writes,
    )


@app.command("monitor")
def monitor(
    output_dir: OutputDir = Path("benchmarks"),
    communities: Annotated[
        int, typer.Option(min=50, help="Communities whose events the registry's topic holds.")
    ] = 10_000,
    reports: Annotated[int, typer.Option(min=1, help="Approved reports over them.")] = 50_000,
    events_per_community: Annotated[float, typer.Option(min=1.0, help="Events per community on average.")] = 5.0,
    bulk_rows: Annotated[int, typer.Option(min=1, help="Rows of the bulk report file.")] = 5_000,
    progress_requests: Annotated[int, typer.Option(min=1, help="Progress queries per scope and concurrency.")] = 200,
    concurrency: Annotated[
        list[int] | None, typer.Option(help="Progress queries in flight; repeat for several runs (default: 1 and 2).")
    ] = None,
    rebuild_runs: Annotated[int, typer.Option(min=1, help="Rebuilds of the read model.")] = 3,
) -> None:
    """The monitor's rebuild, progress queries over 10,000 communities and 50,000 reports, and a bulk report file."""
    from lcn_benchmarks.monitor import run_monitor_benchmark

    run_monitor_benchmark(
        output_dir=output_dir,
        communities=communities,
        reports=reports,
        events_per_community=events_per_community,
        bulk_rows=bulk_rows,
        progress_requests=progress_requests,
        concurrency=concurrency or (1, 2),
        rebuild_runs=rebuild_runs,
    )


@app.command("events")
def events(
    output_dir: OutputDir = Path("benchmarks"),
    events: Annotated[int, typer.Option(min=10, help="Published events in the calendar.")] = 2_000,
    feed_requests: Annotated[int, typer.Option(min=1, help="Polls of the ICS feed per concurrency.")] = 300,
    year_requests: Annotated[int, typer.Option(min=1, help="Year views per concurrency.")] = 300,
    changed_requests: Annotated[int, typer.Option(min=1, help="Feed requests after a change before each.")] = 20,
    concurrency: Annotated[
        list[int] | None, typer.Option(help="Reads in flight; repeat for several runs (default: 1 and 2).")
    ] = None,
    registration_events: Annotated[int, typer.Option(min=1, help="Events with places that take registrations.")] = 20,
    clients_per_core: Annotated[int, typer.Option(min=1, help="Registering clients per usable core.")] = 2,
) -> None:
    """The ICS feed and the year view with 2,000 events, and registrations under concurrent load."""
    from lcn_benchmarks.events import run_events_benchmark

    run_events_benchmark(
        output_dir=output_dir,
        events=events,
        feed_requests=feed_requests,
        year_requests=year_requests,
        changed_requests=changed_requests,
        concurrency=concurrency or (1, 2),
        registration_events=registration_events,
        clients_per_core=clients_per_core,
    )


def register(lcn: typer.Typer) -> None:
    """Add `lcn bench` to the `lcn` app."""
    lcn.add_typer(app, name="bench", help="Benchmarks that write a report.")
