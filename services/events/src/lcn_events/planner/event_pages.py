"""Creating and editing an event as pages: the form (checked by the API's schema, written by the API's service
functions), its clash warnings, and moving or cancelling one occurrence of a series."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from functools import partial
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_events.clashes import service as clashes
from lcn_events.events import overrides
from lcn_events.events import repository as events
from lcn_events.events import service as event_rules
from lcn_events.events.occurrences import expand
from lcn_events.events.schemas import CONFERENCE_TEAM, OccurrenceMove
from lcn_events.events.state import view_of
from lcn_events.events.times import today
from lcn_events.planner import forms
from lcn_events.planner import repository as planner
from lcn_events.planner.common import EVENTS_PATH, PAGES, PLANNER_PATH, Planner, common, see_other, undo
from lcn_shared.auth import Principal
from lcn_shared.clock import ClockDep
from lcn_shared.contracts.events import EventKind
from lcn_shared.contracts.vocabulary import Landsdeel, SocietalChallenge, Topsector
from lcn_shared.db import ReadSessionDep, SessionDep
from lcn_shared.pages import negotiate_language, page_link, read_form
from lcn_shared.problems import PreconditionFailed, ProblemError

router = APIRouter(include_in_schema=False)
# The coming occurrences of a series the page lists, each to move or cancel.
SHOWN_OCCURRENCES = 24
VOCABULARIES = {"kind": EventKind, "landsdelen": Landsdeel, "topsectors": Topsector, "themes": SocietalChallenge}


async def _form_page(
    request: Request,
    session: AsyncSession,
    *,
    values: dict[str, Any],
    errors: dict[str, str],
    event_id: UUID | None = None,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The event form (new, or an event's), filled in, with its errors next to their fields."""
    t = PAGES.messages.translator(negotiate_language(request))
    shown = {name: forms.shown_message(text, t) for name, text in errors.items()}
    return PAGES.render(
        request,
        "planner/event.html",
        status_code=status_code,
        values=values,
        errors=shown,
        event_id=event_id,
        vocabularies=VOCABULARIES,
        organisations=await planner.organisations(session),
        conference_team=CONFERENCE_TEAM,
        repeats=forms.REPEATS,
        action=f"{EVENTS_PATH}/{event_id}" if event_id else f"{EVENTS_PATH}/new",
        **({"event": None, "warnings": [], "occurrences": [], "notice": None} | (context or {})),
        **common(request, current="new" if event_id is None else "event"),
    )


async def _event_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    clock: ClockDep,
    event_id: UUID,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """An event's page: its form, the clashes it has, and (a series) its coming occurrences."""
    event = await event_rules.editable(session, event_id=event_id, principal=principal)
    view = await view_of(session, event)
    day = today(clock.now())
    warnings = await clashes.warnings_for(session, event, principal=principal, today=day)
    coming = []
    if event.recurrence is not None:
        moved = (await events.overrides_of(session, [event_id]))[event_id]
        coming = expand(event, moved, first=day, last=day + timedelta(days=3 * 366))[:SHOWN_OCCURRENCES]
    context = {"event": view, "warnings": warnings, "occurrences": coming, "notice": notice}
    return await _form_page(
        request,
        session,
        values=values or forms.of_event(view),
        errors=errors or {},
        event_id=event_id,
        context=context,
        status_code=status_code,
    )


def _problem_errors(error: ProblemError) -> dict[str, str]:
    """A refused write's message, at the field it names when it names one."""
    placed: dict[str, str] = {}
    for found in error.extensions.get("errors", []):
        pointer = str(found.get("pointer") or found.get("parameter") or "").strip("/#").split("/")[-1]
        if pointer:
            placed.setdefault(forms.FIELD_OF.get(pointer, pointer), str(found.get("detail") or error.detail))
    return placed or {"form": str(error.detail or error.title)}


@router.get(EVENTS_PATH + "/new", response_class=HTMLResponse)
async def new_event_page(request: Request, principal: Planner, session: ReadSessionDep, clock: ClockDep) -> Response:
    """The form of a new event (a draft once saved)."""
    year = request.query_params.get("year", "")
    chosen = int(year) if year.isdigit() and 2000 <= int(year) <= 2200 else today(clock.now()).year
    return await _form_page(request, session, values=forms.blank(year=chosen), errors={})


@router.post(EVENTS_PATH + "/new", response_class=HTMLResponse)
async def create_event_page(request: Request, principal: Planner, session: SessionDep, clock: ClockDep) -> Response:
    """Create the draft the form describes, as the API does; a refused form shows again with its errors."""
    values = forms.of_form(await read_form(request))
    try:
        data = forms.create_body(values)
        event = await event_rules.create_event(session, data=data, principal=principal, now=clock.now())
    except forms.FormErrors as error:
        return await _form_page(request, session, values=values, errors=error.errors, status_code=422)
    except ProblemError as error:
        await undo(session)
        return await _form_page(request, session, values=values, errors=_problem_errors(error), status_code=422)
    return see_other(request, f"{EVENTS_PATH}/{event.event_id}", [("created", "1")])


@router.get(EVENTS_PATH + "/{event_id}", response_class=HTMLResponse)
async def event_page(
    event_id: UUID, request: Request, principal: Planner, session: ReadSessionDep, clock: ClockDep
) -> Response:
    """An event's form, its clash warnings and its coming occurrences."""
    notice = next((name for name in ("created", "saved", "moved", "cancelled") if request.query_params.get(name)), None)
    try:
        return await _event_page(request, session, principal, clock, event_id, notice=notice)
    except ProblemError as error:
        return PAGES.problem(request, error, back=page_link(request, PLANNER_PATH))


def _version(values: dict[str, Any]) -> int:
    """The version the form was filled in on (the If-Match of the API)."""
    text = str(values.get("version", ""))
    if not text.isdigit():
        raise PreconditionFailed("The form names no version of the event; reload it.")
    return int(text)


@router.post(EVENTS_PATH + "/{event_id}", response_class=HTMLResponse)
async def update_event_page(
    event_id: UUID, request: Request, principal: Planner, session: SessionDep, clock: ClockDep
) -> Response:
    """Change the event to what the form describes, at the version it was read at; a stale form is told so."""
    values = forms.of_form(await read_form(request))
    try:
        patch = forms.update_body(values)
        await event_rules.update_event(
            session,
            event_id=event_id,
            patch=patch,
            expected_version=_version(values),
            principal=principal,
            now=clock.now(),
        )
    except forms.FormErrors as error:
        return await _refused(request, session, principal, clock, event_id, values, error.errors)
    except RequestValidationError as error:
        placed = forms.placed_errors(error.errors())
        return await _refused(request, session, principal, clock, event_id, values, placed)
    except PreconditionFailed:
        return await _refused(request, session, principal, clock, event_id, None, {"form": "stale"})
    except ValidationError as error:
        return await _refused(request, session, principal, clock, event_id, values, forms.errors_of(error))
    except ProblemError as error:
        return await _refused(request, session, principal, clock, event_id, values, _problem_errors(error))
    return see_other(request, f"{EVENTS_PATH}/{event_id}", [("saved", "1")])


async def _refused(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    clock: ClockDep,
    event_id: UUID,
    values: dict[str, Any] | None,
    errors: dict[str, str],
) -> Response:
    """The event's page again after a refused write: nothing of it kept, the form as filled in (or as stored, when
    it was stale), its errors."""
    await undo(session)
    try:
        return await _event_page(
            request, session, principal, clock, event_id, values=values, errors=errors, status_code=422
        )
    except ProblemError as error:
        return PAGES.problem(request, error, back=page_link(request, PLANNER_PATH))


async def _occurrence_step(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    clock: ClockDep,
    event_id: UUID,
    day: date,
    step: Callable[..., Awaitable[Any]],
    *,
    done: str,
) -> Response:
    """Take a step on one occurrence at the version the form was read at; a refusal shows next to the occurrence."""
    form = forms.of_form(await read_form(request))
    try:
        await step(expected_version=_version(form), principal=principal, now=clock.now())
    except PreconditionFailed:
        return await _refused(request, session, principal, clock, event_id, None, {"form": "stale"})
    except ProblemError as error:
        message = str(error.detail or error.title)
        return await _refused(request, session, principal, clock, event_id, None, {_key(day): message})
    return see_other(request, f"{EVENTS_PATH}/{event_id}", [(done, day.isoformat())])


@router.post(EVENTS_PATH + "/{event_id}/occurrences/{occurrence_date}/move", response_class=HTMLResponse)
async def move_occurrence_page(
    event_id: UUID, occurrence_date: date, request: Request, principal: Planner, session: SessionDep, clock: ClockDep
) -> Response:
    """Move one occurrence of the series to the times the form gives, at the version it was read at."""
    try:
        move = OccurrenceMove.model_validate(forms.moved(forms.of_form(await read_form(request))))
    except ValidationError as error:
        return await _refused(request, session, principal, clock, event_id, None, _on(occurrence_date, error))
    step = partial(overrides.move_occurrence, session, event_id=event_id, day=occurrence_date, data=move)
    return await _occurrence_step(request, session, principal, clock, event_id, occurrence_date, step, done="moved")


@router.post(EVENTS_PATH + "/{event_id}/occurrences/{occurrence_date}/cancel", response_class=HTMLResponse)
async def cancel_occurrence_page(
    event_id: UUID, occurrence_date: date, request: Request, principal: Planner, session: SessionDep, clock: ClockDep
) -> Response:
    """Cancel one occurrence of the series, at the version it was read at."""
    step = partial(overrides.cancel_occurrence, session, event_id=event_id, day=occurrence_date, reason=None)
    return await _occurrence_step(request, session, principal, clock, event_id, occurrence_date, step, done="cancelled")


def _key(day: date) -> str:
    """Where an occurrence's error shows: next to its move form."""
    return f"occurrence-{day.isoformat()}"


def _on(day: date, error: ValidationError) -> dict[str, str]:
    """A refused move's first message, at its occurrence."""
    return {_key(day): next(iter(forms.errors_of(error).values()), str(error))}
