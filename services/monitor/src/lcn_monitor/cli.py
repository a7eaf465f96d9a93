"""The monitor's `lcn` commands (its `ServicePlugin.cli`): `lcn monitor ...`, one sub-app or command per task."""

from __future__ import annotations

import asyncio

import typer
from rich.console import Console

from lcn_monitor.reports.client import app as reports_app
from lcn_shared.messaging.replay import IncompleteTopic
from lcn_shared.settings import load_config

app = typer.Typer(no_args_is_help=True)
app.add_typer(reports_app, name="reports", help="Progress reports: deliver a programme's file of reports.")
console = Console()


@app.command("rebuild")
def rebuild_command() -> None:
    """Rebuild the read model of communities, and so every figure, from a replay of the registry's topic."""
    from lcn_monitor.rebuild import rebuild  # imported here: other `lcn` commands need not load the projection

    config = load_config("monitor")
    with console.status("replaying the registry's community topic…"):
        try:
            rebuilt = asyncio.run(rebuild(config))
        except IncompleteTopic as error:
            console.print(f"[red]not rebuilt:[/red] {error}; the topic must keep every record (ADR 0029)")
            raise typer.Exit(1) from error
    console.print(
        f"rebuilt {rebuilt.communities:,} communities from {rebuilt.events:,} events in {rebuilt.seconds:.2f} s "
        f"({rebuilt.events_per_second:,.0f} events/s); {rebuilt.ignored:,} of other types ignored, "
        f"{rebuilt.rejected:,} unreadable or not fitting their contract skipped"
    )


def register(root: typer.Typer) -> None:
    """Add `lcn monitor` to the `lcn` app."""
    root.add_typer(app, name="monitor", help="The monitor (volgsysteem): reports and its own upkeep.")
