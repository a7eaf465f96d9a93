"""`lcn bench pipeline`: measure the outbox relay and the write-to-read-model propagation."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(no_args_is_help=True)


@app.command("pipeline")
def pipeline(
    output_dir: Annotated[Path, typer.Option(help="Where the report goes.")] = Path("benchmarks"),
    duration: Annotated[float, typer.Option(help="Seconds of steady load.")] = 30.0,
    rate: Annotated[float, typer.Option(help="Writes per second.")] = 300.0,
    backlog: Annotated[int, typer.Option(help="Outbox rows for the drain test.")] = 20_000,
) -> None:
    """Run the pipeline benchmark and write its report."""
    from lcn_shared.bench.pipeline import run_pipeline_benchmark

    report = run_pipeline_benchmark(
        output_dir=output_dir, duration_seconds=duration, rate_per_second=rate, backlog_events=backlog
    )
    typer.echo(f"report: {report}")
