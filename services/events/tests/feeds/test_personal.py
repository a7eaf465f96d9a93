"""The personal feed (issue 10, item 4): one person's confirmed places as a calendar behind their secret link."""

from __future__ import annotations

from uuid import UUID, uuid5

import httpx
from icalendar import Calendar

from lcn_shared.testing.problems import assert_problem
from services.events.tests.builders import KeyMaker, conference_team
from services.events.tests.feeds.reading import uid, vevents
from services.events.tests.feeds.rfc5545 import assert_valid
from services.events.tests.registrations.builders import person, published, registered


async def test_acceptance_feeds_a_personal_feed_behind_the_signed_link_holds_the_persons_confirmed_places(
    events: httpx.AsyncClient, api_key: KeyMaker
) -> None:
    """Every confirmed place of the address, an occurrence of a series as an event of its own; not a waiting place,
    not another person's; 401 without the link's secret, 403 with another's; 304 on a second poll with the ETag."""
    team = await conference_team(api_key)
    meeting = await published(events, team, capacity=1)
    series = await published(
        events,
        team,
        title="Masterclass Waterstof",
        starts_at="2026-12-08T09:30:00",
        ends_at="2026-12-08T12:00:00",
        recurrence="FREQ=WEEKLY;COUNT=3",
    )
    elsewhere = await published(events, team, title="Webinar Groene Banen", kind="webinar")
    receipt = await registered(events, meeting, person(1))
    await registered(events, series, person(1, email="DEELNEMER1@example.org", occurrence_date="2026-12-15"))
    await registered(events, elsewhere, person(2))  # someone else's place
    other = await registered(events, elsewhere, person(3))
    waiting = await registered(events, meeting, person(3))  # full: on the waiting list
    assert waiting["status"] == "waitlisted"

    response = await events.get(receipt["calendar_url"])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    assert response.headers["cache-control"] == "private, no-cache"
    assert_valid(response.content)
    calendar = Calendar.from_ical(response.content)
    shown = {str(component["UID"]): component for component in vevents(calendar)}
    occurrence_uid = f"{uuid5(UUID(series['event_id']), '2026-12-15')}@{uid(series).split('@')[1]}"
    assert set(shown) == {uid(meeting), occurrence_uid}
    alone = shown[occurrence_uid]
    assert "RRULE" not in alone
    assert alone.decoded("DTSTART").isoformat() == "2026-12-15T09:30:00+01:00"
    assert str(calendar["X-WR-CALNAME"]) == "Mijn LCN-evenementen"

    again = await events.get(receipt["calendar_url"], headers={"If-None-Match": response.headers["etag"]})
    assert (again.status_code, again.content) == (304, b"")

    path = receipt["calendar_url"].split("?")[0]
    assert_problem(await events.get(path), 401)
    assert_problem(await events.get(path, params={"token": other["view_url"].split("token=")[1]}), 403)
    # Person 3's feed, through either of their links: the webinar they hold a place at, not the meeting they wait for.
    theirs = Calendar.from_ical((await events.get(waiting["calendar_url"])).content)
    assert [str(component["UID"]) for component in vevents(theirs)] == [uid(elsewhere)]
