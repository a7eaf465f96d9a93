"""The benchmark's baseline: the registry's write path as a bare FastAPI + asyncpg app.

No ORM, no kit, no auth, no telemetry: one asyncpg pool and one transaction with the same two inserts
(the community row and its outbox row) the registry makes. Run it with
`uvicorn lcn_benchmarks.baseline_app:create_app --factory` and `LCN_BASELINE_DATABASE_URL` pointing
at the registry's database.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from pydantic import BaseModel, Field

DATABASE_URL_ENV = "LCN_BASELINE_DATABASE_URL"
POOL_SIZE = 20  # the registry's engine: pool_size 10 plus max_overflow 10
TOPIC = "lcn.registry.community"
EVENT_TYPE = "nl.lcn.registry.community.registered.v1"
SOURCE = "/lcn/registry"

INSERT_COMMUNITY = """
INSERT INTO community (community_id, name, kinds, landsdeel, topsectors, owner_organisation_id, version,
                       created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7)
"""
INSERT_OUTBOX = """
INSERT INTO outbox_message (event_id, topic, message_key, event_type, source, subject, occurred_at, payload,
                            trace_context)
VALUES ($1, $2, $3, $4, $5, $3, $6, $7::jsonb, '{}'::jsonb)
"""


class CommunityIn(BaseModel):
    """The registration body, validated as plainly as FastAPI allows."""

    name: str = Field(min_length=2, max_length=200)
    kinds: list[str] = Field(min_length=1, max_length=10)
    landsdeel: str
    topsectors: list[str] = Field(default_factory=list, max_length=10)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Open the pool for the app's lifetime."""
    app.state.pool = await asyncpg.create_pool(os.environ[DATABASE_URL_ENV], min_size=2, max_size=POOL_SIZE)
    try:
        yield
    finally:
        await app.state.pool.close()


def create_app() -> FastAPI:
    """The baseline's ASGI app."""
    app = FastAPI(title="LCN benchmark baseline", lifespan=_lifespan)
    app.add_api_route("/health", health, methods=["GET"])
    app.add_api_route("/v1/communities", register_community, methods=["POST"], status_code=201)
    return app


async def health() -> dict[str, str]:
    """Always 200 once the pool is open."""
    return {"status": "ok"}


async def register_community(body: CommunityIn, request: Request) -> dict[str, Any]:
    """Insert the community and its `community.registered` outbox row in one transaction."""
    community_id, now = uuid.uuid4(), datetime.now(UTC)
    payload = {
        "community_id": str(community_id),
        "name": body.name,
        "kind": body.kinds[0],
        "kinds": body.kinds,
        "landsdeel": body.landsdeel,
        "topsectors": body.topsectors,
        "owner_organisation_id": None,
        "registered_at": now.isoformat(),
    }
    async with request.app.state.pool.acquire() as conn, conn.transaction():
        await conn.execute(
            INSERT_COMMUNITY, community_id, body.name, body.kinds, body.landsdeel, body.topsectors, None, now
        )
        await conn.execute(
            INSERT_OUTBOX, uuid.uuid4(), TOPIC, str(community_id), EVENT_TYPE, SOURCE, now, json.dumps(payload)
        )
    return {**payload, "version": 1, "created_at": now.isoformat(), "updated_at": now.isoformat()}
