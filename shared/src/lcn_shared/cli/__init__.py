"""`lcn`: the operators' command line (dev stack, keys, migrations, dead letters, services' own, plugins')."""

import sys
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any

import typer

from lcn_shared.cli import dlq, keys, ops
from lcn_shared.plugins import service_plugins

PLUGIN_GROUP = "lcn.cli"

app = typer.Typer(help="Operate the learning-community network platform.", no_args_is_help=True)
app.add_typer(keys.app, name="keys", help="Issue API keys.")
app.add_typer(dlq.app, name="dlq", help="List, inspect and re-drive dead letters.")
ops.register(app)


def _registrations() -> list[tuple[str, Callable[[], Any]]]:
    """Each service's `ServicePlugin.cli`, then every `lcn.cli` entry point (packages that are not services)."""
    try:
        found = [(f"service {plugin.name!r} ({plugin.cli})", plugin.load_cli) for plugin in service_plugins()]
    except Exception as error:  # a broken registration must not take `lcn keys` and `lcn dlq` down with it
        sys.stderr.write(f"lcn: services not loaded: {error!r}\n")
        found = []
    return found + [
        (f"plugin {entry.name!r} ({entry.value})", entry.load) for entry in entry_points(group=PLUGIN_GROUP)
    ]


def load_plugins(app: typer.Typer) -> None:
    """Let installed packages add commands; each registers through a `register(app)` function."""
    for what, load in _registrations():
        try:
            register = load()
            if register is not None:
                register(app)
        except Exception as error:  # a broken plugin must not take `lcn keys` and `lcn dlq` down with it
            sys.stderr.write(f"lcn: {what} not loaded: {error!r}\n")


load_plugins(app)
