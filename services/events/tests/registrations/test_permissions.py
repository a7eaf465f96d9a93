"""Acceptance (issue 10, item 3, Permissions and personal data): only the organiser, the conference team and the
person (through their link) read registrations: 401 without a credential, 403 for another partner; a link works
only for its own registration."""

from __future__ import annotations

import uuid

import httpx

from lcn_shared.auth import Role
from lcn_shared.db import SessionFactory
from lcn_shared.testing.problems import assert_problem
from services.events.tests.builders import KeyMaker, conference_team, known, partner
from services.events.tests.registrations.builders import person, published, registered


async def test_acceptance_permissions_registrations_are_for_the_organiser_the_team_and_the_person(
    events: httpx.AsyncClient, api_key: KeyMaker, sessions: SessionFactory
) -> None:
    """The list and its spreadsheet: 401 without a key, 403 for another partner or a coordinator, 200 for the
    organiser, the team and an admin. One registration: the same, or the person's own link; another person's link,
    or a made-up one, is a 403 and changes nothing."""
    hanze, windesheim = uuid.uuid4(), uuid.uuid4()
    await known(sessions, (hanze, "Hanzehogeschool"), (windesheim, "Windesheim"))
    ours, theirs = await partner(api_key, hanze, "Hanzehogeschool"), await partner(api_key, windesheim, "Windesheim")
    team = await conference_team(api_key)
    coordinator = {"Authorization": f"Bearer {await api_key(Role.COORDINATOR)}"}
    admin = {"Authorization": f"Bearer {await api_key(Role.ADMIN)}"}
    event = await published(events, ours)
    ada = await registered(events, event, person(1, name="Ada Jansen"))
    bob = await registered(events, event, person(2, name="Bob de Vries"))

    for path in (f"/v1/events/{event['event_id']}/registrations", f"/v1/events/{event['event_id']}/registrations.csv"):
        assert_problem(await events.get(path), 401)
        assert_problem(await events.get(path, headers=theirs), 403)
        assert_problem(await events.get(path, headers=coordinator), 403)
        for allowed in (ours, team, admin):
            response = await events.get(path, headers=allowed)
            assert response.status_code == 200, response.text
            assert "Ada Jansen" in response.text
    assert_problem(await events.get(f"/v1/events/{uuid.uuid4()}/registrations", headers=team), 404)

    one = f"/v1/registrations/{ada['registration_id']}"
    assert_problem(await events.get(one), 401)
    assert_problem(await events.get(one, headers=theirs), 403)
    assert (await events.get(one, headers=ours)).json()["name"] == "Ada Jansen"
    assert (await events.get(one, headers=team)).json()["email"] == "deelnemer1@example.org"
    own = await events.get(ada["view_url"])
    assert (own.json()["name"], own.headers["Cache-Control"]) == ("Ada Jansen", "no-store")
    bobs_token = bob["view_url"].split("token=")[1]
    assert_problem(await events.get(one, params={"token": bobs_token}), 403)
    assert_problem(await events.get(one, params={"token": "A" * 43}), 403)
    assert_problem(await events.post(f"{one}/cancel", params={"token": bobs_token}), 403)
    assert_problem(await events.delete(one, params={"token": bobs_token}), 403)
    assert_problem(await events.post(f"{one}/cancel", headers=theirs), 403)
    assert (await events.get(ada["view_url"])).json()["status"] == "confirmed"

    # Deciding is the organiser's: a link or another partner cannot approve, decline or renew a link.
    for step in ("approve", "decline", "link"):
        assert_problem(await events.post(f"{one}/{step}", params={"token": bobs_token}), 401)
        assert_problem(await events.post(f"{one}/{step}", headers=theirs), 403)

    # A lost link: the organiser hands out a new one, and the old one stops working.
    renewed = await events.post(f"{one}/link", headers=ours)
    assert renewed.status_code == 200, renewed.text
    assert_problem(await events.get(ada["view_url"]), 403)
    assert (await events.get(renewed.json()["view_url"])).json()["name"] == "Ada Jansen"
    # The organiser cancels for a person, too.
    by_organiser = await events.post(f"/v1/registrations/{bob['registration_id']}/cancel", headers=ours)
    assert (by_organiser.status_code, by_organiser.json()["status"]) == (200, "cancelled")
    history = (await events.get(bob["view_url"])).json()["history"]
    assert [(entry["change"], entry["actor"], entry["origin"]) for entry in history] == [
        ("registered", "registrant", "api"),
        ("cancelled", "partner:Hanzehogeschool", "api"),
    ]
