"""Acceptance (issue 10, item 6, Events on the wire): published, rescheduled, cancelled (and updated) through the
outbox, each carrying the event's whole public state and version, never a person's name or an actor."""

from __future__ import annotations

import json
import uuid

import httpx

from lcn_shared.contracts.events import EventCancelled, EventPublished, EventRescheduled, EventUpdated
from lcn_shared.db import SessionFactory
from lcn_shared.settings import PlatformSettings
from services.events.tests.builders import KeyMaker, create, if_match, known, outbox, partner, publish

PUBLISHED, RESCHEDULED = EventPublished.event_type, EventRescheduled.event_type
CANCELLED, UPDATED = EventCancelled.event_type, EventUpdated.event_type


async def test_acceptance_events_on_the_wire_carry_the_public_state_and_no_personal_data(
    events: httpx.AsyncClient, api_key: KeyMaker, sessions: SessionFactory, platform: PlatformSettings
) -> None:
    """A partner's series: nothing while a draft; then each change of the public event in order, its state at the
    version it made, keyed by the event; the cancellation's reason and who acted stay out."""
    hanze = uuid.uuid4()
    community_id = await known(sessions, (hanze, "Hanzehogeschool"))
    ours = await partner(api_key, hanze, "Hanzehogeschool")
    draft = await create(
        events, ours, title="Open dag", recurrence="FREQ=YEARLY;BYMONTH=6;BYDAY=2TH", community_ids=[str(community_id)]
    )
    path = f"/v1/events/{draft['event_id']}"
    retitled = await events.patch(path, json={"title": "Open dag Hanze"}, headers=ours | if_match(draft))
    assert await outbox(platform) == []
    event = await publish(events, ours, retitled.json())
    steps = [
        ("PATCH", path, {"description": "Met rondleidingen."}),
        ("PATCH", path, {"starts_at": "2027-06-10T10:00:00", "ends_at": "2027-06-10T16:00:00"}),
        ("PATCH", f"{path}/occurrences/2028-06-08", {"starts_at": "2028-06-15T10:00:00"}),
        ("POST", f"{path}/occurrences/2029-06-14/cancel", {"reason": "Verbouwing door Jan Jansen"}),
        ("POST", f"{path}/cancel", {"reason": "Mail jan.jansen@example.org"}),
    ]
    for method, url, body in steps:
        response = await events.request(method, url, json=body, headers=ours | if_match(event))
        assert response.status_code == 200, response.text
        event = response.json()

    written = await outbox(platform)
    assert [event_type for event_type, _ in written] == [
        PUBLISHED,
        UPDATED,
        RESCHEDULED,
        RESCHEDULED,
        CANCELLED,
        CANCELLED,
    ]
    states = [payload["state"] for _, payload in written]
    assert [state["version"] for state in states] == [3, 4, 5, 6, 7, 8]
    assert [state["status"] for state in states] == [
        "published",
        "published",
        "rescheduled",
        "rescheduled",
        "rescheduled",
        "cancelled",
    ]
    assert [payload.get("occurrence_date") for _, payload in written[2:]] == [None, "2028-06-08", "2029-06-14", None]
    assert written[1][1]["changed_fields"] == ["description"]
    last = states[-1]
    assert (last["organiser_id"], last["organiser_name"]) == (str(hanze), "Hanzehogeschool")
    assert last["communities"] == [{"community_id": str(community_id), "name": "Energy College"}]
    assert [(override["occurrence_date"], override["state"]) for override in last["overrides"]] == [
        ("2028-06-08", "moved"),
        ("2029-06-14", "cancelled"),
    ]
    assert {payload["event_id"] for _, payload in written} == {draft["event_id"]}
    text = json.dumps([payload for _, payload in written])
    for private in ("Jan Jansen", "@", "partner:", "created_by", "updated_by", "actor"):
        assert private not in text
    for event_type, payload in written:
        contract = {PUBLISHED: EventPublished, RESCHEDULED: EventRescheduled, CANCELLED: EventCancelled}
        contract.get(event_type, EventUpdated).model_validate(payload)
