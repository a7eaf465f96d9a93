"""HTTP endpoints of good practices: public reads of curated ones, partners write their own, coordinators curate."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status
from fastapi.responses import JSONResponse
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_monitor.practices import repository, service
from lcn_monitor.practices.schemas import (
    CurationIn,
    PracticeChangePublic,
    PracticeChangesPublic,
    PracticeCreate,
    PracticeCsvParams,
    PracticeListParams,
    PracticePublic,
    PracticesPublic,
    PracticeUpdate,
)
from lcn_shared.auth import OPTIONAL_KEY, Principal, Role, identify, require
from lcn_shared.clock import ClockDep
from lcn_shared.concurrency import expected_version, versioned
from lcn_shared.cursors import cursor_bigint, page_of, read_cursor
from lcn_shared.db import ReadSessionDep, SessionDep
from lcn_shared.idempotency import answer_once, fingerprint
from lcn_shared.problems import problem_responses
from lcn_shared.spreadsheets import CSV_MEDIA_TYPE, csv_download
from lcn_shared.urls import url_of

router = APIRouter(tags=["practices"])
PROBLEMS = problem_responses(400, 401, 403, 404, 409, 412, 422, 428)
READ_PROBLEMS = problem_responses(400, 401, 404, 422)
HISTORY_PROBLEMS = problem_responses(400, 401, 403, 404, 422)
Writer = Annotated[Principal, Depends(require(Role.PARTNER, Role.COORDINATOR))]
Coordinator = Annotated[Principal, Depends(require(Role.COORDINATOR))]
Caller = Annotated[Principal | None, Depends(identify)]
IfMatch = Annotated[str | None, Header(description='The practice\'s ETag, e.g. `"3"`; required for changes.')]
IdempotencyKey = Annotated[
    str | None, Header(description="Makes a retried POST safe: the same key replays the first answer.")
]
MERGE_PATCH: dict[str, Any] = {"requestBody": {"content": {"application/merge-patch+json": {}}}}


async def _answer(session: AsyncSession, practice_id: UUID, *, status_code: int = 200) -> JSONResponse:
    """The practice as it is now, with its ETag."""
    row = await repository.view(session, practice_id)
    assert row is not None, "answered right after it was read or written"
    return versioned(service.public_view(row), version=row["version"], status_code=status_code)


@router.post("/practices", status_code=status.HTTP_201_CREATED, response_model=PracticePublic, responses=PROBLEMS)
async def create_practice(
    data: PracticeCreate,
    session: SessionDep,
    principal: Writer,
    clock: ClockDep,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Write a good practice of a community (its lead and the partners who may edit it, or a coordinator); it is
    `submitted` until a coordinator curates it."""

    async def act() -> JSONResponse:
        practice = await service.create_practice(session, data=data, principal=principal, now=clock.now())
        response = await _answer(session, practice.practice_id, status_code=201)
        response.headers["Location"] = url_of(request, "get_practice", practice_id=str(practice.practice_id))
        return response

    request_fingerprint = fingerprint("POST", request.url.path, data.model_dump_json().encode())
    return await answer_once(
        session, principal=principal.key_id, key=idempotency_key, request_fingerprint=request_fingerprint, act=act
    )


@router.get("/practices", response_model=PracticesPublic, responses=READ_PROBLEMS, openapi_extra=OPTIONAL_KEY)
async def list_practices(
    params: Annotated[PracticeListParams, Query()], session: ReadSessionDep, principal: Caller
) -> PracticesPublic:
    """Practices you may see (curated ones for everyone; a community's own for its editors; all for coordinators),
    newest first, or best match first with `q`; `facets=true` adds the counts per vocabulary value."""
    practice_filter = await service.resolve_filter(session, params=params)
    viewer = service.viewer_of(principal)
    tag = service.listing_tag(practice_filter)
    after = read_cursor(params.cursor, tag=tag, parse=partial(service.parse_position, practice_filter))
    rows = await repository.page(session, practice_filter, viewer, after=after, limit=params.limit + 1)
    page, next_cursor = page_of(rows, limit=params.limit, position=service.cursor_position, tag=tag)
    facets = await service.facets(session, practice_filter=practice_filter, viewer=viewer) if params.facets else None
    return PracticesPublic(data=[service.public_view(row) for row in page], next_cursor=next_cursor, facets=facets)


@router.get(
    "/practices.csv",
    response_class=Response,
    responses={200: {"content": {CSV_MEDIA_TYPE: {}}}, **READ_PROBLEMS},
    openapi_extra=OPTIONAL_KEY,
)
async def export_practices_csv(
    params: Annotated[PracticeCsvParams, Query()], session: ReadSessionDep, principal: Caller
) -> Response:
    """The practices of the list (same filters, whole) as CSV: UTF-8 with a BOM, lists joined with `; `, and no
    cell that a spreadsheet would run as a formula."""
    practice_filter = await service.resolve_filter(session, params=params)
    rows = await repository.every(session, practice_filter, service.viewer_of(principal))
    return csv_download(
        service.CSV_HEADER,
        [service.csv_row(row) for row in rows],
        separator=params.separator,
        filename="practices.csv",
    )


@router.get(
    "/practices/{practice_id}",
    response_model=PracticePublic,
    responses=READ_PROBLEMS,
    name="get_practice",
    openapi_extra=OPTIONAL_KEY,
)
async def get_practice(practice_id: UUID, session: ReadSessionDep, principal: Caller) -> JSONResponse:
    """One practice with its ETag; a practice not yet curated, or hidden, only for its editors and coordinators."""
    row = await service.readable(session, practice_id=practice_id, principal=principal)
    return versioned(service.public_view(row), version=row["version"])


@router.patch("/practices/{practice_id}", response_model=PracticePublic, responses=PROBLEMS, openapi_extra=MERGE_PATCH)
async def update_practice(
    practice_id: UUID,
    patch: PracticeUpdate,
    session: SessionDep,
    principal: Writer,
    clock: ClockDep,
    if_match: IfMatch = None,
) -> JSONResponse:
    """Change a practice (JSON merge patch; its community's editors and coordinators); a hidden one edited by a
    partner goes back to `submitted`."""
    version = expected_version(if_match)
    await service.update_practice(
        session, practice_id=practice_id, data=patch, expected_version=version, principal=principal, now=clock.now()
    )
    return await _answer(session, practice_id)


@router.post("/practices/{practice_id}/curation", response_model=PracticePublic, responses=PROBLEMS)
async def curate_practice(
    practice_id: UUID,
    data: CurationIn,
    session: SessionDep,
    principal: Coordinator,
    clock: ClockDep,
    if_match: IfMatch = None,
) -> JSONResponse:
    """Publish, feature or hide a practice (coordinators); hiding says why, for the practice's editors."""
    version = expected_version(if_match)
    await service.curate(
        session, practice_id=practice_id, data=data, expected_version=version, principal=principal, now=clock.now()
    )
    return await _answer(session, practice_id)


@router.get("/practices/{practice_id}/history", response_model=PracticeChangesPublic, responses=HISTORY_PROBLEMS)
async def practice_history(
    practice_id: UUID,
    session: ReadSessionDep,
    principal: Writer,
    limit: Annotated[int, Query(ge=1, le=200)] = 100,
    cursor: Annotated[str | None, Query(max_length=500, description="`next_cursor` of the page before.")] = None,
) -> PracticeChangesPublic:
    """Every change, oldest first: who, when, which version, which fields (old and new); for the practice's
    editors and coordinators, since earlier versions may hold what a coordinator hid."""
    await service.editable(session, practice_id=practice_id, principal=principal)
    tag = f"practice-history:{practice_id}"
    after = read_cursor(cursor, tag=tag, parse=lambda position: cursor_bigint(position["after"]))
    rows = await repository.changes(session, practice_id, after=after, limit=limit + 1)
    page, next_cursor = page_of(rows, limit=limit, position=lambda row: {"after": row.change_id}, tag=tag)
    return PracticeChangesPublic(
        data=[PracticeChangePublic.model_validate(row, from_attributes=True) for row in page], next_cursor=next_cursor
    )
