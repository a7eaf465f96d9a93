"""`python -m lcn_shared.cli` runs the `lcn` command."""

from lcn_shared.cli import app

app()
