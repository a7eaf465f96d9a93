"""Bad input is a 422 problem naming what is wrong, never a 500 and never half a change: time zones, times, dates,
rules, unknown fields, unknown organisers and communities, a list's days and cursors."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from lcn_shared.testing.problems import assert_problem
from services.events.tests.builders import KeyMaker, conference_team, create, event_body, if_match

ALL_DAY: dict[str, Any] = {"all_day": True, "starts_at": None, "ends_at": None, "start_date": "2027-06-10"}
BAD_BODIES: dict[str, dict[str, Any]] = {
    "unknown time zone": {"timezone": "Europe/Atlantis"},
    "a file, not a zone": {"timezone": "localtime"},
    "end before start": {"ends_at": "2027-06-10T08:00:00"},
    "a time summer time skips": {"starts_at": "2027-03-28T02:30:00", "ends_at": "2027-03-28T04:00:00"},
    "end before start across zones": {"starts_at": "2027-06-10T09:30:00+02:00", "ends_at": "2027-06-10T08:00:00+01:00"},
    "hourly rule": {"recurrence": "FREQ=HOURLY"},
    "no such month": {"recurrence": "FREQ=YEARLY;BYMONTH=13"},
    "not a rule": {"recurrence": "EVERY=YEAR"},
    "count and until": {"recurrence": "FREQ=YEARLY;COUNT=2;UNTIL=20300101"},
    "start off the rule": {"recurrence": "FREQ=YEARLY;BYMONTH=3;BYDAY=2TH"},
    "a rule matching nothing": {"recurrence": "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31"},
    "unknown field": {"colour": "oranje"},
    "all-day with a time": {**ALL_DAY, "start_date": "2027-06-10T10:00:00"},
    "all-day with times": {**ALL_DAY, "starts_at": "2027-06-10T09:30:00"},
    "dates for a timed event": {"start_date": "2027-06-10"},
    "a number for a time": {"starts_at": 1781000000},
    "a date for a time": {"starts_at": "2027-06-10"},
    "year one": {"starts_at": "0001-01-01T00:00:00+14:00", "ends_at": None},
    "capacity as text": {"capacity": "400"},
    "flag as number": {"major": 1},
    "unknown landsdeel": {"landsdelen": ["atlantis"]},
    "landsdeel twice": {"landsdelen": ["noord", "noord"]},
    "registration closes before it opens": {
        "registration_opens_at": "2027-05-01T09:00:00",
        "registration_closes_at": "2027-04-01T09:00:00",
    },
    "unknown organiser": {"organiser": str(uuid.uuid4())},
    "unknown community": {"community_ids": [str(uuid.uuid4())]},
    "not a link": {"online_url": "javascript:alert(1)"},
}


async def test_bad_input_is_a_422_problem_and_changes_nothing(events: httpx.AsyncClient, api_key: KeyMaker) -> None:
    """Each bad body of a POST, and as a PATCH, is refused; the event keeps its version."""
    team = await conference_team(api_key)
    for case, changes in BAD_BODIES.items():
        response = await events.post("/v1/events", json=event_body(**changes), headers=team)
        assert response.status_code == 422, f"{case}: {response.text}"
        assert_problem(response)
    event = await create(events, team)
    path = f"/v1/events/{event['event_id']}"
    for case, changes in BAD_BODIES.items():
        response = await events.patch(path, json=changes, headers=team | if_match(event))
        assert response.status_code == 422, f"{case}: {response.text}"
    for removal in ({"title": None}, {"starts_at": None}, {"landsdelen": None}):
        assert_problem(await events.patch(path, json=removal, headers=team | if_match(event)))
    assert (await events.get(path, headers=team)).json()["version"] == 1

    series = await create(events, team, recurrence="FREQ=YEARLY;BYMONTH=6;BYDAY=2TH")
    occurrence = f"/v1/events/{series['event_id']}/occurrences/2028-06-08"
    for body in ({"start_date": "2028-06-09"}, {"starts_at": "2028-06-09T10:00:00", "ends_at": "2028-06-09T09:00:00"}):
        assert_problem(await events.patch(occurrence, json=body, headers=team | if_match(series)))


async def test_bad_list_parameters_are_4xx_problems(events: httpx.AsyncClient) -> None:
    """`to` before `from`, a range over three years, unknown filters and values are 422; a forged cursor 400."""
    for params in (
        {"from": "2027-06-01", "to": "2027-05-01"},
        {"from": "2027-01-01", "to": "2031-01-01"},
        {"organiser": str(uuid.uuid4())},
        {"landsdeel": "atlantis"},
        {"colour": "oranje"},
        {"from": "1999-12-31"},
    ):
        assert_problem(await events.get("/v1/events", params=params))
    assert_problem(await events.get("/v1/events", params={"cursor": "bm90LWEtY3Vyc29y"}), 400)
    assert_problem(await events.get("/v1/calendar/1999"))
    assert_problem(await events.get("/v1/calendar/2027/13"))
