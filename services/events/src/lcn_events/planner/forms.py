"""The planner's event form: its fields from an event, and an event's body from its fields (checked by the API's own
schema, so a page takes exactly what the API takes), with each error placed at the field it is about."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from lcn_events.events.schemas import CONFERENCE_TEAM, REMOVABLE, EventCreate, EventPublic, EventUpdate
from lcn_events.events.times import DEFAULT_TIMEZONE
from lcn_events.planner.page_messages import ERRORS
from lcn_shared.hygiene import find_unsafe

TEXTS = ("title", "kind", "organiser", "description", "timezone", "online_url", "capacity")
TAGS = ("landsdelen", "topsectors", "themes")
CHECKS = ("major", "all_day", "requires_approval")
VENUE = ("venue_name", "venue_address", "venue_postal_code", "venue_city")
WHEN = ("start_date", "start_time", "end_date", "end_time", "registration_opens_at", "registration_closes_at")
# Errors shown in the page's language are message ids (`id|value` when the text names a value): those the form finds
# itself and the API's common ones, each with its words in `page_messages.ERRORS`; any other API message shows as
# the API words it.
MESSAGE_IDS = frozenset(ERRORS)
# The API's errors by pydantic's type: the message id and the context value its text names.
BY_TYPE = {
    "missing": ("required", None),
    "string_too_short": ("too_short", "min_length"),
    "string_too_long": ("too_long", "max_length"),
    "greater_than_equal": ("at_least", "ge"),
    "greater_than": ("at_least", "gt"),
    "less_than_equal": ("at_most", "le"),
    "less_than": ("at_most", "lt"),
    "int_parsing": ("whole_number", None),
    "int_type": ("whole_number", None),
    "int_from_float": ("whole_number", None),
    "date_parsing": ("a_date", None),
    "date_from_datetime_parsing": ("a_date", None),
    "date_from_datetime_inexact": ("a_date", None),
    "datetime_parsing": ("a_date", None),
    "datetime_from_date_parsing": ("a_date", None),
    "url_parsing": ("a_link", None),
    "url_scheme": ("a_link", None),
    "url_type": ("a_link", None),
    "enum": ("a_choice", None),
    "literal_error": ("a_choice", None),
}
# What a field written in the wrong form asks for.
PATTERN_OF = {"online_url": "a_link", "timezone": "a_time_zone"}
# The API's own checks, by the words of their message.
BY_WORDS = (
    (re.compile(r"`(ends_at|end_date)` is before"), "end_before_start"),
    (re.compile(r"`registration_closes_at` is before"), "closes_before_opens"),
    (re.compile(r"not an IANA time zone"), "a_time_zone"),
    (re.compile(r"does not exist in .*clocks move forward"), "no_such_time"),
    (re.compile(r"^give a date"), "a_date"),
    (re.compile(r"needs `start"), "required"),
    (re.compile(r"name each value once"), "each_once"),
    (re.compile(r"give COUNT or UNTIL, not both"), "count_or_until"),
)
REPEATS = ("none", "yearly", "monthly", "weekly", "custom")
SIMPLE_RULE = re.compile(r"^FREQ=(YEARLY|MONTHLY|WEEKLY)(?:;COUNT=(\d+)|;UNTIL=(\d{4})(\d{2})(\d{2}))?$")
# Where an error about an API field shows on the form (the field a person fills in for it).
FIELD_OF = {
    "starts_at": "start_date",
    "start_date": "start_date",
    "ends_at": "end_date",
    "end_date": "end_date",
    "recurrence": "repeat",
    "venue": "venue_address",
    "address": "venue_address",
    "city": "venue_city",
    "postal_code": "venue_postal_code",
    "name": "venue_name",
}
NAMED = re.compile(r"`([a-z_]+)`")
RULE_WORDS = re.compile(r"\b(FREQ|COUNT|UNTIL|INTERVAL|BY[A-Z]+|rule|series)\b")


class FormErrors(Exception):
    """The form's errors: per field, what is wrong (`form` for what belongs to no field)."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {text}" for name, text in errors.items()))
        self.errors = dict(errors)


def blank(*, year: int) -> dict[str, Any]:
    """A new event's form: the conference team organises, in the Netherlands' zone, not repeating."""
    return {
        **dict.fromkeys((*TEXTS, *VENUE, *WHEN, "repeat_count", "repeat_until", "rrule"), ""),
        **dict.fromkeys(CHECKS, False),
        **{name: [] for name in TAGS},
        "organiser": CONFERENCE_TEAM,
        "kind": "conference",
        "timezone": DEFAULT_TIMEZONE,
        "start_date": f"{year}-01-01" if year else "",
        "repeat": "none",
        "version": "",
    }


def _moment(value: Any) -> str:
    """A stored time as a `datetime-local` input shows it (wall clock, to the minute)."""
    return value.strftime("%Y-%m-%dT%H:%M") if value is not None else ""


def _repeat(rule: str | None) -> dict[str, str]:
    """A rule as the simple choice when it is one (yearly, monthly, weekly with a count or an until date)."""
    if rule is None:
        return {"repeat": "none", "repeat_count": "", "repeat_until": "", "rrule": ""}
    found = SIMPLE_RULE.match(rule.upper().removeprefix("RRULE:"))
    if found is None:
        return {"repeat": "custom", "repeat_count": "", "repeat_until": "", "rrule": rule}
    frequency, count, *until = found.groups()
    return {
        "repeat": frequency.lower(),
        "repeat_count": count or "",
        "repeat_until": "-".join(until) if until[0] else "",
        "rrule": rule,
    }


def of_event(event: EventPublic) -> dict[str, Any]:
    """The form of a stored event."""
    venue = event.venue
    timed = not event.all_day
    return {
        **{name: getattr(event, name) or "" for name in ("title", "description", "online_url", "timezone")},
        "kind": event.kind.value,
        "organiser": str(event.organiser),
        "capacity": str(event.capacity) if event.capacity is not None else "",
        **{name: getattr(event, name) for name in CHECKS},
        **{name: [str(value) for value in getattr(event, name)] for name in TAGS},
        "venue_name": (venue.name or "") if venue else "",
        "venue_address": venue.address if venue else "",
        "venue_postal_code": (venue.postal_code or "") if venue else "",
        "venue_city": venue.city if venue else "",
        "start_date": event.start_date.isoformat(),
        "start_time": event.starts_at.strftime("%H:%M") if timed and event.starts_at else "",
        "end_date": event.end_date.isoformat() if event.end_date else "",
        "end_time": event.ends_at.strftime("%H:%M") if timed and event.ends_at else "",
        "registration_opens_at": _moment(event.registration_opens_at),
        "registration_closes_at": _moment(event.registration_closes_at),
        **_repeat(event.recurrence),
        "version": str(event.version),
    }


def of_form(form: FormData) -> dict[str, Any]:
    """The fields as posted (so that a refused form shows again as it was filled in)."""
    texts = (*TEXTS, *VENUE, *WHEN, "repeat", "repeat_count", "repeat_until", "rrule", "version")
    return {
        **{name: str(form.get(name) or "").strip() for name in texts},
        **{name: form.get(name) is not None for name in CHECKS},
        **{name: [str(value) for value in form.getlist(name)] for name in TAGS},
    }


def _rule(values: Mapping[str, Any]) -> str | None:
    """The RRULE the repeat choice makes; the raw rule when it is another."""
    repeat = values["repeat"]
    if repeat == "custom":
        return str(values["rrule"]) or None
    if repeat not in REPEATS[1:4]:
        return None
    rule = f"FREQ={repeat.upper()}"
    count, until = values["repeat_count"], values["repeat_until"]
    if count and until:
        raise FormErrors({"repeat_count": "count_or_until"})
    if count:
        if not count.isdigit():
            raise FormErrors({"repeat_count": "whole_number"})
        rule += f";COUNT={int(count)}"
    elif until:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", until):
            raise FormErrors({"repeat_until": "a_date"})
        rule += f";UNTIL={until.replace('-', '')}"
    return rule


def _times(values: Mapping[str, Any]) -> dict[str, Any]:
    """Dates for an all-day event; else times, from a date and a time each (the end on the start's day when it has
    no date of its own)."""
    if values["all_day"]:
        return {"start_date": values["start_date"], "end_date": values["end_date"]}
    start, end = values["start_date"], values["end_date"] or values["start_date"]
    return {
        "starts_at": f"{start}T{values['start_time'] or '00:00'}" if start else None,
        "ends_at": f"{end}T{values['end_time']}" if end and values["end_time"] else None,
    }


def body(values: Mapping[str, Any]) -> dict[str, Any]:
    """The API's body for the form's values (empty fields left out)."""
    given: dict[str, Any] = {
        name: values[name] for name in ("title", "kind", "organiser", "description", "timezone", "online_url")
    }
    given |= {name: values[name] for name in (*CHECKS, *TAGS)}
    capacity = values["capacity"]
    given["capacity"] = int(capacity) if capacity.isdigit() else capacity or None
    given |= _times(values)
    for name in ("registration_opens_at", "registration_closes_at"):
        given[name] = values[name] or None
    if any(values[name] for name in VENUE):
        venue = {name.removeprefix("venue_"): values[name] for name in VENUE}
        given["venue"] = {name: value for name, value in venue.items() if value}
    given["recurrence"] = _rule(values)
    return {name: value for name, value in given.items() if value not in ("", None)}


def _placed(error: dict[str, Any]) -> tuple[str, str]:
    """The form field an API error belongs to, and its message."""
    names = [str(part) for part in error.get("loc", ()) if isinstance(part, str) and part != "body"]
    message = str(error.get("msg", "")).removeprefix("Value error, ")
    if not names:
        names = NAMED.findall(message)[:1] or ["form"]
        if "time zone" in message:
            names = ["timezone"]
        elif RULE_WORDS.search(message):
            names = ["recurrence"]
    return FIELD_OF.get(names[-1], names[-1]), _message_id(error, message, field=names[-1])


def _message_id(error: Mapping[str, Any], message: str, *, field: str) -> str:
    """The message id of an API error the page words itself (`id|value` when it names a value); else its text."""
    kind, context = str(error.get("type")), error.get("ctx") or {}
    if kind == "string_pattern_mismatch":  # the pattern says nothing to a person; the field says what is asked
        return PATTERN_OF.get(field, "a_form")
    if kind == "string_too_short" and context.get("min_length") == 1:
        return "required"
    if (found := BY_TYPE.get(kind)) is not None:
        message_id, named = found
        value = context.get(named) if named else None
        return f"{message_id}|{value}" if value is not None else message_id
    for words, message_id in BY_WORDS:
        if words.search(message):
            return message_id
    return f"a_rule|{message}" if field == "recurrence" else message


def shown_message(text: str, translate: Callable[..., str]) -> str:
    """A placed error as the page shows it: a message id in the page's language, anything else as it came."""
    message_id, _, value = text.partition("|")
    return translate(f"error_{message_id}", value=value) if message_id in MESSAGE_IDS else text


def placed_errors(found: Sequence[Any]) -> dict[str, str]:
    """Validation errors' messages per form field (the first for each)."""
    placed: dict[str, str] = {}
    for item in found:
        field, message = _placed(dict(item))
        placed.setdefault(field, message)
    return placed


def errors_of(error: ValidationError) -> dict[str, str]:
    """A validation error's messages per form field (the first for each)."""
    return placed_errors(error.errors(include_url=False))


def moved(values: Mapping[str, Any]) -> dict[str, Any]:
    """An occurrence's new times from its move form (dates for an all-day series)."""
    return {name: value for name, value in _times(values).items() if value}


def create_body(values: Mapping[str, Any]) -> EventCreate:
    """The event the form describes, as the API would take it; FormErrors otherwise."""
    given = body(values)
    unsafe = find_unsafe(given)
    if unsafe:  # the API refuses such text before reading a body; a form is read here, so it is refused here
        name = str(unsafe[0])
        raise FormErrors({FIELD_OF.get(name, name): "unsafe"})
    try:
        return EventCreate.model_validate(given)
    except ValidationError as error:
        raise FormErrors(errors_of(error)) from error


def update_body(values: Mapping[str, Any]) -> EventUpdate:
    """A merge patch that makes the stored event what the form describes: emptied fields removed."""
    data = create_body(values)
    given = data.model_dump(mode="json", exclude_none=True, exclude={"community_ids"})
    removed = {name: None for name in REMOVABLE if name not in given}
    return EventUpdate.model_validate(given | removed)
