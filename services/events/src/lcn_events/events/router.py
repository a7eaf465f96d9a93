"""HTTP endpoints of one event: create, read, change, its lifecycle, its occurrences and its history."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Depends, Header, Query, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from lcn_events.clashes import service as clashes
from lcn_events.events import lifecycle, overrides, service
from lcn_events.events.models import Event
from lcn_events.events.schemas import (
    CancelIn,
    ChangePublic,
    EventCreate,
    EventPublic,
    EventUpdate,
    EventWritten,
    HistoryPublic,
    OccurrenceMove,
)
from lcn_events.events.state import view_of
from lcn_events.events.times import today
from lcn_shared.auth import OPTIONAL_KEY, Principal, Role, identify, require
from lcn_shared.clock import ClockDep
from lcn_shared.concurrency import expected_version, versioned
from lcn_shared.db import ReadSessionDep, SessionDep
from lcn_shared.idempotency import answer_once, fingerprint
from lcn_shared.problems import problem_responses
from lcn_shared.urls import url_of

router = APIRouter(tags=["events"])
PROBLEMS = problem_responses(400, 401, 403, 404, 409, 412, 413, 422, 428)
CREATE_PROBLEMS = problem_responses(400, 401, 403, 413, 422)
READ_PROBLEMS = problem_responses(401, 404, 422)
HISTORY_PROBLEMS = problem_responses(400, 401, 403, 404, 422)
Writer = Annotated[Principal, Depends(require(Role.CONFERENCE_TEAM, Role.PARTNER))]
Caller = Annotated[Principal | None, Depends(identify)]
IfMatch = Annotated[str | None, Header(description='The event\'s ETag, e.g. `"3"`; required for changes.')]
IdempotencyKey = Annotated[
    str | None, Header(description="Makes a retried POST safe: the same key replays the first answer.")
]
Reason = Annotated[CancelIn, Body(description="Optional: why (kept in the history only).")]
NO_REASON = CancelIn()
MERGE_PATCH: dict[str, Any] = {"requestBody": {"content": {"application/merge-patch+json": {}}}}
Step = Callable[..., Awaitable[Event]]


@dataclass
class Writing:
    """What every write takes: its unit of work, who writes, and the service's clock."""

    session: SessionDep
    principal: Writer
    clock: ClockDep


@dataclass
class Changing(Writing):
    """A change of an existing event: also the version the writer read (`If-Match`)."""

    if_match: IfMatch = None


@dataclass
class Posting:
    """A POST: its request (what makes a retry the same request) and its `Idempotency-Key`."""

    request: Request
    idempotency_key: IdempotencyKey = None


WritingDep = Annotated[Writing, Depends()]
ChangingDep = Annotated[Changing, Depends()]
PostingDep = Annotated[Posting, Depends()]


async def _answer(writing: Writing, event: Event, *, warn: bool, status_code: int = 200) -> JSONResponse:
    """The event with its ETag; with `warn`, the clashes it now has with major events the writer may see."""
    view = await view_of(writing.session, event)
    if warn:
        today_there = today(writing.clock.now())
        warnings = await clashes.warnings_for(writing.session, event, principal=writing.principal, today=today_there)
        view = EventWritten(**view.model_dump(), clash_warnings=warnings)
    return versioned(view, version=event.version, status_code=status_code)


async def _stepped(changing: Changing, step: Step, *, warn: bool = False) -> JSONResponse:
    """Take a step on the event at the version the writer read, as the writer, now; answer the event after it."""
    version = expected_version(changing.if_match)
    event = await step(expected_version=version, principal=changing.principal, now=changing.clock.now())
    return await _answer(changing, event, warn=warn)


async def _once(
    writing: Writing, posting: Posting, act: Callable[[], Awaitable[JSONResponse]], body: BaseModel | None = None
) -> JSONResponse:
    """Act once per caller and Idempotency-Key: a retried POST gets the first answer again."""
    sent = body.model_dump_json().encode() if body is not None else b""
    return await answer_once(
        writing.session,
        principal=writing.principal.key_id,
        key=posting.idempotency_key,
        request_fingerprint=fingerprint("POST", posting.request.url.path, sent),
        act=act,
    )


@router.post("/events", status_code=status.HTTP_201_CREATED, response_model=EventWritten, responses=CREATE_PROBLEMS)
async def create_event(data: EventCreate, writing: WritingDep, posting: PostingDep) -> JSONResponse:
    """Create a draft (the conference team for any organiser, a partner for its own organisation); the answer warns
    of clashes with other major events."""

    async def act() -> JSONResponse:
        now = writing.clock.now()
        event = await service.create_event(writing.session, data=data, principal=writing.principal, now=now)
        response = await _answer(writing, event, warn=True, status_code=201)
        response.headers["Location"] = url_of(posting.request, "get_event", event_id=str(event.event_id))
        return response

    return await _once(writing, posting, act, data)


@router.get(
    "/events/{event_id}",
    response_model=EventPublic,
    responses=READ_PROBLEMS,
    name="get_event",
    openapi_extra=OPTIONAL_KEY,
)
async def get_event(event_id: UUID, session: ReadSessionDep, principal: Caller) -> JSONResponse:
    """One event with its ETag; a draft only for the conference team and its organiser (404 for anyone else)."""
    event = await service.readable(session, event_id=event_id, principal=principal)
    return versioned(await view_of(session, event), version=event.version)


@router.patch("/events/{event_id}", response_model=EventWritten, responses=PROBLEMS, openapi_extra=MERGE_PATCH)
async def update_event(event_id: UUID, patch: EventUpdate, changing: ChangingDep) -> JSONResponse:
    """Change an event (JSON merge patch); a public event whose time changes becomes `rescheduled`."""
    step = partial(service.update_event, changing.session, event_id=event_id, patch=patch)
    return await _stepped(changing, step, warn=True)


@router.post("/events/{event_id}/publish", response_model=EventWritten, responses=PROBLEMS)
async def publish_event(event_id: UUID, changing: ChangingDep, posting: PostingDep) -> JSONResponse:
    """Publish a draft: 409 for an event that is not one, 422 naming what it lacks (an end, a place)."""
    step = partial(lifecycle.publish, changing.session, event_id=event_id)
    return await _once(changing, posting, partial(_stepped, changing, step, warn=True))


@router.post("/events/{event_id}/cancel", response_model=EventPublic, responses=PROBLEMS)
async def cancel_event(
    event_id: UUID, changing: ChangingDep, posting: PostingDep, data: Reason = NO_REASON
) -> JSONResponse:
    """Cancel a public event, every occurrence of a series included (409 for a draft or a closed event)."""
    step = partial(lifecycle.cancel, changing.session, event_id=event_id, reason=data.reason)
    return await _once(changing, posting, partial(_stepped, changing, step), data)


@router.post("/events/{event_id}/complete", response_model=EventPublic, responses=PROBLEMS)
async def complete_event(event_id: UUID, changing: ChangingDep, posting: PostingDep) -> JSONResponse:
    """Mark a public event completed once its last occurrence has ended (409 before that, or for a series that
    never ends)."""
    step = partial(lifecycle.complete, changing.session, event_id=event_id)
    return await _once(changing, posting, partial(_stepped, changing, step))


@router.patch("/events/{event_id}/occurrences/{occurrence_date}", response_model=EventWritten, responses=PROBLEMS)
async def move_occurrence(
    event_id: UUID, occurrence_date: date, data: OccurrenceMove, changing: ChangingDep
) -> JSONResponse:
    """Move one occurrence of a series (named by its date in the series) to other times; it stays moved when the
    series is edited. `If-Match` is the event's ETag."""
    step = partial(overrides.move_occurrence, changing.session, event_id=event_id, day=occurrence_date, data=data)
    return await _stepped(changing, step, warn=True)


@router.post("/events/{event_id}/occurrences/{occurrence_date}/cancel", response_model=EventPublic, responses=PROBLEMS)
async def cancel_occurrence(
    event_id: UUID, occurrence_date: date, changing: ChangingDep, posting: PostingDep, data: Reason = NO_REASON
) -> JSONResponse:
    """Cancel one occurrence of a series; it stays cancelled when the series is edited."""
    step = partial(
        overrides.cancel_occurrence, changing.session, event_id=event_id, day=occurrence_date, reason=data.reason
    )
    return await _once(changing, posting, partial(_stepped, changing, step), data)


@router.get("/events/{event_id}/history", response_model=HistoryPublic, responses=HISTORY_PROBLEMS)
async def event_history(
    event_id: UUID,
    session: ReadSessionDep,
    principal: Writer,
    limit: Annotated[int, Query(ge=1, le=200)] = 100,
    cursor: Annotated[str | None, Query(max_length=500, description="`next_cursor` of the page before.")] = None,
) -> HistoryPublic:
    """Every change of the event, oldest first: who, when, to which version, which fields (old and new); for the
    conference team and the event's organiser."""
    await service.editable(session, event_id=event_id, principal=principal)
    changes, next_cursor = await service.history(session, event_id=event_id, cursor=cursor, limit=limit)
    return HistoryPublic(
        event_id=event_id,
        data=[ChangePublic.model_validate(change, from_attributes=True) for change in changes],
        next_cursor=next_cursor,
    )
