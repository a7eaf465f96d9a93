"""A request's span never keeps a secret from its query (a registration's link token)."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from lcn_shared.telemetry.tracing import redacted_query, scrub_secrets


def traced_app(exporter: InMemorySpanExporter) -> FastAPI:
    """An app instrumented as the kit instruments every service, its spans kept in `exporter`."""
    app = FastAPI()

    @app.get("/registrations/{registration_id}")
    async def read(registration_id: str, token: str | None = None) -> dict[str, str]:
        return {"registration_id": registration_id}

    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    FastAPIInstrumentor.instrument_app(app, tracer_provider=provider, server_request_hook=scrub_secrets)
    return app


async def test_the_link_token_is_redacted_from_the_server_span_and_other_parameters_stay() -> None:
    exporter = InMemorySpanExporter()
    transport = httpx.ASGITransport(app=traced_app(exporter))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/registrations/r1", params={"token": "s3cr3t-link-token", "lang": "nl"})
    assert response.status_code == 200

    spans = exporter.get_finished_spans()
    assert spans
    values = [str(value) for span in spans for value in (span.attributes or {}).values()]
    assert not [value for value in values if "s3cr3t-link-token" in value]
    server = next(span for span in spans if (span.attributes or {}).get("http.url"))
    assert server.attributes["http.url"] == "http://test/registrations/r1?token=REDACTED&lang=nl"


def test_a_query_without_a_secret_is_kept_as_it_is() -> None:
    assert redacted_query("year=2027&kind=webinar") == "year=2027&kind=webinar"
    assert redacted_query("token=abc&token=def") == "token=REDACTED&token=REDACTED"
