"""`Idempotency-Key`: one effect per caller and key, the first answer replayed, against real PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastapi.responses import JSONResponse

from lcn_shared.db import SessionFactory, core_table, unit_of_work
from lcn_shared.idempotency import (
    IdempotencyKeyReused,
    IdempotentRequest,
    InvalidIdempotencyKey,
    StoredAnswer,
    answer_once,
    claim,
    fingerprint,
    remember,
)
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import sessions_on_tables

REQUEST = fingerprint("POST", "/v1/things", b'{"name": "x"}')
OTHER_REQUEST = fingerprint("POST", "/v1/things", b'{"name": "y"}')


@pytest.fixture
async def sessions(platform: PlatformSettings) -> AsyncIterator[SessionFactory]:
    """Sessions on a database of this test that holds only the idempotency table."""
    async with sessions_on_tables(platform, [core_table(IdempotentRequest)], pool_size=3) as factory:
        yield factory


class Counter:
    """An action that counts how often it ran and answers 201 with its count."""

    def __init__(self) -> None:
        self.runs = 0

    async def __call__(self) -> JSONResponse:
        self.runs += 1
        return JSONResponse(
            {"run": self.runs}, status_code=201, headers={"Location": f"/v1/things/{self.runs}", "X-Other": "no"}
        )


async def answer(
    sessions: SessionFactory, act: Counter, *, key: str | None, principal: str = "caller-1", request: str = REQUEST
) -> JSONResponse:
    """One request in its own unit of work."""
    async with unit_of_work(sessions) as session:
        return await answer_once(session, principal=principal, key=key, request_fingerprint=request, act=act)


def body_of(response: JSONResponse) -> Any:
    """A response's JSON body."""
    return json.loads(bytes(response.body))


def test_fingerprint_tells_requests_apart() -> None:
    """Method, path and body each make a request another one."""
    assert fingerprint("POST", "/a", b"{}") == fingerprint("POST", "/a", b"{}")
    variants = {fingerprint("POST", "/a", b"{}"), fingerprint("PUT", "/a", b"{}"), fingerprint("POST", "/b", b"{}")}
    assert len(variants | {fingerprint("POST", "/a", b"[]")}) == 4


async def test_without_a_key_every_request_acts(sessions: SessionFactory) -> None:
    """No key, no protection: the action runs each time."""
    act = Counter()
    await answer(sessions, act, key=None)
    await answer(sessions, act, key=None)
    assert act.runs == 2


async def test_a_retry_replays_the_first_answer_marked_as_replayed(sessions: SessionFactory) -> None:
    """Same caller, key and request: status, body and Location come back; the action ran once."""
    act = Counter()
    first = await answer(sessions, act, key="k-1")
    second = await answer(sessions, act, key="k-1")
    assert act.runs == 1
    assert (second.status_code, body_of(second)) == (201, {"run": 1})
    assert second.headers["location"] == first.headers["location"] == "/v1/things/1"
    assert second.headers["idempotent-replayed"] == "true"
    assert "x-other" not in second.headers
    assert "idempotent-replayed" not in first.headers


async def test_the_same_key_for_another_request_is_refused(sessions: SessionFactory) -> None:
    """A key names one request; reusing it for a different body is a 422 problem."""
    act = Counter()
    await answer(sessions, act, key="k-1")
    with pytest.raises(IdempotencyKeyReused) as raised:
        await answer(sessions, act, key="k-1", request=OTHER_REQUEST)
    assert raised.value.status == 422
    assert act.runs == 1


async def test_keys_belong_to_their_caller(sessions: SessionFactory) -> None:
    """Two callers' equal keys are two requests."""
    act = Counter()
    await answer(sessions, act, key="k-1", principal="caller-1")
    second = await answer(sessions, act, key="k-1", principal="caller-2")
    assert act.runs == 2
    assert "idempotent-replayed" not in second.headers


async def test_a_failed_request_frees_its_key(sessions: SessionFactory) -> None:
    """The claim rolls back with the failed request's transaction, so the retry acts."""

    async def fail() -> JSONResponse:
        raise RuntimeError("the effect failed")

    with pytest.raises(RuntimeError):
        async with unit_of_work(sessions) as session:
            await answer_once(session, principal="caller-1", key="k-1", request_fingerprint=REQUEST, act=fail)
    act = Counter()
    retried = await answer(sessions, act, key="k-1")
    assert (act.runs, retried.status_code) == (1, 201)


@pytest.mark.parametrize("key", ["", "k" * 256], ids=["empty", "too-long"])
async def test_unusable_keys_are_400(sessions: SessionFactory, key: str) -> None:
    """Keys are 1 to 255 characters."""
    with pytest.raises(InvalidIdempotencyKey) as raised:
        await answer(sessions, Counter(), key=key)
    assert raised.value.status == 400


async def test_a_concurrent_retry_waits_for_the_first_request_and_replays_it(sessions: SessionFactory) -> None:
    """While the first request's claim is uncommitted the retry blocks on it, then gets the first answer."""
    async with unit_of_work(sessions) as first:
        assert await claim(first, principal="caller-1", key="k-1", request_fingerprint=REQUEST) is None

        async def retry() -> StoredAnswer | None:
            async with unit_of_work(sessions) as second:
                return await claim(second, principal="caller-1", key="k-1", request_fingerprint=REQUEST)

        retried = asyncio.create_task(retry())
        await asyncio.sleep(0.3)
        assert not retried.done(), "the retry must wait for the first request's outcome"
        await remember(first, principal="caller-1", key="k-1", status_code=201, body={"id": 1}, headers={"etag": '"1"'})
    assert await asyncio.wait_for(retried, timeout=5) == StoredAnswer(201, {"id": 1}, {"etag": '"1"'})
