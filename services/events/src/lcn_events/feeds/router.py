"""HTTP endpoints of the calendar feeds: the network's feed and one event's file, both public, with a strong ETag
of their bytes, so a polling calendar app that sends it back gets 304 until something changes."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import Response

from lcn_events.calendar import service as calendar
from lcn_events.calendar.schemas import CalendarFilters
from lcn_events.events.times import today
from lcn_events.feeds import service
from lcn_events.feeds.settings import feed_settings
from lcn_events.kept import IfNoneMatch, entity_tag, matches
from lcn_events.registrations.router import LinkToken
from lcn_shared.clock import ClockDep
from lcn_shared.db import ReadSessionDep
from lcn_shared.problems import problem_responses

router = APIRouter(tags=["feeds"])
CALENDAR = "text/calendar; charset=utf-8"
# Apps poll every few hours at most; a shared cache may answer for five minutes, then asks again with the ETag.
CACHE_CONTROL = "public, max-age=300, must-revalidate"
ICS_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/calendar": {"schema": {"type": "string"}}}, "description": "An RFC 5545 calendar."},
    304: {"description": "Not modified: `If-None-Match` names the current ETag."},
}


def ics_response(
    body: bytes, *, tag: str, if_none_match: str | None, disposition: str, cache_control: str = CACHE_CONTROL
) -> Response:
    """The calendar with its ETag, or 304 without a body when the caller has it."""
    headers = {"ETag": tag, "Cache-Control": cache_control}
    if matches(if_none_match, tag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=CALENDAR, headers=headers | {"Content-Disposition": disposition})


def file_name(title: str) -> str:
    """A file name of a title: ASCII letters, digits and dashes."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return (re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60].strip("-") or "evenement") + ".ics"


@router.get("/calendar.ics", response_class=Response, responses=ICS_RESPONSES | problem_responses(422))
async def network_calendar(
    filters: Annotated[CalendarFilters, Query()],
    session: ReadSessionDep,
    clock: ClockDep,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """The network's public events as a calendar to subscribe to (a series as a series), under the calendar's
    filters; cancelled events stay in it as cancelled, drafts never show."""
    event_filter = await calendar.resolve_filter(session, filters)
    kept = await service.network_feed(
        session,
        event_filter=event_filter,
        today=today(clock.now()),
        host=feed_settings().calendar_host,
        name=service.feed_name(filters),
    )
    disposition = 'inline; filename="lcn-evenementen.ics"'
    return ics_response(kept.content, tag=kept.etag, if_none_match=if_none_match, disposition=disposition)


@router.get("/events/{event_id}.ics", response_class=Response, responses=ICS_RESPONSES | problem_responses(404, 422))
async def event_calendar(event_id: UUID, session: ReadSessionDep, if_none_match: IfNoneMatch = None) -> Response:
    """One public event as a calendar file to add (404 for a draft)."""
    event, body = await service.event_feed(session, event_id=event_id, host=feed_settings().calendar_host)
    disposition = f'attachment; filename="{file_name(event.title)}"'
    return ics_response(body, tag=entity_tag(body), if_none_match=if_none_match, disposition=disposition)


@router.get(
    "/registrations/{registration_id}/calendar.ics",
    response_class=Response,
    responses=ICS_RESPONSES | problem_responses(401, 403, 404, 422),
)
async def personal_calendar(
    registration_id: UUID, session: ReadSessionDep, token: LinkToken = None, if_none_match: IfNoneMatch = None
) -> Response:
    """The person's own calendar to subscribe to, behind the secret link of one of their registrations: every
    confirmed place they hold under the same e-mail address (401 without the link's secret, 403 with another's)."""
    body = await service.personal_feed(
        session, registration_id=registration_id, token=token, host=feed_settings().calendar_host
    )
    # Only the person's own calendar app keeps it, and asks again with the ETag each time.
    return ics_response(
        body,
        tag=entity_tag(body),
        if_none_match=if_none_match,
        disposition='attachment; filename="mijn-lcn-evenementen.ics"',
        cache_control="private, no-cache",
    )
