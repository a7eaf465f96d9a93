"""JSON logs carry the service name and the current trace and span ids."""

from __future__ import annotations

import io
import json
import logging

from opentelemetry.sdk.trace import TracerProvider
from pythonjsonlogger.json import JsonFormatter

from lcn_shared.telemetry.logs import TraceContextFilter


def test_log_line_is_json_with_trace_and_span_ids() -> None:
    """A record logged inside a span names that span's trace."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("%(levelname)s %(message)s %(service)s %(trace_id)s %(span_id)s"))
    handler.addFilter(TraceContextFilter("registry"))
    logger = logging.getLogger("lcn.test.logs")
    logger.addHandler(handler)
    logger.propagate = False
    tracer = TracerProvider().get_tracer("test")
    try:
        with tracer.start_as_current_span("work") as span:
            logger.warning("community registered")
        logger.warning("outside any span")
    finally:
        logger.removeHandler(handler)
    inside, outside = (json.loads(line) for line in stream.getvalue().splitlines())
    context = span.get_span_context()
    assert inside["message"] == "community registered"
    assert inside["service"] == "registry"
    assert inside["trace_id"] == format(context.trace_id, "032x")
    assert inside["span_id"] == format(context.span_id, "016x")
    assert outside["trace_id"] is None
