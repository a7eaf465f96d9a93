"""Composition root of the events service."""

from fastapi import FastAPI

from lcn_events.calendar.router import router as calendar_router
from lcn_events.clashes.router import router as clashes_router
from lcn_events.events.router import router as events_router
from lcn_events.feeds.router import router as feeds_router
from lcn_events.messaging import CONSUMERS, PUBLISHES
from lcn_events.planner.common import mount_planner_static
from lcn_events.planner.pages import router as planner_pages
from lcn_events.registrations.router import router as registrations_router
from lcn_events.workers import WORKERS
from lcn_shared.app import ServiceDefinition, create_service_app
from lcn_shared.settings import ServiceConfig

EVENTS = ServiceDefinition(
    name="events",
    title="LCN events",
    description="The yearly calendar of conferences and meetings, registrations and ICS feeds.",
    # The calendar's list (GET /v1/events) and an event's file (/v1/events/{id}.ics) before the routes of one event.
    routers=[calendar_router, feeds_router, events_router, clashes_router, registrations_router],
    pages=[planner_pages],
    consumers=CONSUMERS,
    publishes=PUBLISHES,
    workers=WORKERS,
)


def create_app(config: ServiceConfig | None = None) -> FastAPI:
    """The events service's ASGI app."""
    app = create_service_app(EVENTS, config)
    mount_planner_static(app)
    return app
