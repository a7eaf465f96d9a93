"""`Idempotency-Key` for POST: a retried request replays the first answer instead of acting twice.

The key is claimed by an insert in the same transaction as the request's effect, so a concurrent
retry waits on the first one's row lock and then replays its committed answer; if the first
one fails, its claim rolls back with it and the key is free again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi.responses import JSONResponse
from sqlalchemy import Column, DateTime, Integer, Text, func
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlmodel import Field, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_shared.problems import ProblemError
from lcn_shared.tables import KitTable

MAX_KEY_LENGTH = 255
REPLAYED_HEADERS = {"location", "etag", "content-location"}


class IdempotentRequest(KitTable, table=True):
    """A POST answered under an idempotency key, per caller."""

    __tablename__ = "idempotent_request"

    principal: str = Field(sa_column=Column(Text, primary_key=True))
    idempotency_key: str = Field(sa_column=Column(Text, primary_key=True))
    fingerprint: str = Field(sa_column=Column(Text, nullable=False))
    status_code: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    body: Any = Field(default=None, sa_column=Column(JSONB))
    headers: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    created_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now(), index=True)
    )


class IdempotencyKeyReused(ProblemError):
    """The key was already used for a different request."""

    status = 422
    slug = "idempotency-key-reused"
    title = "Idempotency key reused"


class InvalidIdempotencyKey(ProblemError):
    """The key is empty or too long."""

    status = 400
    slug = "invalid-idempotency-key"
    title = "Invalid idempotency key"


@dataclass(frozen=True)
class StoredAnswer:
    """The answer to replay."""

    status_code: int
    body: Any
    headers: dict[str, str]


def fingerprint(method: str, path: str, body: bytes) -> str:
    """What makes two requests the same request."""
    return hashlib.sha256(b"\0".join([method.encode(), path.encode(), body])).hexdigest()


async def claim(session: AsyncSession, *, principal: str, key: str, request_fingerprint: str) -> StoredAnswer | None:
    """Claim `key` for this request; None means go ahead, an answer means replay it."""
    if not 0 < len(key) <= MAX_KEY_LENGTH:
        raise InvalidIdempotencyKey(f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters.")
    claimed = await session.exec(
        insert(IdempotentRequest)
        .values(principal=principal, idempotency_key=key, fingerprint=request_fingerprint, status_code=0, headers={})
        .on_conflict_do_nothing()
        .returning(col(IdempotentRequest.principal))
    )
    if claimed.first() is not None:
        return None
    stored = (
        await session.exec(
            select(IdempotentRequest).where(
                IdempotentRequest.principal == principal, IdempotentRequest.idempotency_key == key
            )
        )
    ).one()
    if stored.fingerprint != request_fingerprint:
        raise IdempotencyKeyReused(f"Idempotency-Key {key!r} was used for a different request.")
    return StoredAnswer(stored.status_code, stored.body, dict(stored.headers))


async def remember(
    session: AsyncSession, *, principal: str, key: str, status_code: int, body: Any, headers: dict[str, str]
) -> None:
    """Store the answer of a claimed key, in the request's transaction."""
    stored = await session.get(IdempotentRequest, (principal, key))
    assert stored is not None, "remember() follows a successful claim()"
    stored.status_code = status_code
    stored.body = json.loads(json.dumps(body, default=str))
    stored.headers = headers
    session.add(stored)


def replayed(stored: StoredAnswer) -> JSONResponse:
    """The first answer again, marked `Idempotent-Replayed`."""
    headers = {**stored.headers, "Idempotent-Replayed": "true"}
    return JSONResponse(stored.body, status_code=stored.status_code, headers=headers)


async def remember_response(session: AsyncSession, *, principal: str, key: str, response: JSONResponse) -> None:
    """Store a claimed key's answer (its body and the headers a replay repeats), in the request's transaction."""
    kept = {name: value for name, value in response.headers.items() if name.lower() in REPLAYED_HEADERS}
    body = json.loads(bytes(response.body))
    await remember(session, principal=principal, key=key, status_code=response.status_code, body=body, headers=kept)


async def answer_once(
    session: AsyncSession,
    *,
    principal: str,
    key: str | None,
    request_fingerprint: str,
    act: Callable[[], Awaitable[JSONResponse]],
) -> JSONResponse:
    """Run `act` once per (caller, key): a retry gets the first answer again, marked `Idempotent-Replayed`."""
    if key is None:
        return await act()
    stored = await claim(session, principal=principal, key=key, request_fingerprint=request_fingerprint)
    if stored is not None:
        return replayed(stored)
    response = await act()
    await remember_response(session, principal=principal, key=key, response=response)
    return response
