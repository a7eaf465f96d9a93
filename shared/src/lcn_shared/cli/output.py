"""Tables for the command line that never cut an id or a URL."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table


def print_table(console: Console, columns: Sequence[str], rows: Sequence[Sequence[str]], title: str = "") -> None:
    """A table in a terminal (long cells fold, never ellipsised); tab-separated lines when piped."""
    if not console.is_terminal:
        # Not a terminal: a script or a log reads this, so whole values, one row per line.
        lines = [title] if title else []
        console.file.write("\n".join([*lines, *("\t".join(row) for row in (columns, *rows))]) + "\n")
        return
    table = Table(title=title or None)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    console.print(table)
