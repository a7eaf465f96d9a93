"""OpenTelemetry tracing per service, exported over OTLP as the standard `OTEL_*` variables say."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
from opentelemetry.metrics import NoOpMeterProvider
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF
from opentelemetry.trace import Span
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)

# Query parameters whose values are secrets (a registration's secret link, `?token=`): no span keeps them.
SECRET_PARAMETERS = frozenset({"token"})
REDACTED = "REDACTED"
# The span attributes that hold the request's query (the old and the new HTTP conventions).
URL_ATTRIBUTES = ("http.url", "url.full")
QUERY_ATTRIBUTE = "url.query"


def _env(*names: str) -> str | None:
    """The first of `names` that is set and not empty."""
    return next((os.environ[name] for name in names if os.environ.get(name)), None)


def otlp_exporter_from_env() -> SpanExporter | None:
    """The OTLP span exporter the environment asks for, or None when no endpoint is configured."""
    if (_env("OTEL_SDK_DISABLED") or "").lower() == "true" or _env("OTEL_TRACES_EXPORTER") == "none":
        return None
    if not _env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"):
        return None
    protocol = _env("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL") or "http/protobuf"
    if protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter as GrpcExporter

        return GrpcExporter()
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter as HttpExporter

    return HttpExporter()  # reads the endpoint, headers and timeout from OTEL_* itself


def create_tracer_provider(service: str) -> TracerProvider:
    """A tracer provider for one service (not the global one, so several apps can share a process)."""
    attributes = {"service.namespace": "lcn"}
    if not _env("OTEL_SERVICE_NAME"):
        attributes["service.name"] = f"lcn-{service}"
    exporter = otlp_exporter_from_env()
    if exporter is None and not _env("OTEL_TRACES_SAMPLER"):
        # Nobody collects the spans: don't record them. Trace context is still created and propagated,
        # so logs keep their trace ids and a downstream service that does export sees one trace.
        return TracerProvider(resource=Resource.create(attributes), sampler=ALWAYS_OFF)
    provider = TracerProvider(resource=Resource.create(attributes))  # sampler from OTEL_TRACES_SAMPLER
    if exporter is not None:
        provider.add_span_processor(BatchSpanProcessor(exporter))
        log.info("exporting traces of %s over OTLP", service)
    return provider


def instrument_engine(engine: AsyncEngine, provider: TracerProvider) -> None:
    """Trace every SQL statement of this engine (asyncpg under SQLAlchemy), when spans are recorded at all."""
    if provider.sampler is ALWAYS_OFF:
        # Unrecorded statement spans still cost about 6% of a write's CPU, and no log line needs their ids.
        return
    tracer = provider.get_tracer("opentelemetry.instrumentation.sqlalchemy")
    connections = NoOpMeterProvider().get_meter("lcn").create_up_down_counter("db.client.connections.usage")
    # EngineTracer is untyped upstream.
    EngineTracer(tracer, engine.sync_engine, connections)  # type: ignore[no-untyped-call]


def redacted_query(query: str) -> str:
    """The query with the values of its secret parameters replaced by REDACTED."""
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(name, REDACTED if name in SECRET_PARAMETERS else value) for name, value in pairs])


def scrub_secrets(span: Span, scope: Mapping[str, Any]) -> None:
    """A server request hook: a request with a secret in its query keeps it off its span (the instrumentation
    redacts only a few cloud-storage signatures of its own)."""
    query = scope.get("query_string", b"").decode("latin-1")
    if not span.is_recording() or not any(name in SECRET_PARAMETERS for name, _ in parse_qsl(query)):
        return
    attributes: Mapping[str, Any] = getattr(span, "attributes", None) or {}
    for name in URL_ATTRIBUTES:
        if isinstance(url := attributes.get(name), str):
            parts = urlsplit(url)
            span.set_attribute(name, urlunsplit(parts._replace(query=redacted_query(parts.query))))
    if QUERY_ATTRIBUTE in attributes:
        span.set_attribute(QUERY_ATTRIBUTE, redacted_query(query))
