"""Reminder rules: how long before a start a reminder is due, written as `7d`, `12h` or `30m`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

RULE_PATTERN = re.compile(r"^([1-9][0-9]{0,3})([dhm])$")
UNITS = {"d": timedelta(days=1), "h": timedelta(hours=1), "m": timedelta(minutes=1)}
MAX_BEFORE = timedelta(days=366)


@dataclass(frozen=True)
class ReminderRule:
    """One rule: its name (as written, in lower case) and how long before the start it is due."""

    name: str
    before: timedelta


def parse_rules(text: str) -> list[ReminderRule]:
    """The rules of a comma-separated list, the furthest from the start first (none: no reminders); ValueError for a
    bad one or a repeated offset."""
    rules: dict[timedelta, ReminderRule] = {}
    for part in (part.strip().lower() for part in text.split(",")):
        if not part:
            continue
        found = RULE_PATTERN.match(part)
        if found is None:
            raise ValueError(f"{part!r} is no reminder rule; write days, hours or minutes such as 7d, 12h or 30m")
        before = int(found.group(1)) * UNITS[found.group(2)]
        if before > MAX_BEFORE:
            raise ValueError(f"{part!r} is more than a year before the start")
        if before in rules:
            raise ValueError(f"{part!r} repeats {rules[before].name!r}")
        rules[before] = ReminderRule(part, before)
    return sorted(rules.values(), key=lambda rule: rule.before, reverse=True)
