"""Composition root of the notify service."""

from fastapi import FastAPI

from lcn_notify.messaging import CONSUMERS, PUBLISHES
from lcn_shared.app import ServiceDefinition, create_service_app
from lcn_shared.settings import ServiceConfig

NOTIFY = ServiceDefinition(
    name="notify",
    title="LCN notify",
    description="Partners' subscriptions, and delivery by signed webhooks and e-mail.",
    consumers=CONSUMERS,
    publishes=PUBLISHES,
)


def create_app(config: ServiceConfig | None = None) -> FastAPI:
    """The notify service's ASGI app."""
    return create_service_app(NOTIFY, config)
