"""Composition root of the events service."""

from fastapi import FastAPI

from lcn_events.messaging import CONSUMERS, PUBLISHES
from lcn_shared.app import ServiceDefinition, create_service_app
from lcn_shared.settings import ServiceConfig

EVENTS = ServiceDefinition(
    name="events",
    title="LCN events",
    description="The yearly calendar of conferences and meetings, registrations and ICS feeds.",
    consumers=CONSUMERS,
    publishes=PUBLISHES,
)


def create_app(config: ServiceConfig | None = None) -> FastAPI:
    """The events service's ASGI app."""
    return create_service_app(EVENTS, config)
