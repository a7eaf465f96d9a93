"""The registry's `lcn` commands (entry point group `lcn.cli`)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the registry's commands to the `lcn` app (its benchmark lives in the `benchmarks` member)."""
    del app  # nothing yet
