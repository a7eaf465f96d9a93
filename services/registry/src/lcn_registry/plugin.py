"""How the registry registers with the kit (entry point `lcn.services` in pyproject.toml)."""

from pathlib import Path

from lcn_shared.plugins import ServicePlugin

SERVICE = ServicePlugin(
    name="registry",
    default_port=8001,
    app="lcn_registry.main:create_app",
    migrations=Path(__file__).resolve().parents[2] / "migrations",
    metadata="lcn_registry.models:metadata",
    demo="lcn_registry.demo.load:load",
    cli="lcn_registry.cli:register",
    keys="lcn_registry.keys:validate_key",
)
