"""JSON logs on stdout, each line with the current trace and span ids."""

from __future__ import annotations

import logging
import os
import sys
import time

from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("lcn.access")
# Probes and scrapes arrive every few seconds and say nothing about users: logged at DEBUG only.
QUIET_PATHS = ("/health/", "/metrics")


def current_trace_id() -> str | None:
    """The current span's trace id as 32 hex digits, or None outside a trace."""
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None


class TraceContextFilter(logging.Filter):
    """Adds trace_id and span_id of the current span to every record."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        """Annotate the record; never drops it."""
        context = trace.get_current_span().get_span_context()
        record.service = self.service
        record.trace_id = format(context.trace_id, "032x") if context.is_valid else None
        record.span_id = format(context.span_id, "016x") if context.is_valid else None
        return True


def configure_logging(service: str) -> None:
    """Send the root logger's records to stdout as JSON (once per process)."""
    root = logging.getLogger()
    if any(getattr(handler, "lcn_json", False) for handler in root.handlers):
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.lcn_json = True  # type: ignore[attr-defined]
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(service)s %(trace_id)s %(span_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    handler.addFilter(TraceContextFilter(service))
    root.addHandler(handler)
    root.setLevel(os.environ.get("LCN_LOG_LEVEL", "INFO").upper())
    for noisy in ("aiokafka", "faststream", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


class AccessLogMiddleware:
    """One JSON record per request (method, path, status, duration_ms, trace id); answers carry `X-Trace-Id`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Time the request and log it once it is answered (or has failed)."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless an answer starts: the error middleware inside answers even for a crash
        trace_id = current_trace_id()

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if trace_id:
                    message["headers"] = [*message.get("headers", ()), (b"x-trace-id", trace_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            path: str = scope["path"]
            level = logging.DEBUG if path.startswith(QUIET_PATHS) else logging.INFO
            if access_log.isEnabledFor(level):
                duration_ms = round((time.perf_counter() - started) * 1000, 2)
                access_log.log(
                    level,
                    "%s %s %s %.1f ms",
                    scope["method"],
                    path,
                    status,
                    duration_ms,
                    extra={"method": scope["method"], "path": path, "status": status, "duration_ms": duration_ms},
                )
