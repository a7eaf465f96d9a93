"""Composition root of the monitor."""

from fastapi import FastAPI

from lcn_monitor.communities.router import router as communities_router
from lcn_monitor.messaging import CONSUMERS, PUBLISHES
from lcn_shared.app import ServiceDefinition, create_service_app
from lcn_shared.settings import ServiceConfig

MONITOR = ServiceDefinition(
    name="monitor",
    title="LCN monitor (volgsysteem)",
    description="Indicators with baselines and targets, progress reports, good practices and dashboards.",
    routers=[communities_router],
    consumers=CONSUMERS,
    publishes=PUBLISHES,
)


def create_app(config: ServiceConfig | None = None) -> FastAPI:
    """The monitor's ASGI app."""
    return create_service_app(MONITOR, config)
