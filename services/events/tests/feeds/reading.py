"""Reading the calendar feeds in tests: each answer checked (200, media type, strict RFC 5545) and parsed."""

from __future__ import annotations

from typing import Any

import httpx
from icalendar import Calendar
from icalendar import Event as VEvent

from lcn_events.feeds.settings import DEFAULT_CALENDAR_HOST
from services.events.tests.builders import create, if_match, publish
from services.events.tests.feeds.rfc5545 import assert_valid

NETWORK = "/v1/calendar.ics"


async def ics(client: httpx.AsyncClient, path: str = NETWORK, **params: Any) -> tuple[httpx.Response, Calendar]:
    """A feed (200 expected), checked against RFC 5545 and parsed by icalendar."""
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert_valid(response.content)
    return response, Calendar.from_ical(response.content)


def event_ics(event_id: str) -> str:
    """The path of one event's calendar file."""
    return f"/v1/events/{event_id}.ics"


def uid(event: dict[str, Any]) -> str:
    """The UID an event has in every feed."""
    return f"{event['event_id']}@{DEFAULT_CALENDAR_HOST}"


def vevents(calendar: Calendar, event: dict[str, Any] | None = None) -> list[VEvent]:
    """The calendar's VEVENTs (of one event only, when given)."""
    found: list[VEvent] = calendar.walk("VEVENT")
    return [component for component in found if event is None or str(component["UID"]) == uid(event)]


def summaries(calendar: Calendar) -> list[str]:
    """The titles of the calendar's VEVENTs, in order."""
    return [str(component["SUMMARY"]) for component in vevents(calendar)]


async def published(client: httpx.AsyncClient, headers: dict[str, str], **changes: Any) -> dict[str, Any]:
    """A published event (the builders' conference with changes); its body."""
    return await publish(client, headers, await create(client, headers, **changes))


async def patched(
    client: httpx.AsyncClient, headers: dict[str, str], event: dict[str, Any], **changes: Any
) -> dict[str, Any]:
    """The event changed by a merge patch at the version given (200 expected); its body."""
    response = await client.patch(f"/v1/events/{event['event_id']}", json=changes, headers=headers | if_match(event))
    assert response.status_code == 200, response.text
    after: dict[str, Any] = response.json()
    return after


async def move_and_cancel(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    series: dict[str, Any],
    *,
    move: tuple[str, dict[str, str]],
    cancel: str,
) -> dict[str, Any]:
    """Move one occurrence of a series (its date in the series, where to) and cancel another; the event after."""
    path = f"/v1/events/{series['event_id']}/occurrences"
    day, where = move
    moved = await client.patch(f"{path}/{day}", json=where, headers=headers | if_match(series))
    assert moved.status_code == 200, moved.text
    cancelled = await client.post(f"{path}/{cancel}/cancel", headers=headers | if_match(moved.json()))
    assert cancelled.status_code == 200, cancelled.text
    after: dict[str, Any] = cancelled.json()
    return after
