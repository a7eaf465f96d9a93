"""`lcn`: the operators' command line (dev stack, keys, migrations, dead letters, benchmarks)."""

import typer

from lcn_shared.cli import bench, dlq, keys, ops

app = typer.Typer(help="Operate the learning-community network platform.", no_args_is_help=True)
app.add_typer(keys.app, name="keys", help="Issue API keys.")
app.add_typer(dlq.app, name="dlq", help="List, inspect and re-drive dead letters.")
app.add_typer(bench.app, name="bench", help="Benchmarks that write a report.")
ops.register(app)
