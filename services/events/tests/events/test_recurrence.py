"""Acceptance (issue 10, item 1, Series and recurrence): a yearly series expands into a range; one occurrence moved
or cancelled on its own stays so when the series' title, time or rule is edited."""

from __future__ import annotations

from typing import Any

import httpx

from services.events.tests.builders import KeyMaker, conference_team, create, if_match, occurrences, publish

KATAPULTDAG: dict[str, Any] = {
    "title": "Katapultdag",
    "starts_at": "2027-03-11T09:30:00",  # the second Thursday of March
    "ends_at": "2027-03-11T17:00:00",
    "recurrence": "FREQ=YEARLY;BYMONTH=3;BYDAY=2TH",
    "landsdelen": [],
}


def when(found: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """Each occurrence's date in the series, state and start."""
    return [
        (occurrence["occurrence_date"], occurrence["occurrence_state"], occurrence["starts_at"]) for occurrence in found
    ]


async def test_acceptance_recurring_series_yearly_occurrences_in_a_range(
    events: httpx.AsyncClient, api_key: KeyMaker
) -> None:
    """The yearly Katapultdag on the second Thursday of March, at 09:30 Amsterdam time, in 2028 to 2030."""
    team = await conference_team(api_key)
    await publish(events, team, await create(events, team, **KATAPULTDAG))
    assert when(await occurrences(events, from_="2028-01-01", to="2030-12-31")) == [
        ("2028-03-09", "scheduled", "2028-03-09T09:30:00+01:00"),
        ("2029-03-08", "scheduled", "2029-03-08T09:30:00+01:00"),
        ("2030-03-14", "scheduled", "2030-03-14T09:30:00+01:00"),
    ]
    year = (await events.get("/v1/calendar/2029")).json()
    assert [len(month["occurrences"]) for month in year["months"]] == [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    month = (await events.get("/v1/calendar/2029/3")).json()
    assert [day["date"] for day in month["days"]] == ["2029-03-08"]


async def test_acceptance_recurring_series_moved_and_cancelled_occurrences_survive_series_edits(
    events: httpx.AsyncClient, api_key: KeyMaker
) -> None:
    """2028 moved to April and 2029 cancelled stay so through a new title and time, and then a new rule."""
    team = await conference_team(api_key)
    series = await publish(events, team, await create(events, team, **KATAPULTDAG))
    path = f"/v1/events/{series['event_id']}"
    moved = await events.patch(
        f"{path}/occurrences/2028-03-09",
        json={"starts_at": "2028-04-20T10:00:00", "ends_at": "2028-04-20T16:00:00"},
        headers=team | if_match(series),
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["overrides"][0]["state"] == "moved"
    cancelled = await events.post(f"{path}/occurrences/2029-03-08/cancel", headers=team | if_match(moved.json()))
    assert cancelled.status_code == 200, cancelled.text
    edited = await events.patch(
        path,
        json={"title": "Katapultdag 2.0", "starts_at": "2027-03-11T10:00:00", "ends_at": "2027-03-11T18:00:00"},
        headers=team | if_match(cancelled.json()),
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["status"] == "rescheduled"
    found = await occurrences(events, from_="2028-01-01", to="2030-12-31")
    assert when(found) == [
        ("2028-03-09", "moved", "2028-04-20T10:00:00+02:00"),
        ("2029-03-08", "cancelled", "2029-03-08T10:00:00+01:00"),
        ("2030-03-14", "scheduled", "2030-03-14T10:00:00+01:00"),
    ]
    assert {occurrence["title"] for occurrence in found} == {"Katapultdag 2.0"}
    # SEQUENCE: the series' title and time changed once; the moved occurrence changed on its own before that too.
    assert [occurrence["sequence"] for occurrence in found] == [2, 2, 1]

    # A new rule (the third Thursday): the overrides follow the occurrence at their place in the series.
    ruled = await events.patch(
        path,
        json={
            "recurrence": "FREQ=YEARLY;BYMONTH=3;BYDAY=3TH",
            "starts_at": "2027-03-18T10:00:00",
            "ends_at": "2027-03-18T18:00:00",
        },
        headers=team | if_match(edited.json()),
    )
    assert ruled.status_code == 200, ruled.text
    assert when(await occurrences(events, from_="2028-01-01", to="2030-12-31")) == [
        ("2028-03-16", "moved", "2028-04-20T10:00:00+02:00"),
        ("2029-03-15", "cancelled", "2029-03-15T10:00:00+01:00"),
        ("2030-03-21", "scheduled", "2030-03-21T10:00:00+01:00"),
    ]
    # The occurrence moved away is listed where it takes place: April 2028, not March.
    april = (await events.get("/v1/calendar/2028/4")).json()
    assert [day["date"] for day in april["days"]] == ["2028-04-20"]
    assert (await events.get("/v1/calendar/2028/3")).json()["days"] == []


async def test_an_occurrence_is_named_by_a_date_of_the_series(events: httpx.AsyncClient, api_key: KeyMaker) -> None:
    """Another date, or a single event, has no occurrence to move (404); a cancelled one moves no more (409)."""
    team = await conference_team(api_key)
    series = await create(events, team, **KATAPULTDAG)
    path = f"/v1/events/{series['event_id']}/occurrences"
    body = {"starts_at": "2028-04-20T10:00:00"}
    assert (await events.patch(f"{path}/2028-03-10", json=body, headers=team | if_match(series))).status_code == 404
    single = await create(events, team)
    single_path = f"/v1/events/{single['event_id']}/occurrences/2027-06-10"
    assert (await events.patch(single_path, json=body, headers=team | if_match(single))).status_code == 404
    cancelled = await events.post(f"{path}/2028-03-09/cancel", headers=team | if_match(series))
    assert cancelled.status_code == 200, cancelled.text
    again = await events.patch(f"{path}/2028-03-09", json=body, headers=team | if_match(cancelled.json()))
    assert again.status_code == 409, again.text
    # Without an end the moved occurrence keeps the series' length.
    moved = await events.patch(f"{path}/2030-03-14", json=body, headers=team | if_match(cancelled.json()))
    assert moved.status_code == 200, moved.text
    override = next(found for found in moved.json()["overrides"] if found["occurrence_date"] == "2030-03-14")
    assert (override["starts_at"], override["ends_at"]) == ("2028-04-20T10:00:00+02:00", "2028-04-20T17:30:00+02:00")
