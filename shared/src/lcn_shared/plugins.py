"""Services register with the kit through the `lcn.services` entry point; the kit finds them here.

A service's `pyproject.toml` carries one line, for example

    [project.entry-points."lcn.services"]
    courses = "lcn_courses.plugin:SERVICE"

pointing at a `ServicePlugin`. The dev stack, `lcn serve`, `lcn migrate`, the test fixtures and
the default ports all come from these registrations, so the kit never names a service.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from pkgutil import resolve_name
from typing import TYPE_CHECKING, Any, cast

import sqlalchemy as sa

from lcn_shared.settings import IDENTITY

if TYPE_CHECKING:
    import typer
    from fastapi import FastAPI

    from lcn_shared.settings import ServiceConfig

SERVICE_GROUP = "lcn.services"
# A name becomes a database (`lcn_<name>`), a topic part and `LCN_<NAME>_*` variables.
NAME_PATTERN = re.compile(r"[a-z][a-z0-9]*")

DemoLoader = Callable[[dict[str, str], dict[str, Any]], Coroutine[Any, Any, str]]


@dataclass(frozen=True)
class ServicePlugin:
    """What a service tells the kit about itself; references are `module:attribute`, imported on use."""

    name: str
    default_port: int
    app: str  # the app factory, `create_app(config: ServiceConfig | None = None) -> FastAPI`
    migrations: Path  # the service's Alembic tree
    metadata: str  # the `MetaData` of every table its migrations create (kit tables included)
    demo: str | None = None  # `async load(urls, credentials) -> summary`, run by `lcn dev` once all are ready
    cli: str | None = None  # `register(app: typer.Typer)`, adding the service's `lcn` commands
    # `async validate(platform, KeyRequest) -> KeyRequest`: checks what a new API key names (lcn_shared.auth.validation)
    keys: str | None = None

    def create_app(self, config: ServiceConfig | None = None) -> FastAPI:
        """Build the service's ASGI app."""
        return cast("Callable[[ServiceConfig | None], FastAPI]", resolve_name(self.app))(config)

    def load_metadata(self) -> sa.MetaData:
        """The service's table metadata, for Alembic and the schema check."""
        metadata = resolve_name(self.metadata)
        if not isinstance(metadata, sa.MetaData):
            raise TypeError(f"{self.name}: {self.metadata} is not a sqlalchemy MetaData")
        return metadata

    def load_demo(self) -> DemoLoader | None:
        """The service's demo-data loader, if it has one."""
        return cast(DemoLoader, resolve_name(self.demo)) if self.demo else None

    def load_cli(self) -> Callable[[typer.Typer], None] | None:
        """The function that adds the service's `lcn` commands, if it has any."""
        return cast("Callable[[typer.Typer], None]", resolve_name(self.cli)) if self.cli else None

    def load_keys(self) -> Callable[..., Coroutine[Any, Any, Any]] | None:
        """The service's check on new API keys, if it owns something a key can name."""
        return cast("Callable[..., Coroutine[Any, Any, Any]]", resolve_name(self.keys)) if self.keys else None


def _load(entry_point: EntryPoint) -> ServicePlugin:
    """One registration, checked."""
    plugin = entry_point.load()
    where = f"entry point {entry_point.name!r} = {entry_point.value!r} in group {SERVICE_GROUP!r}"
    if not isinstance(plugin, ServicePlugin):
        raise TypeError(f"{where} is not a lcn_shared.plugins.ServicePlugin")
    if plugin.name != entry_point.name:
        raise ValueError(f"{where} registers a service named {plugin.name!r}; name the entry point the same")
    if not NAME_PATTERN.fullmatch(plugin.name) or plugin.name == IDENTITY:
        raise ValueError(f"{where}: {plugin.name!r} must be lowercase letters and digits, and not {IDENTITY!r}")
    return plugin


@functools.cache
def service_plugins() -> tuple[ServicePlugin, ...]:
    """Every installed service, ordered by default port."""
    plugins = sorted((_load(entry) for entry in entry_points(group=SERVICE_GROUP)), key=lambda p: p.default_port)
    names = [plugin.name for plugin in plugins]
    ports = [plugin.default_port for plugin in plugins]
    if len(set(names)) < len(names) or len(set(ports)) < len(ports):
        raise ValueError(f"services must have distinct names and ports: {dict(zip(names, ports, strict=True))}")
    return tuple(plugins)


def service_names() -> tuple[str, ...]:
    """The names of every installed service, ordered by default port."""
    return tuple(plugin.name for plugin in service_plugins())


def find_service(name: str) -> ServicePlugin:
    """The registration of service `name`; LookupError names the ones there are."""
    for plugin in service_plugins():
        if plugin.name == name:
            return plugin
    raise LookupError(f"unknown service {name!r}; installed: {', '.join(service_names()) or 'none'}")


def default_port(name: str) -> int:
    """The port a service listens on unless `LCN_<NAME>_PORT` says otherwise (0 when not registered)."""
    return next((plugin.default_port for plugin in service_plugins() if plugin.name == name), 0)
