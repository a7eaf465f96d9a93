"""Acceptance (issue 10, item 2, Clash warnings): two major events on overlapping days for an overlapping audience
warn on create, on a move and on publish, and are listed for the conference team; other audiences do not clash."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from services.events.tests.builders import KeyMaker, conference_team, create, if_match, partner, publish


def clashing(written: dict[str, Any]) -> list[tuple[str, list[str], list[str]]]:
    """The events a write's answer warns of, with the landsdelen and top sectors they share."""
    return [(clash["second"]["title"], clash["landsdelen"], clash["topsectors"]) for clash in written["clash_warnings"]]


async def test_acceptance_clash_warnings_on_create_move_publish_and_listed(
    events: httpx.AsyncClient, api_key: KeyMaker
) -> None:
    """Noord's conference and a major masterclass in Noord on 10 June 2027 clash; Zuidwest's conference does not; a
    national event moved onto that day clashes with all three; a workshop is not major."""
    team = await conference_team(api_key)
    techniekpactdag = await create(events, team, title="Techniekpactdag")
    assert techniekpactdag["clash_warnings"] == []
    outlook = await create(events, team, title="Energy Outlook", kind="masterclass", major=True, topsectors=["htsm"])
    assert clashing(outlook) == [("Techniekpactdag", ["noord"], [])]
    groenpact = await create(events, team, title="Groenpact", landsdelen=["zuidwest"], topsectors=["agri-food"])
    assert clashing(groenpact) == []
    workshop = await create(events, team, title="Werkplaats", kind="workshop")
    assert clashing(workshop) == []
    national = await create(
        events,
        team,
        title="HR-managersdag",
        starts_at="2027-06-17T09:00:00",
        ends_at="2027-06-17T17:00:00",
        landsdelen=[],
        topsectors=[],
    )
    assert clashing(national) == []

    moved = await events.patch(
        f"/v1/events/{national['event_id']}",
        json={"starts_at": "2027-06-09T13:00:00", "ends_at": "2027-06-10T12:00:00"},
        headers=team | if_match(national),
    )
    assert moved.status_code == 200, moved.text
    # A national event reaches every landsdeel: Groenpact's Zuidwest too.
    assert sorted(clashing(moved.json())) == [
        ("Energy Outlook", ["noord"], []),
        ("Groenpact", ["zuidwest"], []),
        ("Techniekpactdag", ["noord"], []),
    ]
    published = await publish(events, team, outlook)
    assert sorted(clashing(published)) == [("HR-managersdag", ["noord"], []), ("Techniekpactdag", ["noord"], [])]

    listed = await events.get("/v1/clashes", params={"year": 2027}, headers=team)
    assert listed.status_code == 200, listed.text
    pairs = {frozenset((clash["first"]["title"], clash["second"]["title"])) for clash in listed.json()["data"]}
    assert pairs == {
        frozenset(("Techniekpactdag", "Energy Outlook")),
        frozenset(("Techniekpactdag", "HR-managersdag")),
        frozenset(("Energy Outlook", "HR-managersdag")),
        frozenset(("Groenpact", "HR-managersdag")),
    }
    first = listed.json()["data"][0]
    assert (first["overlap_start"], first["overlap_end"]) == ("2027-06-10", "2027-06-10")
    assert (await events.get("/v1/clashes", params={"year": 2028}, headers=team)).json()["data"] == []
    # The list is the conference team's.
    assert (await events.get("/v1/clashes", params={"year": 2027})).status_code == 401
    ours = await partner(api_key, uuid.uuid4())
    assert (await events.get("/v1/clashes", params={"year": 2027}, headers=ours)).status_code == 403


async def test_shared_top_sector_clashes_across_landsdelen_and_a_cancelled_event_never_clashes(
    events: httpx.AsyncClient, api_key: KeyMaker
) -> None:
    """Noord and Oost share no landsdeel but both name energie; once one is cancelled, nothing clashes."""
    team = await conference_team(api_key)
    noord = await publish(events, team, await create(events, team, title="Energiedag Noord"))
    oost = await create(events, team, title="Energiedag Oost", landsdelen=["oost"])
    assert clashing(oost) == [("Energiedag Noord", [], ["energie"])]
    cancelled = await events.post(f"/v1/events/{noord['event_id']}/cancel", headers=team | if_match(noord))
    assert cancelled.status_code == 200, cancelled.text
    assert (await events.get("/v1/clashes", params={"year": 2027}, headers=team)).json()["data"] == []
