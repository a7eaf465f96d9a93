"""How the monitor registers with the kit (entry point `lcn.services` in pyproject.toml)."""

from pathlib import Path

from lcn_shared.plugins import ServicePlugin

SERVICE = ServicePlugin(
    name="monitor",
    default_port=8002,
    app="lcn_monitor.main:create_app",
    migrations=Path(__file__).resolve().parents[2] / "migrations",
    metadata="lcn_monitor.models:metadata",
    demo="lcn_monitor.demo.load:load",
    cli="lcn_monitor.cli:register",
)
