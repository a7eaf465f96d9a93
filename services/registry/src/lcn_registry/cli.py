"""The registry's `lcn` commands (its `ServicePlugin.cli`): `lcn feeds import` (its benchmark is in `benchmarks/`)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the registry's commands to the `lcn` app."""
    from lcn_registry.feeds.client import app as feeds_app

    app.add_typer(feeds_app, name="feeds", help="Deliver feed files to the registry.")
