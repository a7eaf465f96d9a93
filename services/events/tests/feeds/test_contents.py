"""What the feeds hold: public events only (a draft's file is 404), the calendar's filters (bad ones 422), all-day
and multi-day events as DATE values, a VTIMEZONE per zone used, and the headers calendar apps read."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from lcn_shared.testing.problems import assert_problem
from services.events.tests.builders import KeyMaker, conference_team, create, publish
from services.events.tests.feeds.reading import (
    NETWORK,
    event_ics,
    ics,
    move_and_cancel,
    published,
    summaries,
    uid,
    vevents,
)

ALL_DAY: dict[str, Any] = {"all_day": True, "starts_at": None, "ends_at": None}
CONFERENCE: dict[str, Any] = {"title": "Techniekpactdag"}  # noord, energie, a conference
MASTERCLASS: dict[str, Any] = {
    "title": "Masterclass HTSM",
    "kind": "masterclass",
    "starts_at": "2027-04-15T13:00:00",
    "ends_at": "2027-04-15T17:00:00",
    "landsdelen": ["oost"],
    "topsectors": ["htsm"],
}
WEBINAR: dict[str, Any] = {
    "title": "Webinar LLO",
    "kind": "webinar",
    "starts_at": "2027-09-14T15:00:00",
    "ends_at": "2027-09-14T16:00:00",
    "venue": None,
    "online_url": "https://example.org/webinar?id=1",
    "landsdelen": [],
    "topsectors": [],
}


async def test_feeds_hold_public_events_only_and_a_drafts_file_is_404(
    events: httpx.AsyncClient, api_key: KeyMaker
) -> None:
    """A draft is in no feed and its file is 404 for everyone, the conference team included; once published it
    shows; completed and cancelled events stay."""
    team = await conference_team(api_key)
    draft = await create(events, team, title="Nog in planning")
    shown = await published(events, team, **CONFERENCE)
    _, calendar = await ics(events)
    assert summaries(calendar) == ["Techniekpactdag"]
    assert [str(found["UID"]) for found in vevents(calendar)] == [uid(shown)]
    for headers in ({}, team):
        assert_problem(await events.get(event_ics(draft["event_id"]), headers=headers), 404)
    assert_problem(await events.get(event_ics(str(uuid.uuid4()))), 404)
    assert_problem(await events.get("/v1/events/not-an-id.ics"), 422)

    await publish(events, team, draft)
    _, calendar = await ics(events)
    assert sorted(summaries(calendar)) == ["Nog in planning", "Techniekpactdag"]
    response, _ = await ics(events, event_ics(draft["event_id"]))
    assert response.headers["content-disposition"] == 'attachment; filename="nog-in-planning.ics"'


async def test_feed_filters_as_the_calendar_lists_and_bad_filters_are_422(
    events: httpx.AsyncClient, api_key: KeyMaker
) -> None:
    """Landsdeel (national events included), top sector and kind filter the feed; unknown values and parameters are
    422 problems; the feed's name says what it holds."""
    team = await conference_team(api_key)
    for event in (CONFERENCE, MASTERCLASS, WEBINAR):
        await published(events, team, **event)

    async def titles(**filters: str) -> list[str]:
        return summaries((await ics(events, **filters))[1])

    assert await titles() == ["Masterclass HTSM", "Techniekpactdag", "Webinar LLO"]
    assert await titles(landsdeel="noord") == ["Techniekpactdag", "Webinar LLO"]  # the webinar is national
    assert await titles(topsector="htsm") == ["Masterclass HTSM"]
    assert await titles(kind="webinar") == ["Webinar LLO"]
    assert await titles(landsdeel="oost", kind="conference") == []
    _, calendar = await ics(events, landsdeel="oost", topsector="htsm")
    assert str(calendar["X-WR-CALNAME"]) == "LCN-evenementen (Oost, High Tech Systemen & Materialen)"
    for bad in ({"landsdeel": "atlantis"}, {"topsector": "ruimtevaart"}, {"kind": "feest"}, {"colour": "oranje"}):
        assert_problem(await events.get(NETWORK, params=bad), 422)

    # The online link: URL, CONFERENCE (RFC 7986) and written out in DESCRIPTION; the kind as CATEGORIES.
    (webinar,) = vevents((await ics(events, kind="webinar"))[1])
    assert str(webinar["URL"]) == "https://example.org/webinar?id=1"
    assert str(webinar["CONFERENCE"]) == "https://example.org/webinar?id=1"
    assert "Online: https://example.org/webinar?id=1" in str(webinar["DESCRIPTION"])
    assert webinar["CATEGORIES"].cats == ["Webinar"]


async def test_all_day_and_multi_day_events_are_dates_with_an_exclusive_end(
    events: httpx.AsyncClient, api_key: KeyMaker
) -> None:
    """DTSTART and DTEND as DATE (DTEND the day after the last day); an all-day series' EXDATE and RECURRENCE-ID
    are dates too; dates alone need no VTIMEZONE."""
    team = await conference_team(api_key)
    one = await published(events, team, title="Open dag", **ALL_DAY, start_date="2027-06-10", end_date="2027-06-10")
    multi = await published(
        events, team, title="Zomerschool", **ALL_DAY, start_date="2027-07-05", end_date="2027-07-09", landsdelen=[]
    )
    series = await published(
        events,
        team,
        title="Leerweek",
        **ALL_DAY,
        start_date="2027-10-04",
        end_date="2027-10-05",
        recurrence="FREQ=YEARLY;UNTIL=20300101",
    )
    moved_to = {"start_date": "2028-10-11", "end_date": "2028-10-12"}
    await move_and_cancel(events, team, series, move=("2028-10-04", moved_to), cancel="2029-10-04")

    response, calendar = await ics(events)
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Amsterdam"]  # X-WR-TIMEZONE's
    assert b"TZID=" not in (await ics(events, event_ics(one["event_id"])))[0].content  # dates need no zone
    (found,) = vevents(calendar, one)
    assert (found.DTSTART, found.DTEND) == (date(2027, 6, 10), date(2027, 6, 11))
    (found,) = vevents(calendar, multi)
    assert (found.DTSTART, found.DTEND) == (date(2027, 7, 5), date(2027, 7, 10))
    master, override = vevents(calendar, series)
    assert (master.DTSTART, master.DTEND) == (date(2027, 10, 4), date(2027, 10, 6))
    assert b"RRULE:FREQ=YEARLY;UNTIL=20291004\r\n" in response.content  # UNTIL a DATE, as DTSTART (3.3.10)
    assert b"EXDATE;VALUE=DATE:20291004\r\n" in response.content
    assert b"RECURRENCE-ID;VALUE=DATE:20281004\r\n" in response.content
    assert (override.DTSTART, override.DTEND) == (date(2028, 10, 11), date(2028, 10, 13))


async def test_every_zone_used_has_its_vtimezone_and_the_feed_names_itself(
    events: httpx.AsyncClient, api_key: KeyMaker
) -> None:
    """Events in Amsterdam and New York: one VTIMEZONE each, whose changes agree with zoneinfo; a series in a zone
    has UNTIL in UTC; the calendar's own properties."""
    team = await conference_team(api_key)
    await published(events, team, **CONFERENCE)
    await published(
        events,
        team,
        title="Werkbezoek New York",
        timezone="America/New_York",
        starts_at="2027-03-01T09:00:00",
        ends_at="2027-03-01T12:00:00",
        recurrence="FREQ=WEEKLY;UNTIL=20270329T235959",
    )
    response, calendar = await ics(events)
    assert response.headers["content-disposition"] == 'inline; filename="lcn-evenementen.ics"'
    for name, value in (("VERSION", "2.0"), ("PRODID", "-//LCN//Evenementen//NL"), ("CALSCALE", "GREGORIAN")):
        assert str(calendar[name]) == value
    assert (str(calendar["X-WR-CALNAME"]), str(calendar["X-WR-TIMEZONE"])) == ("LCN-evenementen", "Europe/Amsterdam")
    zones = {str(zone["TZID"]): zone for zone in calendar.walk("VTIMEZONE")}
    assert sorted(zones) == ["America/New_York", "Europe/Amsterdam"]
    # 29 March 2027 09:00 in New York is 13:00 UTC (summer time there since 14 March).
    assert b"RRULE:FREQ=WEEKLY;UNTIL=20270329T130000Z\r\n" in response.content
    for tzid, zone in zones.items():
        for moment in (datetime(2027, 1, 15, 12), datetime(2027, 3, 20, 12), datetime(2027, 7, 1, 12)):
            expected = ZoneInfo(tzid).utcoffset(moment)
            assert zone.to_tz().utcoffset(moment) == expected, (tzid, moment)
