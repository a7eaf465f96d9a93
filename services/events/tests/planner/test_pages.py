"""The planner's pages over HTTP (no browser): sign-in and roles, the year by month with its clashes, the event form
with its errors, a stale edit, publishing a year's drafts and an event's registrations."""

from __future__ import annotations

import html
import re
import uuid
from html import unescape

import httpx

from lcn_shared.auth import Role
from services.events.tests.builders import KeyMaker, conference_team, create, if_match, occurrences, publish
from services.events.tests.planner.builders import event_form, post_form, sign_in_as

HTML = "text/html"
MONTH = re.compile(r'<section class="lcn-month" aria-labelledby="month-(\d+)"(.*?)</section>', re.DOTALL)


async def planner(events: httpx.AsyncClient, api_key: KeyMaker) -> dict[str, str]:
    """Sign the client in as the conference team; the team's API headers."""
    headers = await conference_team(api_key)
    await sign_in_as(events, headers["Authorization"].removeprefix("Bearer "))
    return headers


def months_of(page: httpx.Response) -> dict[int, str]:
    """Each month's section of the year planner, by number."""
    assert page.status_code == 200, page.text
    return {int(number): body for number, body in MONTH.findall(page.text)}


def event_item(section: str, event_id: str) -> str:
    """One event's item in a month's section."""
    found = re.search(rf'<li class="lcn-event[^"]*" data-event="{event_id}".*?</li>', section, re.DOTALL)
    assert found is not None, section
    return found.group(0)


async def test_signed_out_the_planner_sends_to_sign_in_and_a_partner_is_refused(
    events: httpx.AsyncClient, api_key: KeyMaker
) -> None:
    """No session: a 303 to sign in and back; a partner's session: a 403 page naming the role."""
    for path in ("/planner", "/planner/2027", "/planner/events/new"):
        response = await events.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/sign-in?next=")
    await sign_in_as(events, await api_key(Role.PARTNER, organisation_id=uuid.uuid4()))
    refused = await events.get("/planner/2027")
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith(HTML)
    assert "partner" in refused.text


async def test_the_planner_lists_a_years_events_by_month_and_marks_a_clash(
    events: httpx.AsyncClient, api_key: KeyMaker
) -> None:
    """Twelve months; two conferences on the same June day for Noord clash (both marked), a March one does not;
    drafts and published events are told apart; /planner opens the current year."""
    headers = await planner(events, api_key)
    june = await create(events, headers)
    other = await publish(events, headers, await create(events, headers, title="Energiecongres Noord"))
    march = await create(
        events, headers, title="Voorjaarscongres", starts_at="2027-03-04T10:00:00", ends_at="2027-03-04T16:00:00"
    )
    months = months_of(await events.get("/planner/2027"))
    assert sorted(months) == list(range(1, 13))
    first, second = event_item(months[6], june["event_id"]), event_item(months[6], other["event_id"])
    assert 'data-clash="true"' in first
    assert 'data-clash="true"' in second
    assert "Overlapt met Energiecongres Noord" in unescape(first)
    assert 'data-status="draft"' in first
    assert "Concept" in first
    assert 'data-status="published"' in second
    assert "Gepubliceerd" in second
    assert "Noord" in first
    assert "Energie" in first
    assert "data-clash" not in event_item(months[3], march["event_id"])
    assert months[1].count("lcn-event ") == 0
    now = await events.get("/planner")
    assert now.status_code == 303
    assert now.headers["location"] == "/planner/2026"
    assert (await events.get("/planner/1999")).status_code == 404


async def test_creating_an_event_through_the_form_makes_the_draft_and_warns_of_a_clash(
    events: httpx.AsyncClient, api_key: KeyMaker
) -> None:
    """The form's event is the API's draft (times in Amsterdam, tags, a yearly series of three); its page warns of
    the conference it clashes with."""
    headers = await planner(events, api_key)
    await publish(events, headers, await create(events, headers, title="Energiecongres Noord"))
    form = event_form(repeat="yearly", repeat_count="3", landsdelen=["noord", "oost"], major="on")
    created = await post_form(events, "/planner/events/new", "/planner/events/new", **form)
    assert created.status_code == 303, created.text
    location = created.headers["location"]
    assert location.endswith("?created=1")
    event_id = location.removeprefix("/planner/events/").split("?")[0]
    page = await events.get(location)
    assert page.status_code == 200, page.text
    assert 'id="clash-warnings"' in page.text
    assert "Overlapt met Energiecongres Noord" in unescape(page.text)
    assert "Het concept is aangemaakt." in page.text
    stored = (await events.get(f"/v1/events/{event_id}", headers=headers)).json()
    assert stored["status"] == "draft"
    assert stored["starts_at"] == "2027-06-10T09:30:00+02:00"
    assert stored["recurrence"] == "FREQ=YEARLY;COUNT=3"
    assert stored["landsdelen"] == ["noord", "oost"]
    assert stored["organiser"] == "conference-team"
    assert page.text.count('data-occurrence="') == 3  # the series' coming occurrences, each to move or cancel


async def test_bad_input_shows_a_form_message_at_its_field_and_changes_nothing(
    events: httpx.AsyncClient, api_key: KeyMaker
) -> None:
    """End before start, an unknown time zone, no title, a count and an until date, an hourly rule, a NUL: a 422
    page with the form as filled in and each message next to its field; no event is made."""
    headers = await planner(events, api_key)
    for changes, field, words in [
        ({"end_time": "08:00"}, "end_date", "Het einde ligt voor het begin."),
        ({"timezone": "Europe/Atlantis"}, "timezone", "Geef een IANA-tijdzone, zoals Europe/Amsterdam."),
        ({"title": ""}, "title", "Vul dit in."),
        ({"capacity": "0"}, "capacity", "Geef minstens 1."),
        ({"online_url": "geen link"}, "online_url", "Geef een volledige link"),
        ({"repeat": "weekly", "repeat_count": "3", "repeat_until": "2027-09-01"}, "repeat_count", "Geef een aantal"),
        ({"repeat": "custom", "rrule": "FREQ=HOURLY"}, "repeat", "Deze herhaling kan niet: FREQ must be one of"),
        ({"description": "Met een NUL\x00 erin"}, "description", "Tekst mag geen NUL-tekens"),
    ]:
        response = await post_form(events, "/planner/events/new", "/planner/events/new", **event_form(**changes))
        assert response.status_code == 422, (changes, response.text)
        assert response.headers["content-type"].startswith(HTML)
        assert f'id="{field}-error"' in response.text, (changes, response.text)
        assert html.escape(words, quote=False) in response.text, (
            changes,
            response.text,
        )  # in Dutch, the page's language
        assert 'role="alert"' in response.text
        assert 'value="Leonard Springerlaan 2"' in response.text  # the form as filled in
    assert await occurrences(events, headers, from_="2027-01-01", to="2027-12-31") == []


async def test_an_edit_saves_at_its_version_and_a_stale_one_shows_a_message(
    events: httpx.AsyncClient, api_key: KeyMaker
) -> None:
    """The form carries the version it was read at: saved, the event changes; after someone else's change the same
    form is told so, and the other change stays."""
    headers = await planner(events, api_key)
    event = await create(events, headers)
    path = f"/planner/events/{event['event_id']}"
    page = await events.get(path)
    assert 'name="version" value="1"' in page.text
    saved = await post_form(events, path, path, **event_form(title="Techniekpactdag Noord", version="1"))
    assert saved.status_code == 303, saved.text
    changed = await events.patch(
        f"/v1/events/{event['event_id']}",
        json={"title": "Door een ander gewijzigd"},
        headers=headers | {"If-Match": '"2"', "Content-Type": "application/merge-patch+json"},
    )
    assert changed.status_code == 200, changed.text
    stale = await post_form(events, path, path, **event_form(title="Mijn titel", version="2"))
    assert stale.status_code == 422
    assert "Iemand anders heeft deze bijeenkomst intussen gewijzigd" in stale.text
    assert 'name="version" value="3"' in stale.text
    stored = (await events.get(f"/v1/events/{event['event_id']}", headers=headers)).json()
    assert stored["title"] == "Door een ander gewijzigd"
    assert stored["version"] == 3


async def test_publishing_a_years_drafts_is_all_or_nothing(events: httpx.AsyncClient, api_key: KeyMaker) -> None:
    """A draft without an end blocks the year (named with its reason, nothing published); once it has one, every
    draft of the year is published and the count shown."""
    headers = await planner(events, api_key)
    ready = await create(events, headers)
    unfinished = await create(events, headers, title="Najaarscongres", starts_at="2027-10-01T10:00:00", ends_at=None)
    blocked = await post_form(events, "/planner/2027", "/planner/2027/publish")
    assert blocked.status_code == 422
    assert 'id="publish-blocked"' in blocked.text
    assert f'data-event="{unfinished["event_id"]}"' in blocked.text
    assert (await events.get(f"/v1/events/{ready['event_id']}", headers=headers)).json()["status"] == "draft"
    fixed = await events.patch(
        f"/v1/events/{unfinished['event_id']}",
        json={"ends_at": "2027-10-01T16:00:00"},
        headers=headers | if_match(unfinished) | {"Content-Type": "application/merge-patch+json"},
    )
    assert fixed.status_code == 200, fixed.text
    published = await post_form(events, "/planner/2027", "/planner/2027/publish")
    assert published.status_code == 303
    shown = await events.get(published.headers["location"])
    assert "2 concepten van 2027 zijn gepubliceerd." in shown.text
    for event in (ready, unfinished):
        assert (await events.get(f"/v1/events/{event['event_id']}", headers=headers)).json()["status"] == "published"


async def test_the_registrations_page_lists_confirmed_waitlisted_and_pending_to_approve(
    events: httpx.AsyncClient, api_key: KeyMaker
) -> None:
    """One place: the first confirmed, the next two on the waiting list in order; with approval, a pending one is
    approved from the page; the spreadsheet comes from the page's own path."""
    headers = await planner(events, api_key)
    event = await publish(events, headers, await create(events, headers, capacity=1))
    for number in (1, 2, 3):
        body = {"name": f"Deelnemer {number}", "email": f"deelnemer{number}@example.org"}
        answer = await events.post(f"/v1/events/{event['event_id']}/registrations", json=body)
        assert answer.status_code == 201, answer.text
    path = f"/planner/events/{event['event_id']}/registrations"
    page = await events.get(path)
    assert page.status_code == 200, page.text
    assert page.headers["cache-control"] == "no-store"
    confirmed = page.text.split('id="table-confirmed"')[1].split("</table>")[0]
    waiting = page.text.split('id="table-waitlisted"')[1].split("</table>")[0]
    assert "Deelnemer 1" in confirmed
    assert "Deelnemer 2" not in confirmed
    assert waiting.index("Deelnemer 2") < waiting.index("Deelnemer 3")
    spreadsheet = await events.get(f"{path}.csv")
    assert spreadsheet.status_code == 200
    assert spreadsheet.headers["content-type"].startswith("text/csv")
    assert "deelnemer3@example.org" in spreadsheet.text

    approval = await publish(
        events, headers, await create(events, headers, title="Masterclass", requires_approval=True)
    )
    body = {"name": "Wachtende", "email": "wachtende@example.org"}
    registered = await events.post(f"/v1/events/{approval['event_id']}/registrations", json=body)
    assert registered.json()["status"] == "pending"
    approval_path = f"/planner/events/{approval['event_id']}/registrations"
    action = f"/planner/registrations/{registered.json()['registration_id']}/approve"
    approved = await post_form(events, approval_path, action)
    assert approved.status_code == 303, approved.text
    shown = await events.get(approved.headers["location"])
    assert "De aanmelding is goedgekeurd." in shown.text
    assert "Wachtende" in shown.text.split('id="table-confirmed"')[1].split("</table>")[0]


async def test_the_planner_speaks_english_when_chosen(events: httpx.AsyncClient, api_key: KeyMaker) -> None:
    """`?lang=en`: the planner's words in English, the language kept in its links."""
    headers = await planner(events, api_key)
    await create(events, headers)
    page = await events.get("/planner/2027", params={"lang": "en"})
    assert page.status_code == 200
    assert page.headers["content-language"] == "en"
    assert "Year planner 2027" in page.text
    assert "June 2027" in page.text
    assert "/planner/events/new?year=2027&amp;lang=en" in page.text
    form = await events.get("/planner/events/new", params={"lang": "en"})
    assert '<label class="utrecht-form-label" for="title">Title</label>' in form.text


async def test_one_occurrence_of_a_series_is_moved_and_another_cancelled_from_its_page(
    events: httpx.AsyncClient, api_key: KeyMaker
) -> None:
    """A weekly series lists its coming occurrences: one moved to the next day, another cancelled, each at the
    event's version; a rule the simple choice cannot say shows as itself."""
    headers = await planner(events, api_key)
    series = await create(events, headers, recurrence="FREQ=WEEKLY;COUNT=3")
    path = f"/planner/events/{series['event_id']}"
    page = await events.get(path)
    assert page.text.count('data-occurrence="') == 3
    assert '<option value="weekly" selected>' in page.text
    assert 'id="repeat_count" name="repeat_count" value="3"' in page.text
    moved = await post_form(
        events,
        path,
        f"{path}/occurrences/2027-06-17/move",
        start_date="2027-06-18",
        start_time="10:00",
        end_time="16:00",
        version="1",
    )
    assert moved.status_code == 303, moved.text
    cancelled = await post_form(events, path, f"{path}/occurrences/2027-06-24/cancel", version="2")
    assert cancelled.status_code == 303, cancelled.text
    stale = await post_form(events, path, f"{path}/occurrences/2027-06-10/cancel", version="1")
    assert stale.status_code == 422
    assert "Iemand anders heeft deze bijeenkomst intussen gewijzigd" in stale.text
    stored = (await events.get(f"/v1/events/{series['event_id']}", headers=headers)).json()
    assert [(found["occurrence_date"], found["state"]) for found in stored["overrides"]] == [
        ("2027-06-17", "moved"),
        ("2027-06-24", "cancelled"),
    ]
    assert stored["overrides"][0]["starts_at"] == "2027-06-18T10:00:00+02:00"

    custom = await create(events, headers, title="Kwartaaloverleg", recurrence="FREQ=MONTHLY;BYDAY=2TH")
    shown = await events.get(f"/planner/events/{custom['event_id']}")
    assert '<option value="custom" selected>' in shown.text
    assert 'value="FREQ=MONTHLY;BYDAY=2TH"' in shown.text
