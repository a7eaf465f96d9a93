"""How the notify service registers with the kit (entry point `lcn.services` in pyproject.toml)."""

from pathlib import Path

from lcn_shared.plugins import ServicePlugin

SERVICE = ServicePlugin(
    name="notify",
    default_port=8004,
    app="lcn_notify.main:create_app",
    migrations=Path(__file__).resolve().parents[2] / "migrations",
    metadata="lcn_notify.models:metadata",
)
