"""A strict check of an iCalendar stream against RFC 5545, written apart from the library that writes the feeds.

It reads the bytes itself (no icalendar), and checks what calendar apps trip over: the line format (3.1), the
calendar's required properties (3.6, 3.7), each VEVENT's (3.6.1, 3.8), time zones (3.2.19, 3.6.5), value types
(3.3) and recurrence (3.3.10, 3.8.4.4, 3.8.5). `problems(body)` lists every breach; `assert_valid(body)` fails on any.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

MAX_OCTETS = 75  # 3.1: lines SHOULD NOT be longer than 75 octets, excluding the line break
NAME = re.compile(r"^[A-Za-z0-9-]+$")  # 3.1: iana-token / x-name
DATE = re.compile(r"^\d{8}$")  # 3.3.4
DATE_TIME = re.compile(r"^\d{8}T\d{6}Z?$")  # 3.3.5: local or UTC (`Z`)
OFFSET = re.compile(r"^[+-]\d{4}(\d{2})?$")  # 3.3.14
CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")  # 3.1: CONTROL, not allowed in a value
# 3.3.11: in TEXT a backslash escapes only these; `;` and `,` are escaped in a single TEXT value.
ESCAPE = re.compile(r"\\(.)", re.DOTALL)
TEXT_ESCAPES = frozenset("\\;,Nn")
SINGLE_TEXT = frozenset({"SUMMARY", "DESCRIPTION", "LOCATION", "COMMENT", "UID", "TZNAME"})
# 3.6.1: properties a VEVENT holds at most once (DTSTAMP and UID exactly once).
VEVENT_ONCE = frozenset(
    {
        "DTSTAMP",
        "UID",
        "DTSTART",
        "CLASS",
        "CREATED",
        "DESCRIPTION",
        "GEO",
        "LAST-MODIFIED",
        "LOCATION",
        "ORGANIZER",
        "PRIORITY",
        "SEQUENCE",
        "STATUS",
        "SUMMARY",
        "TRANSP",
        "URL",
        "RECURRENCE-ID",
        "DTEND",
        "DURATION",
    }
)
EVENT_STATUSES = frozenset({"TENTATIVE", "CONFIRMED", "CANCELLED"})  # 3.8.1.11


@dataclass
class Line:
    """One unfolded content line (3.1): name, parameters, value."""

    name: str
    params: dict[str, str]
    value: str


@dataclass
class Component:
    """A component (3.4, 3.6) with its properties in order and its subcomponents."""

    name: str
    lines: list[Line] = field(default_factory=list)
    children: list[Component] = field(default_factory=list)

    def all(self, name: str) -> list[Line]:
        """Every property of that name."""
        return [line for line in self.lines if line.name == name]

    def one(self, name: str) -> Line | None:
        """The first property of that name."""
        found = self.all(name)
        return found[0] if found else None

    def text(self, name: str) -> str | None:
        """The first value of that property, if any."""
        found = self.one(name)
        return found.value if found is not None else None


def _physical_lines(body: bytes, found: list[str]) -> list[str]:
    """The stream's lines, checking 3.1: CRLF after every line, at most 75 octets each, valid UTF-8 each."""
    if not body.endswith(b"\r\n"):
        found.append("3.1: the stream does not end with CRLF")
    lines = body.split(b"\r\n")[:-1] if body.endswith(b"\r\n") else body.split(b"\r\n")
    texts = []
    for number, raw in enumerate(lines, 1):
        if b"\n" in raw or b"\r" in raw:
            found.append(f"3.1: line {number} is not terminated by CRLF (a bare LF or CR)")
        if len(raw) > MAX_OCTETS:
            found.append(f"3.1: line {number} is {len(raw)} octets, not folded at {MAX_OCTETS}")
        try:
            texts.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            found.append(f"3.1.4: line {number} is not UTF-8 (or a fold splits a character)")
            texts.append(raw.decode("utf-8", "replace"))
    return texts


def _unfold(texts: list[str], found: list[str]) -> list[str]:
    """Logical lines: a line starting with a space or tab continues the one before (3.1)."""
    logical: list[str] = []
    for text in texts:
        if text[:1] in (" ", "\t"):
            if not logical:
                found.append("3.1: the stream starts with a continuation line")
                continue
            logical[-1] += text[1:]
        elif text == "":
            found.append("3.1: an empty line")
        else:
            logical.append(text)
    return logical


def _parse(text: str, found: list[str]) -> Line | None:
    """A content line `name *(";" param) ":" value` (3.1), parameter values quoted or not (3.2)."""
    match = re.match(
        r"^([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+=(?:\"[^\"]*\"|[^\";:,]*)(?:,(?:\"[^\"]*\"|[^\";:,]*))*)*):", text
    )
    if match is None:
        found.append(f"3.1: not a content line: {text[:40]!r}")
        return None
    params = {}
    for param in re.findall(
        r";([A-Za-z0-9-]+)=((?:\"[^\"]*\"|[^\";:,]*)(?:,(?:\"[^\"]*\"|[^\";:,]*))*)", match.group(2)
    ):
        params[param[0].upper()] = param[1].strip('"')
    value = text[match.end() :]
    if CONTROL.search(value):
        found.append(f"3.1: a control character in the value of {match.group(1)}")
    return Line(match.group(1).upper(), params, value)


def _tree(lines: list[Line], found: list[str]) -> list[Component]:
    """The components BEGIN and END delimit (3.4), checked to nest."""
    roots: list[Component] = []
    stack: list[Component] = []
    for line in lines:
        if line.name == "BEGIN":
            component = Component(line.value.upper())
            (stack[-1].children if stack else roots).append(component)
            stack.append(component)
        elif line.name == "END":
            if not stack or stack[-1].name != line.value.upper():
                found.append(f"3.4: END:{line.value} does not close the open component")
                return roots
            stack.pop()
        elif not stack:
            found.append(f"3.4: {line.name} outside any component")
        else:
            stack[-1].lines.append(line)
    if stack:
        found.append(f"3.4: {stack[-1].name} is never closed")
    return roots


def _check_text(line: Line, found: list[str]) -> None:
    """3.3.11: only `\\\\ \\; \\, \\N \\n` are escapes; a single TEXT value escapes its `;` and `,`."""
    for escaped in ESCAPE.findall(line.value):
        if escaped not in TEXT_ESCAPES:
            found.append(f"3.3.11: {line.name} has the unknown escape \\{escaped}")
    rest = ESCAPE.sub("", line.value)
    if "\\" in rest:
        found.append(f"3.3.11: {line.name} ends with a lone backslash")
    if line.name in SINGLE_TEXT and re.search(r"[;,]", rest):
        found.append(f"3.3.11: {line.name} has an unescaped ';' or ','")


def _kind(line: Line) -> str:
    """A date or time property's value type: DATE, UTC, LOCAL (with TZID) or FLOATING; ERROR when malformed."""
    is_date = line.params.get("VALUE", "DATE-TIME").upper() == "DATE"
    values = line.value.split(",")
    if is_date:
        return "DATE" if all(DATE.match(value) for value in values) and "TZID" not in line.params else "ERROR"
    if not all(DATE_TIME.match(value) for value in values):
        return "ERROR"
    if all(value.endswith("Z") for value in values):
        return "UTC" if "TZID" not in line.params else "ERROR"  # 3.2.19: never TZID with a UTC time
    if any(value.endswith("Z") for value in values):
        return "ERROR"
    return "LOCAL" if "TZID" in line.params else "FLOATING"


def _instant(line: Line) -> datetime | date:
    """The (first) value as an instant (a date for DATE), zones by their IANA name."""
    value = line.value.split(",")[0]
    if len(value) == 8:
        return datetime.strptime(value, "%Y%m%d").date()
    moment = datetime.strptime(value.rstrip("Z"), "%Y%m%dT%H%M%S")
    if value.endswith("Z"):
        return moment.replace(tzinfo=UTC)
    return moment.replace(tzinfo=ZoneInfo(line.params["TZID"])) if "TZID" in line.params else moment


def _comparable(first: date | datetime, second: date | datetime) -> bool:
    """True when both are dates, or both times with a zone, or both floating."""
    if isinstance(first, datetime) and isinstance(second, datetime):
        return (first.tzinfo is None) == (second.tzinfo is None)
    return not isinstance(first, datetime) and not isinstance(second, datetime)


def _check_rule(line: Line, start_kind: str, found: list[str]) -> None:
    """3.3.10: FREQ once, not both COUNT and UNTIL, UNTIL of DTSTART's type (UTC for a time in a zone)."""
    parts = [part.partition("=") for part in line.value.split(";")]
    names = Counter(name.upper() for name, _, _ in parts)
    if names["FREQ"] != 1 or any(count > 1 for count in names.values()):
        found.append(f"3.3.10: RRULE {line.value!r} needs FREQ once and each part at most once")
    if names["COUNT"] and names["UNTIL"]:
        found.append("3.3.10: RRULE has both COUNT and UNTIL")
    until = next((value for name, _, value in parts if name.upper() == "UNTIL"), None)
    if until is not None:
        expected = {"DATE": DATE, "FLOATING": re.compile(r"^\d{8}T\d{6}$")}.get(
            start_kind, re.compile(r"^\d{8}T\d{6}Z$")
        )
        if not expected.match(until):
            found.append(f"3.3.10: UNTIL {until} is not of DTSTART's type ({start_kind}; a zone's time needs UTC)")


def _check_event(event: Component, found: list[str]) -> None:
    """3.6.1 and 3.8: a VEVENT's required and single properties, times, recurrence and values."""
    label = event.text("UID") or "a VEVENT"
    counts = Counter(line.name for line in event.lines)
    for name in ("UID", "DTSTAMP", "DTSTART"):  # DTSTART is required in a calendar without METHOD
        if counts[name] != 1:
            found.append(f"3.6.1: {label} has {counts[name]} {name} (exactly one required)")
    found.extend(f"3.6.1: {label} has {name} {counts[name]} times" for name in VEVENT_ONCE if counts[name] > 1)
    if counts["DTEND"] and counts["DURATION"]:
        found.append(f"3.6.1: {label} has both DTEND and DURATION")
    stamp = event.one("DTSTAMP")
    if stamp is not None and _kind(stamp) != "UTC":
        found.append(f"3.8.7.2: {label}'s DTSTAMP {stamp.value} is not a UTC time")
    for line in event.lines:
        if line.name in ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE", "CREATED", "LAST-MODIFIED"):
            if _kind(line) == "ERROR" and line.params.get("VALUE", "").upper() == "DATE":
                found.append(f"3.3.4: {label}'s {line.name} {line.value!r} is no DATE (YYYYMMDD, without TZID)")
            elif _kind(line) == "ERROR":
                found.append(f"3.3.5: {label}'s {line.name} {line.value!r} is no DATE-TIME (a DATE needs VALUE=DATE)")
        if line.name in ("CREATED", "LAST-MODIFIED") and _kind(line) != "UTC":
            found.append(f"3.8.7: {label}'s {line.name} is not a UTC time")
        if line.name in SINGLE_TEXT | {"CATEGORIES"}:
            _check_text(line, found)
    start, end = event.one("DTSTART"), event.one("DTEND")
    if start is None or _kind(start) == "ERROR":
        return
    start_kind = _kind(start)
    for name in ("DTEND", "RECURRENCE-ID", "EXDATE"):  # 3.8.2.2, 3.8.4.4, 3.8.5.1: DTSTART's value type
        for line in event.all(name):
            kind = _kind(line)
            if kind != "ERROR" and (kind == "DATE") != (start_kind == "DATE"):
                found.append(f"3.8: {label}'s {name} is {kind}, DTSTART is {start_kind}")
    if end is not None and _kind(end) != "ERROR" and (_kind(end) == "DATE") == (start_kind == "DATE"):
        begins, ends = _instant(start), _instant(end)
        if _comparable(begins, ends) and ends <= begins:  # type: ignore[operator]
            found.append(f"3.8.2.2: {label}'s DTEND {end.value} is not later than DTSTART {start.value}")
    for rule in event.all("RRULE"):
        _check_rule(rule, start_kind, found)
    sequence = event.one("SEQUENCE")
    if sequence is not None and not sequence.value.isdigit():
        found.append(f"3.8.7.4: {label}'s SEQUENCE {sequence.value!r} is no non-negative integer")
    status = event.one("STATUS")
    if status is not None and status.value not in EVENT_STATUSES:
        found.append(f"3.8.1.11: {label}'s STATUS {status.value} is not one of a VEVENT's")


def _check_timezone(zone: Component, found: list[str]) -> None:
    """3.6.5: TZID once; STANDARD or DAYLIGHT observances, each with a local DTSTART, TZOFFSETFROM, TZOFFSETTO."""
    if len(zone.all("TZID")) != 1:
        found.append("3.6.5: a VTIMEZONE needs exactly one TZID")
    observances = [child for child in zone.children if child.name in ("STANDARD", "DAYLIGHT")]
    if not observances:
        found.append("3.6.5: a VTIMEZONE needs a STANDARD or DAYLIGHT observance")
    for observance in observances:
        start = observance.one("DTSTART")
        if start is None or _kind(start) != "FLOATING":
            found.append(f"3.6.5: an observance of {zone.text('TZID')} needs DTSTART as a local time (no TZID, no Z)")
        for name in ("TZOFFSETFROM", "TZOFFSETTO"):
            offsets = observance.all(name)
            if len(offsets) != 1 or not OFFSET.match(offsets[0].value):
                found.append(f"3.6.5: an observance of {zone.text('TZID')} needs one {name} as an offset")


def problems(body: bytes) -> list[str]:
    """Every breach of RFC 5545 this check knows of, with its section; empty for a valid calendar."""
    found: list[str] = []
    parsed = [_parse(text, found) for text in _unfold(_physical_lines(body, found), found)]
    roots = _tree([line for line in parsed if line is not None], found)
    if [root.name for root in roots] != ["VCALENDAR"]:
        found.append(f"3.4: the stream holds {[root.name for root in roots]}, not one VCALENDAR")
        return found
    calendar = roots[0]
    for name, required in (("VERSION", "2.0"), ("PRODID", None)):  # 3.6, 3.7.3, 3.7.4
        lines = calendar.all(name)
        if len(lines) != 1 or (required is not None and lines[0].value != required):
            found.append(f"3.6: VCALENDAR needs {name} exactly once" + (f" ({required})" if required else ""))
    if any(line.value != "GREGORIAN" for line in calendar.all("CALSCALE")) or len(calendar.all("CALSCALE")) > 1:
        found.append("3.7.1: CALSCALE at most once, GREGORIAN")
    if not calendar.children:
        found.append("3.6: VCALENDAR holds no component")
    every = [line for component in _walk(calendar) for line in component.lines]
    found.extend(f"3.1: {line.name} is no property name" for line in every if not NAME.match(line.name))
    timezones = [child for child in calendar.children if child.name == "VTIMEZONE"]
    zones = Counter(zone.text("TZID") for zone in timezones)
    for zone in timezones:
        _check_timezone(zone, found)
    for tzid in sorted({line.params["TZID"] for line in every if "TZID" in line.params}):  # 3.2.19, 3.6.5
        if zones[tzid] != 1:
            found.append(f"3.6.5: TZID {tzid} is used, and has {zones[tzid]} VTIMEZONE (exactly one required)")
    events = [child for child in calendar.children if child.name == "VEVENT"]
    for event in events:
        _check_event(event, found)
    _check_recurrence_ids(events, found)
    return found


def _walk(component: Component) -> list[Component]:
    """The component and every component inside it."""
    return [component, *(found for child in component.children for found in _walk(child))]


def _check_recurrence_ids(events: list[Component], found: list[str]) -> None:
    """3.8.4.4: one VEVENT per UID without RECURRENCE-ID; an override names a recurring one's UID, once per date."""
    masters = Counter(event.text("UID") for event in events if event.one("RECURRENCE-ID") is None)
    recurring = {event.text("UID") for event in events if event.one("RRULE") is not None}
    found.extend(f"3.8.4.7: UID {uid} names {count} VEVENTs" for uid, count in masters.items() if count > 1)
    overrides = Counter(
        (event.text("UID"), event.text("RECURRENCE-ID")) for event in events if event.one("RECURRENCE-ID") is not None
    )
    for (uid, recurrence_id), count in overrides.items():
        if uid not in recurring:
            found.append(f"3.8.4.4: RECURRENCE-ID {recurrence_id} of UID {uid}, which is no recurring event here")
        if count > 1:
            found.append(f"3.8.4.4: RECURRENCE-ID {recurrence_id} of UID {uid} given {count} times")


def assert_valid(body: bytes) -> None:
    """Fail with every breach when the body is no valid RFC 5545 calendar."""
    found = problems(body)
    assert not found, "not valid RFC 5545:\n" + "\n".join(found)
