"""Composition root of the registry."""

from fastapi import FastAPI

from lcn_registry.communities.router import router as communities_router
from lcn_registry.messaging import CONSUMERS, PUBLISHES
from lcn_shared.app import ServiceDefinition, create_service_app
from lcn_shared.settings import ServiceConfig

REGISTRY = ServiceDefinition(
    name="registry",
    title="LCN registry",
    description="Learning communities, their partners and the feeds that describe them.",
    routers=[communities_router],
    consumers=CONSUMERS,
    publishes=PUBLISHES,
)


def create_app(config: ServiceConfig | None = None) -> FastAPI:
    """The registry's ASGI app."""
    return create_service_app(REGISTRY, config)
