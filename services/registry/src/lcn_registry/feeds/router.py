"""HTTP endpoints of feeds: deliveries (one-shot or as a job of batches), jobs, results and lineage."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Path, Query, Request, status

from lcn_registry.communities.router import CommunityId
from lcn_registry.communities.service import get_community
from lcn_registry.feeds import repository, service
from lcn_registry.feeds.formats import MEDIA_TYPES, feed_format, read_rows
from lcn_registry.feeds.schemas import (
    FEED_SOURCE_PATTERN,
    BatchPublic,
    FeedSourcePublic,
    ImportMode,
    JobCreate,
    JobPublic,
    LineagePublic,
    Outcome,
    RecordResult,
    ResultsPublic,
    SourceRecordPublic,
)
from lcn_shared.auth import Principal, Role, require
from lcn_shared.db import SessionDep
from lcn_shared.hygiene import INT32_MAX
from lcn_shared.problems import NotFound, problem_responses

router = APIRouter(tags=["feeds"])
PROBLEMS = problem_responses(401, 403, 404, 409, 413, 415, 422)
DELIVERY_BODY = {
    "requestBody": {
        "required": True,
        "description": "Records as a JSON array, NDJSON (one object per line) or CSV with a header row.",
        "content": {media_type: {} for media_type in MEDIA_TYPES},
    }
}
Deliverer = Annotated[Principal, Depends(require(Role.FEED, Role.COORDINATOR))]
FeedSource = Annotated[str, Path(pattern=FEED_SOURCE_PATTERN, description="e.g. katapult, regional:utrecht")]
ContentType = Annotated[str | None, Header()]


@router.post(
    "/feeds/{feed_source}/imports",
    status_code=status.HTTP_201_CREATED,
    response_model=BatchPublic,
    responses=PROBLEMS,
    openapi_extra=DELIVERY_BODY,
)
async def import_delivery(
    feed_source: FeedSource,
    request: Request,
    session: SessionDep,
    principal: Deliverer,
    content_type: ContentType = None,
    mode: Annotated[ImportMode, Query()] = "upsert",
) -> BatchPublic:
    """Deliver a whole feed in one request: a job is opened, imported and completed at once."""
    rows = read_rows(await request.body(), feed_format(content_type))
    job = await service.open_job(session, feed_source=feed_source, mode=mode, principal=principal)
    results = await service.import_rows(session, job=job, rows=rows)
    job = await service.complete_job(session, job=job)
    return BatchPublic(job=JobPublic.model_validate(job), results=results)


@router.post(
    "/feeds/{feed_source}/jobs", status_code=status.HTTP_201_CREATED, response_model=JobPublic, responses=PROBLEMS
)
async def open_job(feed_source: FeedSource, data: JobCreate, session: SessionDep, principal: Deliverer) -> JobPublic:
    """Open a job for a large delivery; send its records in batches, then complete it."""
    job = await service.open_job(session, feed_source=feed_source, mode=data.mode, principal=principal)
    return JobPublic.model_validate(job)


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
    rows = read_rows(await request.body(), feed_format(content_type), first_position=job.received + 1)
    results = await service.import_rows(session, job=job, rows=rows)
    return BatchPublic(job=JobPublic.model_validate(job), results=results)


@router.post("/feeds/{feed_source}/jobs/{job_id}/complete", response_model=JobPublic, responses=PROBLEMS)
async def complete_job(feed_source: FeedSource, job_id: UUID, session: SessionDep, principal: Deliverer) -> JobPublic:
    """Close the job; in snapshot mode, records not delivered are withdrawn by the source."""
    job = await service.open_job_of(session, feed_source=feed_source, job_id=job_id, principal=principal)
    return JobPublic.model_validate(await service.complete_job(session, job=job))


@router.get("/feeds", response_model=list[FeedSourcePublic])
async def list_sources(session: SessionDep) -> list[FeedSourcePublic]:
    """Every feed source with its record counts and last job."""
    summaries = []
    for feed_source, active, withdrawn in await repository.source_summaries(session):
        jobs = await repository.jobs(session, feed_source, limit=1)
        last_job = JobPublic.model_validate(jobs[0]) if jobs else None
        summaries.append(
            FeedSourcePublic(
                feed_source=feed_source, active_records=active, withdrawn_records=withdrawn, last_job=last_job
            )
        )
    return summaries


@router.get("/feeds/{feed_source}/jobs", response_model=list[JobPublic])
async def list_jobs(
    feed_source: FeedSource, session: SessionDep, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> list[JobPublic]:
    """A source's import jobs, newest first."""
    return [JobPublic.model_validate(job) for job in await repository.jobs(session, feed_source, limit=limit)]


@router.get("/feeds/{feed_source}/jobs/{job_id}", response_model=JobPublic, responses=PROBLEMS)
async def get_job(feed_source: FeedSource, job_id: UUID, session: SessionDep) -> JobPublic:
    """One import job: state and counts."""
    job = await repository.job(session, job_id)
    if job is None or job.feed_source != feed_source:
        raise NotFound(f"No import job {job_id} for {feed_source}.")
    return JobPublic.model_validate(job)


@router.get("/feeds/{feed_source}/jobs/{job_id}/results", response_model=ResultsPublic, responses=PROBLEMS)
async def job_results(
    feed_source: FeedSource,
    job_id: UUID,
    session: SessionDep,
    outcome: Annotated[Outcome | None, Query()] = None,
    cursor: Annotated[int, Query(ge=0, le=INT32_MAX, description="The last position seen.")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> ResultsPublic:
    """A job's per-record results in delivery order, optionally one outcome only (e.g. `rejected`)."""
    await get_job(feed_source, job_id, session)
    rows = await repository.results(session, job_id, outcome=outcome, after=cursor, limit=limit)
    data = [RecordResult.model_validate(row, from_attributes=True) for row in rows]
    return ResultsPublic(data=data, next_cursor=data[-1].position if len(data) == limit else None)


@router.get("/feeds/{feed_source}/records/{external_id}", response_model=SourceRecordPublic, responses=PROBLEMS)
async def get_source_record(feed_source: FeedSource, external_id: str, session: SessionDep) -> SourceRecordPublic:
    """What a source says about one community, as delivered, and how it was linked."""
    record = (await repository.records(session, feed_source, [external_id])).get(external_id)
    if record is None:
        raise NotFound(f"{feed_source} has delivered no record {external_id!r}.")
    return SourceRecordPublic.model_validate(record)


@router.get("/communities/{community_id}/sources", response_model=LineagePublic, responses=PROBLEMS)
async def community_lineage(community_id: CommunityId, session: SessionDep) -> LineagePublic:
    """Lineage: every source record describing the community, and where each field's value came from."""
    community = await get_community(session, community_id=community_id)
    records = await repository.lineage(session, community_id)
    return LineagePublic(
        community_id=community_id,
        provenance=community.provenance,
        sources=[SourceRecordPublic.model_validate(record) for record in records],
    )
