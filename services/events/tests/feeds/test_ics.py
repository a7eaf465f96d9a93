"""`calendar_of` without a service: VTIMEZONEs that change when zoneinfo does, a timed event without length, events
rendered once per state, and the bytes a feed is made of."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Timezone

from lcn_events.events.models import Event
from lcn_events.feeds import ics
from lcn_events.feeds.ics import calendar_of
from lcn_events.feeds.timezones import vtimezone
from services.events.tests.feeds.rfc5545 import assert_valid

STAMP = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def onsets(component: Timezone) -> list[tuple[datetime, timedelta]]:
    """When each observance begins (UTC: its local onset less TZOFFSETFROM, RFC 5545 3.6.5) and its offset."""
    found = []
    for observance in component.subcomponents:
        offset_from, offset_to = observance.TZOFFSETFROM, observance.TZOFFSETTO
        rdates = observance.get("RDATE", [])
        locals_ = [observance.DTSTART] + [
            value.dt for rdate in (rdates if isinstance(rdates, list) else [rdates]) for value in rdate.dts
        ]
        found += [((moment - offset_from).replace(tzinfo=UTC), offset_to) for moment in locals_]
    return sorted(found)


@pytest.mark.parametrize("tzid", ["Europe/Amsterdam", "America/New_York", "Australia/Sydney", "Asia/Tokyo"])
def test_a_vtimezone_changes_offset_when_zoneinfo_does(tzid: str) -> None:
    """Read as RFC 5545 says (onset on the clock before it), the VTIMEZONE gives zoneinfo's offset every quarter
    hour of 2026 to 2028, on both sides of every change."""
    parsed = Calendar.from_ical(b"BEGIN:VCALENDAR\r\n" + vtimezone(tzid, 2026, 2028) + b"END:VCALENDAR\r\n")
    (component,) = parsed.walk("VTIMEZONE")
    changes = onsets(component)
    moment = datetime(2026, 1, 1, 12, tzinfo=UTC)
    while moment < datetime(2029, 1, 1, tzinfo=UTC):
        offset = [offset for onset, offset in changes if onset <= moment][-1]
        assert offset == moment.astimezone(ZoneInfo(tzid)).utcoffset(), (tzid, moment)
        moment += timedelta(minutes=15)


def event(**changes: Any) -> Event:
    """A published event of an hour in Amsterdam, as the table holds it."""
    values: dict[str, Any] = {
        "event_id": uuid.uuid4(),
        "title": "Netwerkbijeenkomst",
        "kind": "network-meeting",
        "timezone": "Europe/Amsterdam",
        "starts_at": datetime(2027, 5, 12, 13, 0, tzinfo=UTC),
        "ends_at": datetime(2027, 5, 12, 14, 0, tzinfo=UTC),
        "last_ends_at": datetime(2027, 5, 12, 14, 0, tzinfo=UTC),
        "venue": {"name": "Het Huis", "address": "Lange Viestraat 2", "postal_code": None, "city": "Utrecht"},
        "status": "published",
        "sequence": 0,
        "version": 2,
        "published_at": STAMP,
        "created_by": "test",
        "created_at": STAMP,
        "updated_by": "test",
        "updated_at": STAMP,
    }
    return Event(**(values | changes))


def test_a_timed_event_without_length_has_no_dtend() -> None:
    """DTEND must be later than DTSTART (3.8.2.2): an event that ends when it starts has none."""
    instant = datetime(2027, 5, 12, 13, 0, tzinfo=UTC)
    body = calendar_of([event(ends_at=instant, last_ends_at=instant)], {}, host="example.org")
    assert_valid(body)
    (found,) = Calendar.from_ical(body).walk("VEVENT")
    assert "DTEND" not in found
    assert found.DTSTART == datetime(2027, 5, 12, 15, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


def test_an_event_is_rendered_once_per_state(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same state gives the kept bytes; any change of what a VEVENT shows renders it again."""
    renders = []
    render = ics._render
    monkeypatch.setattr(ics, "_render", lambda *args: renders.append(args) or render(*args))
    first = event(title="Netwerkbijeenkomst, Utrecht; voorjaar")
    body = calendar_of([first], {}, host="example.org")
    assert calendar_of([first], {}, host="example.org") == body
    assert len(renders) == 1
    assert b"SUMMARY:Netwerkbijeenkomst\\, Utrecht\\; voorjaar\r\n" in body
    first.status, first.sequence = "cancelled", 1
    cancelled = calendar_of([first], {}, host="example.org")
    assert len(renders) == 2
    assert b"STATUS:CANCELLED\r\n" in cancelled
    assert b"SEQUENCE:1\r\n" in cancelled
    assert_valid(cancelled)
    other_host = calendar_of([first], {}, host="lcn.example.net")
    assert f"UID:{first.event_id}@lcn.example.net\r\n".encode() in other_host


def test_a_named_feed_without_events_is_still_a_valid_calendar() -> None:
    """3.6 asks for at least one component: the zone X-WR-TIMEZONE names."""
    body = calendar_of([], {}, host="example.org", name="LCN-evenementen")
    assert_valid(body)
    assert b"X-WR-CALNAME:LCN-evenementen\r\n" in body
    assert [str(zone["TZID"]) for zone in Calendar.from_ical(body).walk("VTIMEZONE")] == ["Europe/Amsterdam"]
