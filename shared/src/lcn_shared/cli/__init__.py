"""`lcn`: the operators' command line (dev stack, keys, migrations, dead letters, feeds); plugins add more."""

import sys
from importlib.metadata import entry_points

import typer

from lcn_shared.cli import dlq, feeds, keys, ops

PLUGIN_GROUP = "lcn.cli"

app = typer.Typer(help="Operate the learning-community network platform.", no_args_is_help=True)
app.add_typer(keys.app, name="keys", help="Issue API keys.")
app.add_typer(dlq.app, name="dlq", help="List, inspect and re-drive dead letters.")
app.add_typer(feeds.app, name="feeds", help="Deliver feed files to the registry.")
ops.register(app)


def load_plugins(app: typer.Typer) -> None:
    """Let installed services add commands: each `lcn.cli` entry point is a `register(app)` function."""
    for plugin in entry_points(group=PLUGIN_GROUP):
        try:
            plugin.load()(app)
        except Exception as error:  # a broken plugin must not take `lcn keys` and `lcn dlq` down with it
            sys.stderr.write(f"lcn: plugin {plugin.name!r} ({plugin.value}) not loaded: {error!r}\n")


load_plugins(app)
