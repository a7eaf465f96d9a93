"""Acceptance (issue 10, item 4, Feeds): rescheduling raises SEQUENCE, a cancelled event stays as CANCELLED, a series
carries its moved occurrences as RECURRENCE-ID and its cancelled ones as EXDATE, every feed is valid RFC 5545 and
parses, and a second poll with the ETag gets 304."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from dateutil.rrule import rrulestr

from lcn_shared.clock import ManualClock
from services.events.tests.builders import NOW, KeyMaker, conference_team, if_match, occurrences
from services.events.tests.events.test_recurrence import KATAPULTDAG as SERIES
from services.events.tests.feeds.reading import (
    NETWORK,
    event_ics,
    ics,
    move_and_cancel,
    patched,
    published,
    uid,
    vevents,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# The core's yearly series on the second Thursday of March, four times.
KATAPULTDAG = SERIES | {"recurrence": "FREQ=YEARLY;BYMONTH=3;BYDAY=2TH;COUNT=4"}


async def test_acceptance_feeds_rescheduling_raises_sequence_and_cancelling_keeps_the_event(
    events: httpx.AsyncClient, api_key: KeyMaker, clock: ManualClock
) -> None:
    """SEQUENCE 0 when published, 1 after a move, 2 once cancelled, when the VEVENT stays with STATUS:CANCELLED;
    DTSTAMP is the last change; the network feed and the event's own file agree."""
    team = await conference_team(api_key)
    event = await published(events, team)
    for path in (NETWORK, event_ics(event["event_id"])):
        _, calendar = await ics(events, path)
        (found,) = vevents(calendar, event)
        assert (found["SEQUENCE"], found["STATUS"]) == (0, "CONFIRMED")
        assert found.DTSTART == datetime(2027, 6, 10, 9, 30, tzinfo=AMSTERDAM)
        assert found.DTEND == datetime(2027, 6, 10, 17, 0, tzinfo=AMSTERDAM)
        assert found.DTSTAMP == NOW
        assert str(found["LOCATION"]) == "Leonard Springerlaan 2, 9727 KB Groningen"

    clock.advance(timedelta(hours=1))
    moved = await patched(events, team, event, starts_at="2027-06-17T10:00:00", ends_at="2027-06-17T16:00:00")
    _, calendar = await ics(events)
    (found,) = vevents(calendar, event)
    assert (found["SEQUENCE"], found["STATUS"]) == (1, "CONFIRMED")
    assert found.DTSTART == datetime(2027, 6, 17, 10, 0, tzinfo=AMSTERDAM)
    assert found.DTSTAMP == NOW + timedelta(hours=1)

    # A change no attendee notices keeps SEQUENCE (the core's rule), while DTSTAMP follows the change.
    clock.advance(timedelta(hours=1))
    described = await patched(events, team, moved, description="Nu met lunch.")
    _, calendar = await ics(events)
    (found,) = vevents(calendar, event)
    assert (found["SEQUENCE"], str(found["DESCRIPTION"]), found.DTSTAMP) == (1, "Nu met lunch.", clock.now())

    cancelled = await events.post(f"/v1/events/{event['event_id']}/cancel", headers=team | if_match(described))
    assert cancelled.status_code == 200, cancelled.text
    for path in (NETWORK, event_ics(event["event_id"])):
        _, calendar = await ics(events, path)
        (found,) = vevents(calendar, event)
        assert (found["SEQUENCE"], found["STATUS"]) == (2, "CANCELLED")
        assert found.DTSTART == datetime(2027, 6, 17, 10, 0, tzinfo=AMSTERDAM)


def starts_of(calendar: Any, event: dict[str, Any]) -> dict[datetime, tuple[datetime, int]]:
    """What the calendar says of a series, as a calendar app expands it: each occurrence's RECURRENCE-ID (its
    start in the series) -> (where it takes place, its SEQUENCE); EXDATEs left out."""
    master, *moved = sorted(vevents(calendar, event), key=lambda found: "RECURRENCE-ID" in found)
    rule = master["RRULE"].to_ical().decode()
    start = master.DTSTART
    exdates = master.get("EXDATE", [])
    excluded = {value.dt for exdate in (exdates if isinstance(exdates, list) else [exdates]) for value in exdate.dts}
    found = {
        when: (when, master["SEQUENCE"])
        for when in (moment.replace(tzinfo=AMSTERDAM) for moment in rrulestr(rule, dtstart=start.replace(tzinfo=None)))
        if when not in excluded
    }
    for override in moved:
        recurrence_id = override["RECURRENCE-ID"].dt
        assert recurrence_id in found, "a RECURRENCE-ID names an occurrence of the rule"
        found[recurrence_id] = (override.DTSTART, override["SEQUENCE"])
    return found


async def test_acceptance_feeds_series_with_moved_occurrence_as_recurrence_id_and_cancelled_as_exdate(
    events: httpx.AsyncClient, api_key: KeyMaker
) -> None:
    """A yearly series: 2028 moved to April is a VEVENT of its own with RECURRENCE-ID and its own SEQUENCE, 2029
    cancelled is an EXDATE; expanded as an app would, the feed holds what the calendar's list holds."""
    team = await conference_team(api_key)
    series = await published(events, team, **KATAPULTDAG)
    moved_to = {"starts_at": "2028-04-20T10:00:00", "ends_at": "2028-04-20T16:00:00"}
    cancelled = await move_and_cancel(events, team, series, move=("2028-03-09", moved_to), cancel="2029-03-08")

    body, calendar = await ics(events, event_ics(series["event_id"]))
    master, override = vevents(calendar, series)
    assert master["RRULE"].to_ical() == b"FREQ=YEARLY;COUNT=4;BYDAY=2TH;BYMONTH=3"
    assert b"EXDATE;TZID=Europe/Amsterdam:20290308T093000\r\n" in body.content
    assert b"RECURRENCE-ID;TZID=Europe/Amsterdam:20280309T093000\r\n" in body.content
    assert (str(override["UID"]), override.DTSTART) == (uid(series), datetime(2028, 4, 20, 10, tzinfo=AMSTERDAM))
    assert (master["SEQUENCE"], override["SEQUENCE"]) == (0, 1)

    listed = [
        *await occurrences(events, from_="2027-01-01", to="2028-12-31"),
        *await occurrences(events, from_="2029-01-01", to="2030-12-31"),
    ]
    expected = {
        datetime.fromisoformat(found["starts_at"]).astimezone(UTC): found["sequence"]
        for found in listed
        if found["occurrence_state"] != "cancelled"
    }
    assert {when.astimezone(UTC): sequence for when, sequence in starts_of(calendar, series).values()} == expected

    # The series' time changes: SEQUENCE of the series and of its override go up; the override stays.
    await patched(events, team, cancelled, starts_at="2027-03-11T10:00:00", ends_at="2027-03-11T17:30:00")
    body, calendar = await ics(events)
    master, override = vevents(calendar, series)
    assert (master["SEQUENCE"], override["SEQUENCE"]) == (1, 2)
    assert b"EXDATE;TZID=Europe/Amsterdam:20290308T100000\r\n" in body.content
    assert override["RECURRENCE-ID"].dt == datetime(2028, 3, 9, 10, 0, tzinfo=AMSTERDAM)


async def test_acceptance_feeds_a_second_poll_with_the_etag_gets_304(
    events: httpx.AsyncClient, api_key: KeyMaker
) -> None:
    """A strong ETag on both feeds: sent back it gets 304 without a body until the calendar changes; the bytes are
    the same between changes."""
    team = await conference_team(api_key)
    event = await published(events, team)
    paths = (NETWORK, event_ics(event["event_id"]))
    tags = {}
    for path in paths:
        first, _ = await ics(events, path)
        tag = tags[path] = first.headers["etag"]
        assert tag.startswith('"'), "a strong ETag"
        assert first.headers["cache-control"] == "public, max-age=300, must-revalidate"
        again, _ = await ics(events, path)
        assert (again.content, again.headers["etag"]) == (first.content, tag)
        for sent in (tag, f'"other", {tag}', f"W/{tag}", "*"):
            polled = await events.get(path, headers={"If-None-Match": sent})
            assert (polled.status_code, polled.content, polled.headers["etag"]) == (304, b"", tag)
        assert (await events.get(path, headers={"If-None-Match": '"other"'})).status_code == 200

    await patched(events, team, event, title="Techniekpactdag 2027 (nieuw)")
    for path in paths:
        polled = await events.get(path, headers={"If-None-Match": tags[path]})
        assert polled.status_code == 200
        assert polled.headers["etag"] != tags[path]
