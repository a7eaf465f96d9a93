"""Running and migrating the platform: `lcn dev`, `lcn serve`, `lcn migrate`, `lcn services`, `lcn contracts`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lcn_shared.plugins import ServicePlugin, find_service, service_names, service_plugins
from lcn_shared.settings import IDENTITY, PlatformSettings, load_config

ServiceArg = Annotated[str, typer.Argument(help="A registered service (`lcn services` lists them).")]


def _service(name: str) -> ServicePlugin:
    """The registered service `name`; unknown names get a clear message."""
    try:
        return find_service(name)
    except LookupError as error:
        raise typer.BadParameter(str(error)) from error


def dev() -> None:
    """Start the whole platform in the foreground (embedded PostgreSQL and Kafka by default)."""
    from lcn_shared.devstack import DevStack

    raise typer.Exit(DevStack().run())


def serve(
    service: ServiceArg,
    host: Annotated[str | None, typer.Option(help="Interface to bind (default LCN_<SERVICE>_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default LCN_<SERVICE>_PORT).")] = None,
) -> None:
    """Run one service with uvicorn."""
    import uvicorn

    plugin = _service(service)
    settings = load_config(service).service
    uvicorn.run(
        plugin.app,
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=10,
    )


def migrate(target: Annotated[str, typer.Argument(help="A service, `identity`, or `all`.")] = "all") -> None:
    """Create the databases if needed and apply their migrations."""
    from lcn_shared.migrations import migrate as run_migrations

    owners = [IDENTITY, *service_names()] if target == "all" else [target]
    for owner in owners:
        if owner != IDENTITY:
            _service(owner)
        run_migrations(owner, PlatformSettings())
        typer.echo(f"{owner}: migrated")


def services() -> None:
    """List the registered services (entry point group `lcn.services`) and their default ports."""
    for plugin in service_plugins():
        typer.echo(f"{plugin.name}\t{plugin.default_port}\t{plugin.app}\t{plugin.migrations}")


def export_contracts(
    directory: Annotated[Path | None, typer.Option(help="Where to write the JSON Schemas.")] = None,
) -> None:
    """Write the JSON Schema of every event contract."""
    from lcn_shared.contracts.base import SCHEMA_DIR, export_schemas

    for path in export_schemas(directory or SCHEMA_DIR):
        typer.echo(str(path))


def register(app: typer.Typer) -> None:
    """Add these commands to the `lcn` app."""
    app.command()(dev)
    app.command()(serve)
    app.command()(migrate)
    app.command()(services)
    contracts = typer.Typer(help="Event contracts.")
    contracts.command("export")(export_contracts)
    app.add_typer(contracts, name="contracts")
