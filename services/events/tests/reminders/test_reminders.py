"""Acceptance (issue 10, item 5, Reminders): `registration.reminder-due` exactly once per registration and rule,
across restarts, at the time the event has now; none that is stale, none for what no longer takes place."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from lcn_shared.clock import ManualClock
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import fetch, wait_until
from services.events.tests.builders import NOW, KeyMaker, conference_team, if_match
from services.events.tests.registrations.builders import (
    person,
    published,
    registered,
    registration_events,
    running,
)


def utc(day: int, hour: int = 9) -> datetime:
    """A moment in December 2026, UTC."""
    return datetime(2026, 12, day, hour, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def quick_reminders(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reminder check every tenth of a second."""
    monkeypatch.setenv("LCN_EVENTS_REMINDER_CHECK_SECONDS", "0.1")


async def reminders(platform: PlatformSettings) -> list[tuple[str, str, str]]:
    """The reminders recorded, in order: (registration id, rule, start reminded of)."""
    return [
        (payload["registration_id"], payload["rule"], payload["starts_at"])
        for kind, payload in await registration_events(platform)
        if kind == "reminder-due"
    ]


async def settle(platform: PlatformSettings, count: int) -> list[tuple[str, str, str]]:
    """Wait for `count` reminders, let several more checks run, and give them all."""
    await wait_until(lambda: _at_least(platform, count), timeout=10, what=f"{count} reminders")
    await asyncio.sleep(0.5)
    return await reminders(platform)


async def _at_least(platform: PlatformSettings, count: int) -> bool:
    """At least `count` reminders were recorded (0: always)."""
    return count == 0 or len(await reminders(platform)) >= count


async def test_acceptance_reminders_survive_a_restart_and_follow_a_moved_event(
    platform: PlatformSettings, api_key: KeyMaker
) -> None:
    """Two people for A (20 December), one for B (21 December): nothing before the moment; after a restart A's `7d`
    reminders come once each; B, moved to the 28th, gets nothing at its old moment and its `7d` at the new one,
    after another restart; A's `1d` once each; a last restart adds nothing."""
    clock = ManualClock(NOW)
    team = await conference_team(api_key)
    async with running(platform, clock) as events:
        a = await published(events, team)
        b = await published(events, team, starts_at="2026-12-21T09:30:00", ends_at="2026-12-21T17:00:00")
        a1, a2 = [(await registered(events, a, person(n)))["registration_id"] for n in (1, 2)]
        b1 = (await registered(events, b, person(3)))["registration_id"]
        assert await settle(platform, 0) == []
    clock.set(utc(13))  # A's 7d moment (13 December 08:30 UTC) has passed while the service was down
    async with running(platform, clock) as events:
        assert sorted(await settle(platform, 2)) == sorted(
            [(a1, "7d", "2026-12-20T08:30:00Z"), (a2, "7d", "2026-12-20T08:30:00Z")]
        )
        moved = await events.patch(
            f"/v1/events/{b['event_id']}",
            json={"starts_at": "2026-12-28T09:30:00", "ends_at": "2026-12-28T17:00:00"},
            headers=team | if_match(b),
        )
        assert moved.status_code == 200, moved.text
    clock.set(utc(14))  # B's old 7d moment
    async with running(platform, clock):
        assert len(await settle(platform, 2)) == 2
        clock.set(utc(19))  # A's 1d moment; B's new 7d moment is the 21st
        assert len(await settle(platform, 4)) == 4
    clock.set(utc(21))
    async with running(platform, clock):
        assert (await settle(platform, 5))[-1] == (b1, "7d", "2026-12-28T08:30:00Z")
    async with running(platform, clock):
        found = await settle(platform, 5)
    assert sorted((registration, rule) for registration, rule, _ in found) == sorted(
        [(a1, "7d"), (a2, "7d"), (a1, "1d"), (a2, "1d"), (b1, "7d")]
    )
    assert len(await fetch(platform, "events", "SELECT * FROM reminder_sent")) == 5


async def test_reminders_skip_stale_rules_and_what_no_longer_takes_place(
    platform: PlatformSettings, api_key: KeyMaker
) -> None:
    """A rule whose moment passed before the registration, or is overtaken by the next rule's, is skipped; a
    cancelled registration, a cancelled event and a cancelled occurrence get none; a moved occurrence of a series
    is reminded of at its new time; a registration waiting or pending gets none."""
    clock = ManualClock(NOW)
    team = await conference_team(api_key)
    async with running(platform, clock) as events:
        soon = await published(events, team, starts_at="2026-12-10T09:30:00", ends_at="2026-12-10T17:00:00")
        later = await published(
            events, team, starts_at="2026-12-17T09:30:00", ends_at="2026-12-17T17:00:00", capacity=2
        )
        called_off = await published(events, team, starts_at="2026-12-11T09:30:00", ends_at="2026-12-11T17:00:00")
        approval = await published(events, team, requires_approval=True)
        series = await published(
            events,
            team,
            starts_at="2026-12-08T09:30:00",
            ends_at="2026-12-08T12:00:00",
            recurrence="FREQ=WEEKLY;COUNT=4",
        )
        c = (await registered(events, soon, person(1)))["registration_id"]
        d = (await registered(events, later, person(2)))["registration_id"]
        leaving = await registered(events, later, person(3))
        promoted = (await registered(events, later, person(4)))["registration_id"]  # waits, then gets the place
        await events.post(leaving["cancel_url"])
        await registered(events, later, person(5))  # waits to the end
        await registered(events, called_off, person(6))
        await registered(events, approval, person(7))  # stays pending
        f = (await registered(events, series, person(8, occurrence_date="2026-12-22")))["registration_id"]
        await registered(events, series, person(9, occurrence_date="2026-12-29"))
        await _change(events, team, f"/v1/events/{called_off['event_id']}/cancel", "POST", {})
        await _change(
            events,
            team,
            f"/v1/events/{series['event_id']}/occurrences/2026-12-22",
            "PATCH",
            {"starts_at": "2026-12-23T09:30:00"},
        )
        await _change(events, team, f"/v1/events/{series['event_id']}/occurrences/2026-12-29/cancel", "POST", {})

        clock.set(utc(9))
        assert await settle(platform, 1) == [(c, "1d", "2026-12-10T08:30:00Z")]
        clock.set(utc(16))  # both of `later`'s moments have passed: only the nearer one; the moved occurrence's 7d
        assert sorted((await settle(platform, 4))[1:]) == sorted(
            [
                (d, "1d", "2026-12-17T08:30:00Z"),
                (promoted, "1d", "2026-12-17T08:30:00Z"),
                (f, "7d", "2026-12-23T08:30:00Z"),
            ]
        )
        clock.set(utc(21))  # the occurrence's old 1d moment
        assert len(await settle(platform, 4)) == 4
        clock.set(utc(22))
        assert (await settle(platform, 5))[4:] == [(f, "1d", "2026-12-23T08:30:00Z")]
        clock.set(utc(28))  # the cancelled occurrence's 1d moment
        assert len(await settle(platform, 5)) == 5


async def _change(
    events: httpx.AsyncClient, headers: dict[str, str], path: str, method: str, body: dict[str, Any]
) -> None:
    """Change an event at its current version (200 expected)."""
    event_path = "/".join(path.split("/")[:4])
    current = await events.get(event_path, headers=headers)
    response = await events.request(method, path, json=body, headers=headers | if_match(current.json()))
    assert response.status_code == 200, response.text
