"""The calendar's views: the list, year and month, filtered by landsdeel (national events included), top sector,
kind and organiser, with cursors that continue only their own listing."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from sqlalchemy import text

from lcn_events.directory import service as directory
from lcn_shared.db import SessionFactory, unit_of_work
from lcn_shared.envelope import from_kafka
from services.events.tests.builders import (
    REGISTERED_AT,
    KeyMaker,
    conference_team,
    create,
    if_match,
    known,
    occurrences,
    partner,
    published,
    record_of,
    registered,
)

YEAR = {"from_": "2027-01-01", "to": "2027-12-31"}


async def test_views_filtered_by_landsdeel_topsector_kind_and_organiser(
    events: httpx.AsyncClient, api_key: KeyMaker, sessions: SessionFactory
) -> None:
    """Four public events and a draft: each filter lists what it names, in order of start."""
    hanze = uuid.uuid4()
    await known(sessions, (hanze, "Hanzehogeschool"))
    team = await conference_team(api_key)
    ours = await partner(api_key, hanze, "Hanzehogeschool")
    await published(events, team, title="Techniekpactdag")  # 10 June, noord, energie
    masterclass = {"starts_at": "2027-04-15T13:00:00", "ends_at": "2027-04-15T17:00:00", "topsectors": ["htsm"]}
    await published(events, ours, title="Masterclass HTSM", kind="masterclass", landsdelen=["oost"], **masterclass)
    online = {"venue": None, "online_url": "https://example.org/webinar", "landsdelen": [], "topsectors": []}
    webinar = {"starts_at": "2027-09-14T15:00:00", "ends_at": "2027-09-14T16:00:00"}
    await published(events, team, title="Webinar LLO", kind="webinar", **webinar, **online)
    quarterly = {"starts_at": "2027-01-20T10:00:00", "ends_at": "2027-01-20T12:00:00", "topsectors": []}
    series = {"recurrence": "FREQ=MONTHLY;INTERVAL=3;COUNT=4", "landsdelen": ["zuidwest"]}
    await published(events, team, title="Kwartaaloverleg", kind="quarterly-meeting", **quarterly, **series)
    await create(events, team, title="Nog in planning", starts_at="2027-05-01T10:00:00", ends_at="2027-05-01T12:00:00")

    async def titles(**filters: str) -> list[str]:
        return [found["title"] for found in await occurrences(events, **YEAR, **filters)]

    assert await titles() == [
        "Kwartaaloverleg",
        "Masterclass HTSM",
        "Kwartaaloverleg",
        "Techniekpactdag",
        "Kwartaaloverleg",
        "Webinar LLO",
        "Kwartaaloverleg",
    ]
    assert await titles(landsdeel="noord") == ["Techniekpactdag", "Webinar LLO"]  # the webinar is national
    assert await titles(topsector="htsm") == ["Masterclass HTSM"]
    assert await titles(kind="webinar") == ["Webinar LLO"]
    assert await titles(organiser=str(hanze)) == ["Masterclass HTSM"]
    quarterly_meeting = "Kwartaaloverleg"
    zuidwest = await titles(organiser="conference-team", landsdeel="zuidwest")
    assert zuidwest == [quarterly_meeting] * 3 + ["Webinar LLO", quarterly_meeting]
    listed = await occurrences(events, **YEAR, organiser=str(hanze))
    assert listed[0]["organiser_name"] == "Hanzehogeschool"

    year = (await events.get("/v1/calendar/2027", params={"landsdeel": "zuidwest"})).json()
    assert [len(month["occurrences"]) for month in year["months"]] == [1, 0, 0, 1, 0, 0, 1, 0, 1, 1, 0, 0]
    month = (await events.get("/v1/calendar/2027/6", params={"kind": "conference"})).json()
    assert [(day["date"], [found["title"] for found in day["occurrences"]]) for day in month["days"]] == [
        ("2027-06-10", ["Techniekpactdag"])
    ]
    drafts = (await events.get("/v1/calendar/2027/5", params={"status": "draft"}, headers=team)).json()
    assert [day["date"] for day in drafts["days"]] == ["2027-05-01"]

    # Page by page, the list is the same list; a cursor of one listing does not continue another.
    seen, cursor = [], None
    while True:
        params = {"from": "2027-01-01", "to": "2027-12-31", "limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await events.get("/v1/events", params=params)).json()
        seen += [(found["title"], found["occurrence_date"]) for found in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [title for title, _ in seen] == await titles()
    first_page = (await events.get("/v1/events", params={"from": "2027-01-01", "limit": 2})).json()
    other = await events.get("/v1/events", params={"kind": "webinar", "cursor": first_page["next_cursor"]})
    assert other.status_code == 400


async def test_the_public_year_view_is_kept_until_an_event_or_an_organisers_name_changes(
    events: httpx.AsyncClient, api_key: KeyMaker, sessions: SessionFactory
) -> None:
    """The public's year view is made once per version of what it shows (ADR 0030): a second request gets the same
    bytes and ETag, `If-None-Match` a 304; a changed event and a renamed organiser each make it anew; the
    conference team's view still shows its drafts."""
    hanze = uuid.uuid4()
    await known(sessions, (hanze, "Hanzehogeschool"))
    team = await conference_team(api_key)
    ours = await partner(api_key, hanze, "Hanzehogeschool")
    masterclass = {"starts_at": "2027-04-15T13:00:00", "ends_at": "2027-04-15T17:00:00"}
    event = await published(events, ours, title="Masterclass HTSM", kind="masterclass", **masterclass)
    await create(events, team, title="Nog in planning", starts_at="2027-05-01T10:00:00", ends_at="2027-05-01T12:00:00")

    def shown(view: httpx.Response) -> list[tuple[str, str | None]]:
        return [
            (found["title"], found["organiser_name"])
            for month in view.json()["months"]
            for found in month["occurrences"]
        ]

    first = await events.get("/v1/calendar/2027")
    second = await events.get("/v1/calendar/2027")
    assert first.status_code == 200
    assert first.headers["content-type"] == "application/json"
    assert (second.content, second.headers["ETag"]) == (first.content, first.headers["ETag"])
    assert shown(first) == [("Masterclass HTSM", "Hanzehogeschool")]
    unchanged = await events.get("/v1/calendar/2027", headers={"If-None-Match": first.headers["ETag"]})
    assert (unchanged.status_code, unchanged.content) == (304, b"")
    async with unit_of_work(sessions) as session:  # behind the service's back: the version stays, so does the view
        await session.exec(text("UPDATE event SET title = 'Ongezien' WHERE title = 'Masterclass HTSM'"))  # type: ignore[call-overload]
    assert (await events.get("/v1/calendar/2027")).content == first.content

    response = await events.patch(
        f"/v1/events/{event['event_id']}", json={"title": "Masterclass Hightech"}, headers=ours | if_match(event)
    )
    assert response.status_code == 200, response.text
    changed = await events.get("/v1/calendar/2027", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    assert shown(changed) == [("Masterclass Hightech", "Hanzehogeschool")]

    await known(sessions, (hanze, "Hanze University of Applied Sciences"))  # named at the same moment: no rename
    assert shown(await events.get("/v1/calendar/2027")) == [("Masterclass Hightech", "Hanzehogeschool")]
    renamed = registered(
        members=[(hanze, "Hanze University of Applied Sciences")], at=REGISTERED_AT + timedelta(days=1)
    )
    async with unit_of_work(sessions) as session:
        await directory.project_all(session, [(renamed, from_kafka(*record_of(renamed)))])
    assert shown(await events.get("/v1/calendar/2027")) == [
        ("Masterclass Hightech", "Hanze University of Applied Sciences")
    ]

    planned = await events.get("/v1/calendar/2027", headers=team)
    assert [title for title, _ in shown(planned)] == ["Masterclass Hightech", "Nog in planning"]
    assert planned.headers["Cache-Control"] == "private, no-cache"
