"""HTTP endpoints of feeds: deliveries (one-shot or as a job of batches), jobs, results and lineage."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response, status
from fastapi.responses import JSONResponse

from lcn_registry.communities.router import CommunityId
from lcn_registry.communities.service import get_community
from lcn_registry.feeds import mappings, repository, service
from lcn_registry.feeds.models import ImportJob
from lcn_registry.feeds.schemas import (
    FEED_SOURCE_PATTERN,
    BatchPublic,
    FeedSourcePublic,
    ImportMode,
    JobCreate,
    JobPublic,
    JobsPage,
    LineagePublic,
    Outcome,
    RecordResult,
    ResultsPublic,
    SourceRecordPublic,
    SourcesPage,
    WithdrawalPublic,
    WithdrawalsPage,
    WouldWithdraw,
)
from lcn_shared.auth import OPTIONAL_KEY, Principal, Role, identify, require
from lcn_shared.cursors import cursor_text, page_of, read_cursor
from lcn_shared.db import SessionDep
from lcn_shared.deliveries import MEDIA_TYPES, read_delivery
from lcn_shared.hygiene import INT32_MAX
from lcn_shared.idempotency import claim, fingerprint, remember_response, replayed
from lcn_shared.problems import NotFound, problem_responses

router = APIRouter(tags=["feeds"])
PROBLEMS = problem_responses(401, 403, 404, 409, 413, 415, 422)
# The record format (docs/feeds.md). Each record is checked on its own: one that does not fit FeedRecord is
# rejected with its reason in `results` while the others import, so the body takes any item (a 201 that
# rejects it, never a 422 for the whole batch), and the OpenAPI document says so.
RECORD_ITEM = {
    "anyOf": [{"$ref": "#/components/schemas/FeedRecord"}, {}],
    "description": "A FeedRecord. Any other item is taken too and comes back rejected with its reason.",
}
TEXT_BODIES = {
    "ndjson": "One FeedRecord as a JSON object per line.",
    "csv": "A header row naming FeedRecord fields (or the source's mapped columns), then one record per row: "
    "comma-, semicolon- or tab-separated, UTF-8 (a BOM is fine) or Windows-1252; a list is one cell `a; b`, "
    "partners `Name [type] (role); ...`.",
}
RECORD_LIST = {"type": "array", "items": RECORD_ITEM}
DELIVERY_BODY = {
    "requestBody": {
        "required": True,
        "description": 'The records, each a FeedRecord: a JSON array (or `{"records": [...]}`), NDJSON or CSV. '
        "A record that does not fit is rejected on its own with its reason; the others import. Through the source's "
        "mapping (`PUT /v1/feeds/{feed_source}/mapping`) a file may use its own column names and spellings.",
        "content": {
            media_type: {
                "schema": {
                    "anyOf": [
                        RECORD_LIST,
                        {"type": "object", "required": ["records"], "properties": {"records": RECORD_LIST}},
                    ]
                }
                if feed_format == "json"
                else {"description": TEXT_BODIES[feed_format]}
            }
            for media_type, feed_format in MEDIA_TYPES.items()
        },
    }
}
READ_PROBLEMS = problem_responses(400, 401, 403, 404, 422)
Deliverer = Annotated[Principal, Depends(require(Role.FEED, Role.COORDINATOR))]
FeedSource = Annotated[str, Path(pattern=FEED_SOURCE_PATTERN, description="e.g. katapult, regional:utrecht")]
ContentType = Annotated[str | None, Header()]
Cursor = Annotated[str | None, Query(max_length=1000, description="The `next_cursor` of the previous page.")]
ConfirmWithdrawals = Annotated[
    bool,
    Query(description="Apply a snapshot's withdrawals even beyond the safeguard's limit (ADR 0023); else it is held."),
]
# How many of a held snapshot's records the job itself lists; the rest are paged from `/withdrawals`.
HELD_SAMPLE = 100
HELD_ANSWER = {
    "description": "Held: the snapshot would withdraw more than the safeguard allows (all records, more than "
    "`LCN_REGISTRY_SNAPSHOT_WITHDRAW_LIMIT` of them, or an empty snapshot). Nothing is withdrawn; `job.state` is "
    "`held` and `job.would_withdraw` says what it would withdraw. Complete the job with `?confirm_withdrawals=true` "
    "to apply it, or cancel it.",
}


async def source_reader(feed_source: FeedSource, principal: Deliverer) -> Principal:
    """A source's jobs and records are read with its own feed key or a coordinator's (403 for others)."""
    service.authorise_source(principal, feed_source)
    return principal


SourceReader = Annotated[Principal, Depends(source_reader)]


async def job_public(session: SessionDep, job: ImportJob) -> JobPublic:
    """A job as answered: a held one lists what it would withdraw (the first records, then a cursor)."""
    public = JobPublic.model_validate(job)
    if job.state == "held" and job.held_at is not None:
        page = await _withdrawals_page(session, job, after=None, limit=HELD_SAMPLE)
        public.would_withdraw = WouldWithdraw(
            count=job.held_withdrawals or 0,
            reason=job.hold_reason or "",
            held_at=job.held_at,
            confirm=f"POST /v1/feeds/{job.feed_source}/jobs/{job.job_id}/complete?confirm_withdrawals=true "
            f"applies it; POST /v1/feeds/{job.feed_source}/jobs/{job.job_id}/cancel abandons it.",
            data=page.data,
            next_cursor=page.next_cursor,
        )
    return public


def _held_status(job: ImportJob, response: Response) -> None:
    """202 Accepted for a held snapshot: accepted, but not completed until confirmed."""
    if job.state == "held":
        response.status_code = status.HTTP_202_ACCEPTED


@router.post(
    "/feeds/{feed_source}/imports",
    status_code=status.HTTP_201_CREATED,
    response_model=BatchPublic,
    responses={202: {"model": BatchPublic, **HELD_ANSWER}, **PROBLEMS},
    openapi_extra=DELIVERY_BODY,
)
async def import_delivery(
    feed_source: FeedSource,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Deliverer,
    content_type: ContentType = None,
    mode: Annotated[ImportMode, Query()] = "upsert",
    confirm_withdrawals: ConfirmWithdrawals = False,
) -> BatchPublic:
    """Deliver a whole feed in one request: a job is opened, imported and completed at once.

    A snapshot that would withdraw too much is held (202) with its records imported but nothing withdrawn."""
    rows = read_delivery(await request.body(), content_type)
    job = await service.open_job(session, feed_source=feed_source, mode=mode, principal=principal)
    results = await service.import_rows(session, job=job, rows=rows)
    job = await service.complete_job(session, job=job, confirm_withdrawals=confirm_withdrawals)
    _held_status(job, response)
    hint = await mappings.batch_hint(session, job, rows, results)
    return BatchPublic(job=await job_public(session, job), results=results, hint=hint)


@router.post(
    "/feeds/{feed_source}/jobs",
    status_code=status.HTTP_201_CREATED,
    response_model=JobPublic,
    responses={**PROBLEMS, **problem_responses(400)},
)
async def open_job(
    feed_source: FeedSource,
    data: JobCreate,
    request: Request,
    session: SessionDep,
    principal: Deliverer,
    idempotency_key: Annotated[
        str | None, Header(description="A retried open with the same key answers the same job (no second one).")
    ] = None,
) -> JSONResponse:
    """Open a job for a large delivery; send its records in batches, then complete it."""
    if idempotency_key is not None:
        request_fingerprint = fingerprint("POST", request.url.path, data.model_dump_json().encode())
        stored = await claim(
            session, principal=principal.key_id, key=idempotency_key, request_fingerprint=request_fingerprint
        )
        if stored is not None:
            return replayed(stored)
    job = await service.open_job(session, feed_source=feed_source, mode=data.mode, principal=principal)
    response = JSONResponse(JobPublic.model_validate(job).model_dump(mode="json"), status_code=status.HTTP_201_CREATED)
    if idempotency_key is not None:
        await remember_response(session, principal=principal.key_id, key=idempotency_key, response=response)
    return response


@router.post(
    "/feeds/{feed_source}/jobs/{job_id}/records",
    response_model=BatchPublic,
    responses=PROBLEMS,
    openapi_extra=DELIVERY_BODY,
)
async def deliver_batch(
    feed_source: FeedSource,
    job_id: UUID,
    request: Request,
    session: SessionDep,
    principal: Deliverer,
    content_type: ContentType = None,
) -> BatchPublic:
    """Import one batch of an open job; each record gets its result. A retried batch changes nothing."""
    job = await service.open_job_of(session, feed_source=feed_source, job_id=job_id, principal=principal)
    rows = read_delivery(await request.body(), content_type, first_position=job.received + 1)
    results = await service.import_rows(session, job=job, rows=rows)
    hint = await mappings.batch_hint(session, job, rows, results)
    return BatchPublic(job=JobPublic.model_validate(job), results=results, hint=hint)


@router.post(
    "/feeds/{feed_source}/jobs/{job_id}/complete",
    response_model=JobPublic,
    responses={202: {"model": JobPublic, **HELD_ANSWER}, **PROBLEMS},
)
async def complete_job(
    feed_source: FeedSource,
    job_id: UUID,
    response: Response,
    session: SessionDep,
    principal: Deliverer,
    confirm_withdrawals: ConfirmWithdrawals = False,
) -> JobPublic:
    """Close the job; in snapshot mode, records not delivered are withdrawn by the source.

    A snapshot that would withdraw too much is held (202); completing it again with `confirm_withdrawals=true`
    withdraws what it listed (records delivered again since by a newer job stay)."""
    job = await service.open_job_of(
        session, feed_source=feed_source, job_id=job_id, principal=principal, states=("open", "held")
    )
    job = await service.complete_job(session, job=job, confirm_withdrawals=confirm_withdrawals)
    _held_status(job, response)
    return await job_public(session, job)


@router.post("/feeds/{feed_source}/jobs/{job_id}/cancel", response_model=JobPublic, responses=PROBLEMS)
async def cancel_job(feed_source: FeedSource, job_id: UUID, session: SessionDep, principal: Deliverer) -> JobPublic:
    """Abandon an open or held job: nothing is withdrawn and no more batches are taken (delivered ones stay)."""
    job = await service.open_job_of(
        session, feed_source=feed_source, job_id=job_id, principal=principal, states=("open", "held")
    )
    return JobPublic.model_validate(await service.cancel_job(session, job=job))


@router.get("/feeds", response_model=SourcesPage, responses=READ_PROBLEMS)
async def list_sources(
    session: SessionDep, principal: Deliverer, cursor: Cursor = None, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> SourcesPage:
    """Feed sources with their record counts and last job: every source for a coordinator, its own for a feed key."""
    only = principal.feed_source if principal.role is Role.FEED else None
    after = read_cursor(cursor, tag="feeds", parse=lambda position: cursor_text(position["s"]))
    rows = await repository.source_summaries(session, only=only, after=after, limit=limit + 1)
    page, next_cursor = page_of(rows, limit=limit, position=lambda row: {"s": row[0]}, tag="feeds")
    summaries = []
    for feed_source, active, withdrawn in page:
        jobs = await repository.jobs(session, feed_source, limit=1)
        summaries.append(
            FeedSourcePublic(
                feed_source=feed_source,
                active_records=active,
                withdrawn_records=withdrawn,
                last_job=await job_public(session, jobs[0]) if jobs else None,
            )
        )
    return SourcesPage(data=summaries, next_cursor=next_cursor)


@router.get("/feeds/{feed_source}/jobs", response_model=JobsPage, responses=READ_PROBLEMS)
async def list_jobs(
    feed_source: FeedSource,
    session: SessionDep,
    _: SourceReader,
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> JobsPage:
    """A source's import jobs, newest first."""
    tag = f"jobs:{feed_source}"
    before = read_cursor(cursor, tag=tag, parse=_job_position)
    rows = await repository.jobs(session, feed_source, before=before, limit=limit + 1)
    jobs, next_cursor = page_of(
        rows, limit=limit, position=lambda job: {"t": job.created_at.isoformat(), "id": str(job.job_id)}, tag=tag
    )
    return JobsPage(data=[await job_public(session, job) for job in jobs], next_cursor=next_cursor)


@router.get("/feeds/{feed_source}/jobs/{job_id}", response_model=JobPublic, responses=READ_PROBLEMS)
async def get_job(feed_source: FeedSource, job_id: UUID, session: SessionDep, _: SourceReader) -> JobPublic:
    """One import job: state and counts; a held job also what it would withdraw."""
    return await job_public(session, await _job_of(session, feed_source, job_id))


@router.get("/feeds/{feed_source}/jobs/{job_id}/results", response_model=ResultsPublic, responses=READ_PROBLEMS)
async def job_results(
    feed_source: FeedSource,
    job_id: UUID,
    session: SessionDep,
    _: SourceReader,
    outcome: Annotated[Outcome | None, Query()] = None,
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> ResultsPublic:
    """A job's per-record results in delivery order, optionally one outcome only (e.g. `rejected`)."""
    await _job_of(session, feed_source, job_id)
    tag = f"results:{job_id}:{outcome or ''}"
    after = read_cursor(cursor, tag=tag, parse=lambda position: _position(position["p"]))
    rows = await repository.results(session, job_id, outcome=outcome, after=after or 0, limit=limit + 1)
    page, next_cursor = page_of(rows, limit=limit, position=lambda row: {"p": row.position}, tag=tag)
    data = [RecordResult.model_validate(row, from_attributes=True) for row in page]
    return ResultsPublic(data=data, next_cursor=next_cursor)


@router.get("/feeds/{feed_source}/jobs/{job_id}/withdrawals", response_model=WithdrawalsPage, responses=READ_PROBLEMS)
async def job_withdrawals(
    feed_source: FeedSource,
    job_id: UUID,
    session: SessionDep,
    _: SourceReader,
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> WithdrawalsPage:
    """The records a snapshot job withdraws, by external id: for a held job those it would withdraw if
    confirmed, for a completed one those it withdrew (and that stay withdrawn)."""
    job = await _job_of(session, feed_source, job_id)
    after = read_cursor(cursor, tag=f"withdrawals:{job_id}", parse=lambda position: cursor_text(position["e"]))
    return await _withdrawals_page(session, job, after=after, limit=limit)


@router.get("/feeds/{feed_source}/records/{external_id}", response_model=SourceRecordPublic, responses=READ_PROBLEMS)
async def get_source_record(
    feed_source: FeedSource, external_id: str, session: SessionDep, _: SourceReader
) -> SourceRecordPublic:
    """What a source says about one community, as delivered, and how it was linked."""
    record = (await repository.records(session, feed_source, [external_id])).get(external_id)
    if record is None:
        raise NotFound(f"{feed_source} has delivered no record {external_id!r}.")
    return SourceRecordPublic.model_validate(record)


@router.get(
    "/communities/{community_id}/sources",
    response_model=LineagePublic,
    responses=problem_responses(401, 404),
    openapi_extra=OPTIONAL_KEY,
)
async def community_lineage(
    community_id: CommunityId, session: SessionDep, viewer: Annotated[Principal | None, Depends(identify)]
) -> LineagePublic:
    """Lineage: every source record describing the community, and where each field's value came from.

    Public, like the community; each record's `raw` delivery is shown only to its source's key or a coordinator."""
    community = await get_community(session, community_id=community_id)
    records = await repository.lineage(session, community_id)
    sources = [SourceRecordPublic.model_validate(record) for record in records]
    for source in sources:
        if not service.may_read_source(viewer, source.feed_source):
            source.raw = None
    return LineagePublic(community_id=community_id, provenance=community.provenance, sources=sources)


async def _job_of(session: SessionDep, feed_source: str, job_id: UUID) -> ImportJob:
    """A job of this source, or 404."""
    job = await repository.job(session, job_id)
    if job is None or job.feed_source != feed_source:
        raise NotFound(f"No import job {job_id} for {feed_source}.")
    return job


async def _withdrawals_page(session: SessionDep, job: ImportJob, *, after: str | None, limit: int) -> WithdrawalsPage:
    """A page of what a held job would withdraw, or a completed one withdrew (nothing for other jobs)."""
    limit_read = limit + 1
    if job.state == "held" and job.held_at is not None:
        rows = await repository.unseen(session, job.feed_source, job.job_id, job.held_at, after=after, limit=limit_read)
    elif job.state == "completed" and job.mode == "snapshot" and job.completed_at is not None:
        rows = await repository.withdrawn_at(session, job.feed_source, job.completed_at, after=after, limit=limit_read)
    else:
        rows = []
    tag = f"withdrawals:{job.job_id}"
    page, next_cursor = page_of(rows, limit=limit, position=lambda row: {"e": row.external_id}, tag=tag)
    return WithdrawalsPage(data=[WithdrawalPublic.model_validate(row) for row in page], next_cursor=next_cursor)


def _position(value: Any) -> int:
    """A cursor's delivery position (ValueError, so a 400, for anything but a position)."""
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= INT32_MAX:
        raise ValueError("not a position")
    return value


def _job_position(position: dict[str, Any]) -> tuple[datetime, UUID]:
    """The (created_at, job_id) of the last job a jobs cursor saw."""
    created_at = datetime.fromisoformat(position["t"])
    if created_at.tzinfo is None:
        raise ValueError("a job's creation time is aware")
    return created_at, UUID(position["id"])
