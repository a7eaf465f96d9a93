"""Acceptance (issue 10, Permissions): the conference team writes every event, a partner only its own organisation's
(403 otherwise); a draft is invisible (404) to anyone but them; public events need no credential."""

from __future__ import annotations

import uuid

import httpx

from lcn_shared.auth import Role
from lcn_shared.db import SessionFactory
from services.events.tests.builders import (
    KeyMaker,
    conference_team,
    create,
    event_body,
    if_match,
    known,
    occurrences,
    partner,
    publish,
)


async def test_acceptance_permissions_partners_write_only_their_own_events_and_drafts_stay_hidden(
    events: httpx.AsyncClient, api_key: KeyMaker, sessions: SessionFactory
) -> None:
    """A partner creates for its own organisation only and publishes only its own; drafts are 404 to others."""
    hanze, windesheim = uuid.uuid4(), uuid.uuid4()
    await known(sessions, (hanze, "Hanzehogeschool"), (windesheim, "Windesheim"))
    team = await conference_team(api_key)
    ours = await partner(api_key, hanze, "Hanzehogeschool")
    theirs = await partner(api_key, windesheim, "Windesheim")

    for organiser in (str(windesheim), "conference-team"):
        refused = await events.post("/v1/events", json=event_body(organiser=organiser), headers=ours)
        assert refused.status_code == 403, refused.text
    own = await create(events, ours, title="Open dag Hanze")
    assert (own["organiser"], own["organiser_name"]) == (str(hanze), "Hanzehogeschool")
    team_event = await create(events, team, title="Katapultdag")
    assert team_event["organiser"] == "conference-team"

    path = f"/v1/events/{own['event_id']}"
    assert (await events.post(f"{path}/publish", headers=theirs | if_match(own))).status_code == 403
    assert (await events.patch(path, json={"title": "Overgenomen"}, headers=theirs | if_match(own))).status_code == 403
    assert (await events.get(f"{path}/history", headers=theirs)).status_code == 403
    team_path = f"/v1/events/{team_event['event_id']}"
    assert (await events.post(f"{team_path}/publish", headers=ours | if_match(team_event))).status_code == 403

    assert (await events.get(path)).status_code == 404
    assert (await events.get(path, headers=theirs)).status_code == 404
    assert (await events.get(path, headers=ours)).status_code == 200
    assert (await events.get(path, headers=team)).status_code == 200
    year = {"from_": "2027-01-01", "to": "2027-12-31"}
    assert await occurrences(events, **year) == []
    assert [found["title"] for found in await occurrences(events, ours, **year)] == ["Open dag Hanze"]
    assert len(await occurrences(events, team, **year)) == 2

    # The conference team may change and publish a partner's event; then everyone sees it.
    renamed = await events.patch(path, json={"title": "Open dag Hanzehogeschool"}, headers=team | if_match(own))
    assert renamed.status_code == 200, renamed.text
    await publish(events, ours, renamed.json())
    shown = await events.get(path)
    assert shown.status_code == 200, shown.text
    assert shown.headers["ETag"] == '"3"'

    # Other roles write nothing; no credential at all is a 401.
    coordinator = {"Authorization": f"Bearer {await api_key(Role.COORDINATOR)}"}
    assert (await events.post("/v1/events", json=event_body(), headers=coordinator)).status_code == 403
    assert (await events.post("/v1/events", json=event_body())).status_code == 401
    admin = {"Authorization": f"Bearer {await api_key(Role.ADMIN)}"}
    assert (
        await events.post("/v1/events", json=event_body(organiser=str(windesheim)), headers=admin)
    ).status_code == 201
