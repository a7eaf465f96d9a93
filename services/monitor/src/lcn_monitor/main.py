"""Composition root of the monitor."""

from fastapi import FastAPI

from lcn_monitor.communities.router import router as communities_router
from lcn_monitor.completeness.router import router as completeness_router
from lcn_monitor.dashboard.pages import mount_dashboard_static
from lcn_monitor.dashboard.pages import router as dashboard_pages
from lcn_monitor.indicators.router import router as indicators_router
from lcn_monitor.messaging import CONSUMERS, PUBLISHES
from lcn_monitor.periods.router import router as periods_router
from lcn_monitor.practices.router import router as practices_router
from lcn_monitor.progress.router import router as progress_router
from lcn_monitor.reports.conflicts_router import router as conflicts_router
from lcn_monitor.reports.deliveries_router import DELIVERIES_PATH
from lcn_monitor.reports.deliveries_router import router as deliveries_router
from lcn_monitor.reports.router import router as reports_router
from lcn_monitor.workers import WORKERS
from lcn_shared.app import ServiceDefinition, create_service_app
from lcn_shared.settings import ServiceConfig

MONITOR = ServiceDefinition(
    name="monitor",
    title="LCN monitor (volgsysteem)",
    description="Indicators with baselines and targets, progress reports, good practices and dashboards.",
    routers=[
        communities_router,
        indicators_router,
        periods_router,
        completeness_router,
        deliveries_router,
        reports_router,
        conflicts_router,
        progress_router,
        practices_router,
    ],
    upload_paths=[DELIVERIES_PATH],
    pages=[dashboard_pages],
    consumers=CONSUMERS,
    publishes=PUBLISHES,
    workers=WORKERS,
)


def create_app(config: ServiceConfig | None = None) -> FastAPI:
    """The monitor's ASGI app."""
    app = create_service_app(MONITOR, config)
    mount_dashboard_static(app)
    return app
