"""Reminder rules as the setting writes them (`LCN_EVENTS_REMINDER_OFFSETS`)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from lcn_events.reminders.rules import ReminderRule, parse_rules
from lcn_events.settings import EventsSettings


def test_rules_read_days_hours_and_minutes_furthest_first() -> None:
    """`1d, 7D ,30m` is 7 days, 1 day and 30 minutes, in that order, named in lower case; nothing is no rule."""
    assert parse_rules("1d, 7D ,30m") == [
        ReminderRule("7d", timedelta(days=7)),
        ReminderRule("1d", timedelta(days=1)),
        ReminderRule("30m", timedelta(minutes=30)),
    ]
    assert parse_rules("") == []
    assert [rule.name for rule in EventsSettings().reminder_rules] == ["7d", "1d"]


@pytest.mark.parametrize("text", ["7", "d7", "-1d", "0d", "1w", "7d,7d", "24h,1d", "400d", "1.5d"])
def test_a_bad_rule_is_refused(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not a whole positive number of days, hours or minutes, the same offset twice, over a year: refused, also
    when the service reads its settings."""
    with pytest.raises(ValueError, match="reminder rule|repeats|more than a year"):
        parse_rules(text)
    monkeypatch.setenv("LCN_EVENTS_REMINDER_OFFSETS", text)
    with pytest.raises(ValidationError):
        EventsSettings()
