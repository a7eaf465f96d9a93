"""Liveness, readiness (database and broker answer; stalled consumers shown), and the Prometheus endpoint."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

router = APIRouter(tags=["operations"])
PROBE_TIMEOUT_SECONDS = 2.0
# Readiness answers its checks as plain JSON, 200 or 503 alike (not problem+json): documented as such.
READINESS_SCHEMA = {"type": "object", "properties": {"status": {"type": "string"}, "checks": {"type": "object"}}}


@router.get("/health/live", summary="The process is up")
async def live() -> dict[str, str]:
    """Always 200 while the process serves requests."""
    return {"status": "ok"}


async def _database_ok(request: Request) -> bool:
    """True when `SELECT 1` answers in time."""
    try:
        async with asyncio.timeout(PROBE_TIMEOUT_SECONDS), request.app.state.runtime.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


async def _broker_ok(request: Request) -> bool:
    """True when the broker is connected and answers a metadata request in time."""
    runtime = request.app.state.runtime
    if not runtime.broker_connected:
        return False
    try:
        return bool(await runtime.broker.ping(timeout=PROBE_TIMEOUT_SECONDS))
    except Exception:
        return False


@router.get(
    "/health/ready",
    summary="The database and the broker answer",
    responses={
        503: {"description": "Something is down", "content": {"application/json": {"schema": READINESS_SCHEMA}}}
    },
)
async def ready(request: Request) -> JSONResponse:
    """200 when the database and the broker answer, else 503 with what is down; stalled consumers are shown.

    A stalled partition does not make the service unready (ADR 0012): its API still answers, and every
    replica shares the stall, so taking them out of rotation would turn a lagging read model into an outage.
    """
    database, broker = await asyncio.gather(_database_ok(request), _broker_ok(request))
    stalled = [entry for stalls in request.app.state.runtime.consumer_stalls for entry in stalls.describe()]
    checks: dict[str, Any] = {
        "database": "ok" if database else "down",
        "broker": "ok" if broker else "down",
        "consumers": "stalled" if stalled else "ok",
    }
    ok = database and broker
    status = ("degraded" if stalled else "ok") if ok else "unavailable"
    body: dict[str, Any] = {"status": status, "checks": checks}
    if stalled:
        body["stalled"] = stalled
    return JSONResponse(body, status_code=200 if ok else 503)


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
async def metrics(request: Request) -> Response:
    """The app's metrics in the Prometheus text format."""
    return Response(generate_latest(request.app.state.runtime.metrics.registry), media_type=CONTENT_TYPE_LATEST)
