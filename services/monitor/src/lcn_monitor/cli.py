"""The monitor's `lcn` commands (its `ServicePlugin.cli`): `lcn monitor ...`, one sub-app or command per task."""

from __future__ import annotations

import typer

from lcn_monitor.reports.client import app as reports_app

app = typer.Typer(no_args_is_help=True)
app.add_typer(reports_app, name="reports", help="Progress reports: deliver a programme's file of reports.")


def register(root: typer.Typer) -> None:
    """Add `lcn monitor` to the `lcn` app."""
    root.add_typer(app, name="monitor", help="The monitor (volgsysteem): reports and its own upkeep.")
