"""How the events service registers with the kit (entry point `lcn.services` in pyproject.toml)."""

from pathlib import Path

from lcn_shared.plugins import ServicePlugin

SERVICE = ServicePlugin(
    name="events",
    default_port=8003,
    app="lcn_events.main:create_app",
    migrations=Path(__file__).resolve().parents[2] / "migrations",
    metadata="lcn_events.models:metadata",
    demo="lcn_events.demo.load:load",
)
