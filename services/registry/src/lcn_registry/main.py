"""Composition root of the registry."""

from fastapi import FastAPI

from lcn_registry.communities.router import router as communities_router
from lcn_registry.feeds.mappings_router import router as feed_mappings_router
from lcn_registry.feeds.router import router as feeds_router
from lcn_registry.matching.router import router as matching_router
from lcn_registry.messaging import CONSUMERS, PUBLISHES
from lcn_registry.organisations.router import router as organisations_router
from lcn_registry.overview.pages import router as overview_pages
from lcn_registry.overview.router import router as overview_router
from lcn_registry.search.router import router as search_router
from lcn_registry.vocabularies.router import router as vocabularies_router
from lcn_shared.app import ServiceDefinition, create_service_app
from lcn_shared.settings import ServiceConfig

REGISTRY = ServiceDefinition(
    name="registry",
    title="LCN registry",
    description="Learning communities, their partners and the feeds that describe them.",
    routers=[
        search_router,
        communities_router,
        organisations_router,
        feeds_router,
        feed_mappings_router,
        matching_router,
        overview_router,
        vocabularies_router,
    ],
    upload_paths=["/feeds/"],
    pages=[overview_pages],
    consumers=CONSUMERS,
    publishes=PUBLISHES,
)


def create_app(config: ServiceConfig | None = None) -> FastAPI:
    """The registry's ASGI app."""
    return create_service_app(REGISTRY, config)
