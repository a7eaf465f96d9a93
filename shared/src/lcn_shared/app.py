"""The composition root every service builds on: `create_service_app` plus its lifespan."""

from __future__ import annotations

import asyncio
import gc
import importlib.util
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from faststream.kafka import KafkaBroker
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from faststream.specification import AsyncAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from prometheus_fastapi_instrumentator import Instrumentator, metrics
from sqlalchemy import text
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lcn_shared import health
from lcn_shared.auth import Authenticator
from lcn_shared.auth.router import router as auth_router
from lcn_shared.contracts.base import EventContract
from lcn_shared.db import create_engine, create_session_factory
from lcn_shared.hygiene import InputHygieneMiddleware
from lcn_shared.messaging.consumer import DLQ_SUFFIX, EventConsumer
from lcn_shared.messaging.relay import OutboxRelay
from lcn_shared.messaging.topics import ensure_topics
from lcn_shared.pages.rendering import mount_kit_static
from lcn_shared.pages.sessions import install_sign_in
from lcn_shared.problems import (
    PayloadTooLarge,
    UnhandledErrorMiddleware,
    document_problems,
    install_problem_handlers,
    problem_response,
)
from lcn_shared.runtime import ServiceRuntime
from lcn_shared.settings import IDENTITY, ServiceConfig, asyncpg_dsn, load_config
from lcn_shared.telemetry.logs import AccessLogMiddleware, configure_logging
from lcn_shared.telemetry.metrics import KitMetrics
from lcn_shared.telemetry.tracing import create_tracer_provider, instrument_engine, scrub_secrets
from lcn_shared.workers import Worker

log = logging.getLogger(__name__)
OPERATIONAL_PATHS = "/health/.*,/metrics"
# The garbage collector's thresholds once a service runs: CPython's defaults for the young generations, and a
# full collection considered after every 100th collection of the middle one instead of every 10th.
GC_YOUNG_THRESHOLD, GC_MIDDLE_THRESHOLD, GC_FULL_THRESHOLD = 700, 10, 100


@dataclass(frozen=True)
class ServiceDefinition:
    """What makes a service itself: its name, HTTP routers, consumers and the events it publishes."""

    name: str
    title: str
    description: str
    routers: Sequence[APIRouter] = ()
    consumers: Sequence[EventConsumer] = ()
    publishes: Sequence[type[EventContract]] = ()
    # Path prefixes (under /v1) that take bulk uploads up to `max_upload_bytes` instead of `max_body_bytes`.
    upload_paths: Sequence[str] = ()
    # Routers of HTML pages (lcn_shared.pages): mounted without the /v1 prefix, beside the kit's static files and the
    # kit's sign-in and sign-out pages.
    pages: Sequence[APIRouter] = ()
    # Background work of the service's own (lcn_shared.workers), run in the lifespan once the database is ready.
    workers: Sequence[Worker] = ()
    version: str = "0.1.0"

    def topics(self, config: ServiceConfig) -> list[str]:
        """Physical topics the service needs: what it publishes, consumes, and dead-letters into."""
        platform = config.platform
        consumed = [platform.topic(consumer.topic) for consumer in self.consumers]
        published = [platform.topic(contract.topic) for contract in self.publishes]
        return sorted({*published, *consumed, *(topic + DLQ_SUFFIX for topic in consumed)})


def create_service_app(definition: ServiceDefinition, config: ServiceConfig | None = None) -> FastAPI:
    """Build a service's FastAPI app; nothing connects until the lifespan runs."""
    config = config or load_config(definition.name)
    tracer_provider = create_tracer_provider(definition.name)
    broker = KafkaBroker(
        config.platform.kafka_bootstrap_servers,
        client_id=f"lcn-{definition.name}",
        acks="all",
        enable_idempotence=config.platform.kafka_enable_idempotence,
        middlewares=[KafkaTelemetryMiddleware(tracer_provider=tracer_provider)],
        description=definition.description,
        logger=logging.getLogger(f"lcn.{definition.name}.broker"),
    )
    runtime = ServiceRuntime(config=config, broker=broker, metrics=KitMetrics(), tracer_provider=tracer_provider)
    for consumer in definition.consumers if config.service.consumers_enabled else ():
        consumer.attach(runtime)
    for contract in definition.publishes:
        broker.publisher(
            config.platform.topic(contract.topic),
            title=contract.event_type,
            description=contract.summary,
            schema=contract,
        )

    app = FastAPI(
        title=definition.title,
        description=definition.description,
        version=definition.version,
        lifespan=_lifespan(definition, runtime),
        docs_url=None,  # served by _add_docs_routes, without a CDN
        redoc_url=None,
    )
    app.state.runtime = runtime
    install_problem_handlers(app)
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=config.service.max_body_bytes,
        upload_paths=tuple(f"/v1{path}" for path in definition.upload_paths),
        max_upload_bytes=config.service.max_upload_bytes,
    )
    app.add_middleware(InputHygieneMiddleware)
    registry = runtime.metrics.registry
    # Only the request counter and latency histogram: the size summaries cost CPU on every request.
    Instrumentator(registry=registry, excluded_handlers=["/metrics", "/health/.*"]).add(
        metrics.requests(registry=registry), metrics.latency(registry=registry, should_include_status=False)
    ).instrument(app)
    # Outermost (added last): any error that escapes becomes one log record and a 500 problem+json,
    # and every request one access log line.
    app.add_middleware(UnhandledErrorMiddleware)
    app.add_middleware(AccessLogMiddleware)
    FastAPIInstrumentor.instrument_app(
        app,
        tracer_provider=tracer_provider,
        excluded_urls=OPERATIONAL_PATHS,
        exclude_spans=["receive", "send"],
        server_request_hook=scrub_secrets,
    )
    app.include_router(health.router)
    app.include_router(auth_router, prefix="/v1")
    for router in definition.routers:
        app.include_router(router, prefix="/v1")
    if definition.pages:
        mount_kit_static(app)
        install_sign_in(app)
        for router in definition.pages:
            app.include_router(router)
    _add_asyncapi_route(app, definition, broker)
    _add_docs_routes(app)
    _document_problems(app)
    return app


def _document_problems(app: FastAPI) -> None:
    """Serve an OpenAPI document whose error responses are problem+json, as they are sent."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_problems(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def swagger_ui_assets() -> Path:
    """Swagger UI's files as the `swagger-ui-py` wheel ships them (only the files: its package is not imported)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the swagger-ui-py package is missing")
    return Path(spec.submodule_search_locations[0]) / "static"


def _add_docs_routes(app: FastAPI) -> None:
    """Swagger UI at /docs with its assets served by the service itself, so it works offline."""
    app.mount("/docs/assets", StaticFiles(directory=swagger_ui_assets()), name="swagger-ui-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        root = str(request.scope.get("root_path", "")).rstrip("/")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title}: API documentation",
            swagger_js_url=f"{root}/docs/assets/swagger-ui-bundle.js",
            swagger_css_url=f"{root}/docs/assets/swagger-ui.css",
            swagger_favicon_url=f"{root}/docs/assets/favicon-32x32.png",
            swagger_ui_parameters={"validatorUrl": None},  # the default badge asks a public validator
        )


def _add_asyncapi_route(app: FastAPI, definition: ServiceDefinition, broker: KafkaBroker) -> None:
    """Serve the service's AsyncAPI 3 document at /asyncapi.json."""
    document: dict[str, Any] = {}

    @app.get("/asyncapi.json", tags=["operations"], summary="AsyncAPI 3 document of the service's events")
    async def asyncapi() -> dict[str, Any]:
        if not document:
            spec = AsyncAPI(
                broker,
                title=definition.title,
                version=definition.version,
                description=definition.description,
                schema_version="3.0.0",
            )
            document.update(spec.to_specification().to_jsonable())
        return document


def _lifespan(definition: ServiceDefinition, runtime: ServiceRuntime):  # type: ignore[no-untyped-def]
    """The lifespan: engine, sessions, auth, broker, relay and metrics; torn down in reverse."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        config = runtime.config
        configure_logging(definition.name)
        # Every step registers its undo; the stack runs them in reverse and keeps going when one fails,
        # so a database already gone at shutdown cannot stop the broker closing or the spans flushing.
        async with AsyncExitStack() as teardown:
            teardown.callback(runtime.tracer_provider.shutdown)
            engine = create_engine(
                config.database_url, pool_size=config.service.db_pool_size, application_name=f"lcn-{definition.name}"
            )
            teardown.push_async_callback(engine.dispose)
            instrument_engine(engine, runtime.tracer_provider)
            identity_engine = create_engine(
                config.platform.database_url_for(IDENTITY), pool_size=2, application_name=f"lcn-{definition.name}-auth"
            )
            teardown.push_async_callback(identity_engine.dispose)
            runtime.engine, runtime.session_factory = engine, create_session_factory(engine)
            app.state.authenticator = Authenticator(
                create_session_factory(identity_engine), cache_seconds=config.service.auth_cache_seconds
            )
            teardown.push_async_callback(runtime.broker.stop)
            tasks = [
                asyncio.create_task(_connect_broker(runtime, definition.topics(config)), name="broker"),
                asyncio.create_task(_collect_metrics(runtime), name="metrics"),
            ]
            if config.service.relay_enabled:
                runtime.relay = OutboxRelay(
                    service=definition.name,
                    dsn=asyncpg_dsn(config.database_url),
                    platform=config.platform,
                    settings=config.service,
                    metrics=runtime.metrics,
                    tracer_provider=runtime.tracer_provider,
                )
                tasks.append(asyncio.create_task(runtime.relay.run(), name="relay"))
            for worker in definition.workers if config.service.workers_enabled else ():
                tasks.append(asyncio.create_task(worker(runtime), name=worker.__name__))
            teardown.push_async_callback(_cancel_all, tasks)
            # Everything alive now (modules, routes, pools) lives as long as the process: moving it out of
            # the collector's generations keeps full collections short (~2 ms, not ~90 ms) under load.
            gc.freeze()
            # What a service builds later (caches, pools' statements) still makes a full collection pause for
            # 50-100 ms on a busy machine; one every ten young collections hit 2% of requests. Every hundredth
            # makes it rare, and the cyclic garbage it leaves meanwhile stays small (ADR 0020).
            gc.set_threshold(GC_YOUNG_THRESHOLD, GC_MIDDLE_THRESHOLD, GC_FULL_THRESHOLD)
            yield

    return lifespan


async def _cancel_all(tasks: list[asyncio.Task[None]]) -> None:
    """Cancel the background tasks and wait until they have stopped."""
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def _connect_broker(runtime: ServiceRuntime, topics: list[str]) -> None:
    """Create the topics and start the broker, retrying while Kafka is unreachable (not ready until then)."""
    delay = 0.5
    platform = runtime.config.platform
    while True:
        try:
            await ensure_topics(platform.kafka_bootstrap_servers, topics, partitions=platform.kafka_partitions)
            await runtime.broker.start()
            runtime.broker_connected = True
            return
        except Exception as exc:
            log.warning("%s cannot start the Kafka broker client (%s); retrying in %.1fs", runtime.service, exc, delay)
            with suppress(Exception):
                await runtime.broker.stop()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)


async def _collect_metrics(runtime: ServiceRuntime) -> None:
    """Refresh the outbox backlog and consumer lag gauges periodically."""
    while True:
        with suppress(Exception):
            await _refresh_outbox_gauges(runtime)
        with suppress(Exception):
            await _refresh_consumer_lag(runtime)
        await asyncio.sleep(runtime.config.service.metrics_interval_seconds)


async def _refresh_outbox_gauges(runtime: ServiceRuntime) -> None:
    """Count unsent outbox rows and the age of the oldest."""
    assert runtime.engine is not None
    async with runtime.engine.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0) "
                    "FROM outbox_message WHERE sent_at IS NULL"
                )
            )
        ).one()
    runtime.metrics.outbox_backlog.set(row[0])
    runtime.metrics.outbox_oldest_age.set(float(row[1]))


async def _refresh_consumer_lag(runtime: ServiceRuntime) -> None:
    """Lag per assigned partition: high watermark minus the consumer's position."""
    group = runtime.config.platform.consumer_group(runtime.service)
    for subscriber in runtime.broker.subscribers:
        consumer = getattr(subscriber, "consumer", None)
        if consumer is None:
            continue
        for partition in consumer.assignment():
            highwater = consumer.highwater(partition)
            if highwater is None:
                continue
            position = await consumer.position(partition)
            runtime.metrics.consumer_lag.labels(group, partition.topic, str(partition.partition)).set(
                max(highwater - position, 0)
            )


class BodySizeLimitMiddleware:
    """Rejects request bodies above the limit with 413 problem+json, declared or streamed.

    Not FastAPI's `max_body_size`: for a declared Content-Length over the limit, Starlette answers
    with its own text/plain 413, and every error here must be RFC 9457 problem+json.
    """

    def __init__(
        self, app: ASGIApp, max_bytes: int, upload_paths: tuple[str, ...] = (), max_upload_bytes: int = 0
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_paths = upload_paths
        self.max_upload_bytes = max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check Content-Length up front and count streamed bytes."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        uploading = bool(self.upload_paths) and scope["path"].startswith(self.upload_paths)
        limit = self.max_upload_bytes if uploading else self.max_bytes
        detail = f"The body exceeds {limit} bytes."
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await problem_response(413, PayloadTooLarge.slug, PayloadTooLarge.title, detail, None)(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise PayloadTooLarge(detail)
            return message

        await self.app(scope, limited, send)
