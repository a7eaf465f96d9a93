"""Registration through the API, written together with the registrations that arrive meanwhile.

Each `POST /v1/communities` waits for the next group commit (`lcn_shared.group_commit`): one
transaction registers every waiting community with one round trip per table, so the write path
keeps up with many partners at once (ADR 0018). Each request still gets its own answer: its
community, its idempotent replay, or its own error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fastapi.responses import JSONResponse
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_registry.communities import service
from lcn_registry.communities.schemas import CommunityCreate, CommunityPublic
from lcn_shared.auth import Principal
from lcn_shared.concurrency import versioned
from lcn_shared.db import unit_of_work
from lcn_shared.group_commit import GroupCommit
from lcn_shared.idempotency import claim, remember_response, replayed
from lcn_shared.problems import ProblemError
from lcn_shared.runtime import ServiceRuntime


@dataclass(frozen=True)
class RegistrationRequest:
    """One `POST /v1/communities`: what to register, who asks, and how to answer."""

    data: CommunityCreate
    principal: Principal
    idempotency_key: str | None
    fingerprint: str
    collection_url: str
    trace_context: dict[str, str]

    @property
    def idempotency(self) -> tuple[str, str] | None:
        """The (caller, key) pair a replay is stored under."""
        return (self.principal.key_id, self.idempotency_key) if self.idempotency_key is not None else None


def answer(community: CommunityPublic, *, status_code: int = 200, location: str | None = None) -> JSONResponse:
    """A community with its ETag (and Location when created)."""
    return versioned(community, version=community.version, status_code=status_code, location=location)


def created(community: CommunityPublic, collection_url: str) -> JSONResponse:
    """201 with the new community and where it lives."""
    return answer(community, status_code=201, location=f"{collection_url}/{community.community_id}")


async def register_batch(
    runtime: ServiceRuntime, requests: Sequence[RegistrationRequest]
) -> list[JSONResponse | Exception]:
    """Register the requests' communities in one unit of work; answer each request on its own."""
    answers: dict[int, JSONResponse | Exception] = {}
    async with unit_of_work(runtime.sessions()) as session:
        claimed: set[tuple[str, str]] = set()
        to_register, repeated = [], []
        for index, request in enumerate(requests):
            if request.idempotency in claimed:
                repeated.append(index)  # the same key twice in one batch: replays the first once it is stored
                continue
            answer = await _claim(session, request)
            if request.idempotency is not None:
                claimed.add(request.idempotency)
            if answer is None:
                to_register.append(index)
            else:
                answers[index] = answer
        new = [
            service.NewCommunity(requests[index].data, requests[index].principal, requests[index].trace_context)
            for index in to_register
        ]
        for index, community in zip(to_register, await service.register_communities(session, new), strict=True):
            request = requests[index]
            answers[index] = response = created(community, request.collection_url)
            if request.idempotency is not None:
                principal, key = request.idempotency
                await remember_response(session, principal=principal, key=key, response=response)
        for index in repeated:
            answers[index] = await _claim(session, requests[index]) or RuntimeError("a claimed key has no answer")
    return [answers[index] for index in range(len(requests))]


async def _claim(session: AsyncSession, request: RegistrationRequest) -> JSONResponse | Exception | None:
    """None to go ahead; the stored answer to replay, or the key's problem, otherwise."""
    if request.idempotency is None:
        return None
    principal, key = request.idempotency
    try:
        stored = await claim(session, principal=principal, key=key, request_fingerprint=request.fingerprint)
    except ProblemError as exc:
        return exc
    return replayed(stored) if stored is not None else None


REGISTRATIONS: GroupCommit[RegistrationRequest, JSONResponse] = GroupCommit(register_batch)
