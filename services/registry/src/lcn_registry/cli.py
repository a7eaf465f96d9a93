"""The registry's `lcn` commands (its `ServicePlugin.cli`): `lcn feeds import` and `lcn bench registry`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def bench_registry(
    output_dir: Annotated[Path, typer.Option(help="Where the report goes.")] = Path("benchmarks"),
    records: Annotated[int, typer.Option(min=10, help="Records of the Katapult-like feed.")] = 10_000,
    search_requests: Annotated[int, typer.Option(min=1, help="Searches per measurement.")] = 2000,
    batch_size: Annotated[int, typer.Option(min=1, max=10_000, help="Records per import batch.")] = 1000,
    concurrency: Annotated[
        list[int] | None, typer.Option(help="Searches in flight; repeat for several runs (default: 1, 2 and 4).")
    ] = None,
) -> None:
    """Time feed imports with matching and filtered search at 300 and at 10,000 communities; write a report."""
    # Imported here so that every `lcn` command does not pay for the registry's imports.
    from lcn_registry.bench import run_registry_benchmark

    run_registry_benchmark(
        output_dir=output_dir,
        records=records,
        search_requests=search_requests,
        batch_size=batch_size,
        concurrency=concurrency or (1, 2, 4),
    )


def _group(app: typer.Typer, name: str) -> typer.Typer:
    """The sub-command group `name` of the `lcn` app."""
    for group in app.registered_groups:
        if group.name == name and group.typer_instance is not None:
            return group.typer_instance
    raise LookupError(f"the lcn app has no {name!r} group")


def register(app: typer.Typer) -> None:
    """Add the registry's commands to the `lcn` app."""
    from lcn_registry.feeds.client import app as feeds_app

    app.add_typer(feeds_app, name="feeds", help="Deliver feed files to the registry.")
    _group(app, "bench").command("registry")(bench_registry)
