"""HTTP endpoints for one community: register, read, patch, status, history."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Request, status
from fastapi.responses import JSONResponse

from lcn_registry.communities import flows, repository, service
from lcn_registry.communities.schemas import (
    ChangePublic,
    CommunityCreate,
    CommunityPublic,
    CommunityUpdate,
    HistoryPublic,
    StatusChange,
)
from lcn_registry.matching import service as matching
from lcn_registry.matching.profiles import PROFILE_FIELDS
from lcn_shared.auth import Principal, Role, require
from lcn_shared.concurrency import expected_version
from lcn_shared.db import SessionDep
from lcn_shared.idempotency import fingerprint
from lcn_shared.messaging.outbox import current_trace_context
from lcn_shared.problems import NotFound, PermanentRedirect, problem_responses

router = APIRouter(prefix="/communities", tags=["communities"])
PROBLEMS = problem_responses(308, 401, 403, 404, 409, 412, 413, 422, 428)
Writer = Annotated[Principal, Depends(require(Role.PARTNER, Role.COORDINATOR))]
IfMatch = Annotated[str | None, Header(description='The ETag you read, e.g. `"3"`; required for changes.')]
IdempotencyKey = Annotated[
    str | None, Header(description="Makes a retried POST safe: the same key replays the first answer.")
]


async def resolved_community_id(community_id: UUID, request: Request, session: SessionDep) -> UUID:
    """The community id, or a 308 to the community a merged-away id now stands for."""
    if await repository.get(session, community_id) is None:
        await _redirect_if_merged(session, community_id, request)
    return community_id  # the common case in one query; the handler then reads the row from the session


async def _redirect_if_merged(session: SessionDep, community_id: UUID, request: Request) -> None:
    """A 308 to the community a merged-away id now stands for, if it is one."""
    target = await repository.redirect_target(session, community_id)
    if target is not None:
        location = str(request.url).replace(str(community_id), str(target))
        raise PermanentRedirect(f"Community {community_id} was merged into {target}.", location=location)


@asynccontextmanager
async def redirecting(session: SessionDep, community_id: UUID, request: Request) -> AsyncIterator[None]:
    """For changes, which lock the row themselves: a 308 instead of a 404 for a merged-away id."""
    try:
        yield
    except NotFound:
        await _redirect_if_merged(session, community_id, request)
        raise


CommunityId = Annotated[UUID, Depends(resolved_community_id)]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=CommunityPublic, responses=PROBLEMS)
async def register_community(
    data: CommunityCreate,
    principal: Writer,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Register a learning community; a partner's organisation becomes its lead (penvoerder).
    Its possible duplicates are looked for after the commit (`matching.consumers`)."""
    registration = flows.RegistrationRequest(
        data=data,
        principal=principal,
        idempotency_key=idempotency_key,
        fingerprint=fingerprint("POST", request.url.path, data.model_dump_json().encode()),
        # The collection's URL: what `url_for` gives, without walking the routes on every POST.
        collection_url=str(request.url.replace(query="")).rstrip("/"),
        trace_context=current_trace_context(),
    )
    return await flows.REGISTRATIONS.submit(request.app.state.runtime, registration)


@router.get("/{community_id}", response_model=CommunityPublic, responses=PROBLEMS, name="get_community")
async def get_community(community_id: CommunityId, session: SessionDep) -> JSONResponse:
    """One community, with its ETag for a later change."""
    return flows.answer(service.public(await service.get_community(session, community_id=community_id)))


@router.patch(
    "/{community_id}",
    response_model=CommunityPublic,
    responses=PROBLEMS,
    openapi_extra={"requestBody": {"content": {"application/merge-patch+json": {}}}},
)
async def update_community(
    community_id: UUID,
    patch: CommunityUpdate,
    session: SessionDep,
    principal: Writer,
    request: Request,
    if_match: IfMatch = None,
) -> JSONResponse:
    """Change fields (JSON merge patch); 412 when someone changed the community since you read it."""
    async with redirecting(session, community_id, request):
        community = await service.update_community(
            session,
            community_id=community_id,
            patch=patch,
            expected_version=expected_version(if_match),
            principal=principal,
        )
    if patch.model_fields_set & PROFILE_FIELDS:
        await matching.reindex(session, [community_id])
    return flows.answer(service.public(community))


@router.post("/{community_id}/status", response_model=CommunityPublic, responses=PROBLEMS)
async def change_status(
    community_id: UUID,
    change: StatusChange,
    session: SessionDep,
    principal: Writer,
    request: Request,
    if_match: IfMatch = None,
) -> JSONResponse:
    """Move the community in its lifecycle: planned → active → ended or absorbed (ended may restart)."""
    async with redirecting(session, community_id, request):
        community = await service.change_status(
            session,
            community_id=community_id,
            status=change.status,
            reason=change.reason,
            absorbed_into=change.absorbed_into,
            expected_version=expected_version(if_match),
            principal=principal,
        )
    return flows.answer(service.public(community))


@router.get("/{community_id}/history", response_model=HistoryPublic, responses=problem_responses(308, 400, 404, 422))
async def community_history(
    community_id: CommunityId,
    session: SessionDep,
    cursor: Annotated[str | None, Query(max_length=400, description="`next_cursor` of the previous page.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> HistoryPublic:
    """Every change of the community, newest first: who, when, which fields (old and new), from which source."""
    changes, next_cursor = await service.history(session, community_id=community_id, cursor=cursor, limit=limit)
    data = [ChangePublic.model_validate(change) for change in changes]
    return HistoryPublic(community_id=community_id, data=data, next_cursor=next_cursor)
