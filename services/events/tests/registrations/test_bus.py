"""Acceptance (issue 10, item 3 and 6, No personal data on the bus): what reaches the broker about registrations
carries ids, statuses and counts, never a registrant's name, e-mail address or organisation."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from lcn_shared.clock import ManualClock
from lcn_shared.messaging.replay import records_to_end
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import fetch, wait_until
from services.events.tests.builders import NOW, KeyMaker, conference_team
from services.events.tests.registrations.builders import person, published, registered, registration_events, running

PEOPLE = [
    {
        "name": "Ada Lovelace-Zwanenburg",
        "email": "Ada.Zwanenburg@voorbeeld-mail.nl",
        "organisation": "Analytische Werken",
    },
    {"name": "Grace Hopper-Kloosterman", "email": "grace.kloosterman@voorbeeld-mail.nl", "organisation": "Kobold BV"},
    {"name": "Edsger Dijkstra-Veldhuis", "email": "e.veldhuis@voorbeeld-mail.nl", "organisation": "Semafoor Instituut"},
]


@pytest.fixture(autouse=True)
def quick_reminders(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reminder check every tenth of a second."""
    monkeypatch.setenv("LCN_EVENTS_REMINDER_CHECK_SECONDS", "0.1")


async def _all_sent(platform: PlatformSettings) -> bool:
    """The relay published every outbox row."""
    rows = await fetch(platform, "events", "SELECT count(*) AS n FROM outbox_message WHERE sent_at IS NULL")
    return rows[0]["n"] == 0


async def test_acceptance_no_personal_data_on_the_bus(platform: PlatformSettings, api_key: KeyMaker) -> None:
    """People register (one waits), one cancels (the one waiting is promoted), a reminder comes due; the relay
    publishes it all; no record read back from the broker, key, value or header, holds a name, an address (in any
    case) or an organisation, and the registrations' topic holds exactly what the outbox held."""
    clock = ManualClock(NOW)
    team = await conference_team(api_key)
    async with running(platform, clock, relay_enabled=True) as events:
        event = await published(
            events, team, capacity=2, starts_at="2026-12-10T09:30:00", ends_at="2026-12-10T17:00:00"
        )
        receipts = [await registered(events, event, person(0, **body)) for body in PEOPLE]
        assert [receipt["status"] for receipt in receipts] == ["confirmed", "confirmed", "waitlisted"]
        assert (await events.post(receipts[0]["cancel_url"])).status_code == 200
        clock.advance(timedelta(days=2))  # a day before the start: the `1d` reminders come due
        await wait_until(
            lambda: _kinds(platform, "reminder-due", 2), timeout=10, what="the reminders of the two confirmed"
        )
        await wait_until(lambda: _all_sent(platform), timeout=20, what="the relay to publish everything")

    written = await registration_events(platform)
    assert [kind for kind, _ in written] == [
        "confirmed",
        "confirmed",
        "waitlisted",
        "cancelled",
        "promoted",
        "reminder-due",
        "reminder-due",
    ]
    topics = [platform.topic("lcn.events.registration"), platform.topic("lcn.events.event")]
    records = [record async for batch in records_to_end(platform.kafka_bootstrap_servers, topics) for record in batch]
    on_registrations = [record for record in records if record.topic == topics[0]]
    assert sorted(json.loads(record.value)["registration_id"] for record in on_registrations) == sorted(
        payload["registration_id"] for _, payload in written
    )
    assert {record.key.decode() for record in on_registrations} == {r["registration_id"] for r in receipts}
    private = [value.lower().encode() for body in PEOPLE for value in body.values()]
    private += [part.lower().encode() for body in PEOPLE for part in body["name"].split() if len(part) >= 5]
    private += [body["email"].split("@")[0].lower().encode() for body in PEOPLE] + [b"voorbeeld-mail", b"@"]
    assert len(records) > len(on_registrations)  # the event's own publication is read too
    for record in records:
        seen = b"\n".join([record.key or b"", record.value or b"", *(value for _, value in record.headers)]).lower()
        for secret in private:
            assert secret not in seen, f"{secret!r} in a record of {record.topic}"


async def _kinds(platform: PlatformSettings, kind: str, count: int) -> bool:
    """At least `count` registration events of this kind are in the outbox."""
    return sum(found == kind for found, _ in await registration_events(platform)) >= count
