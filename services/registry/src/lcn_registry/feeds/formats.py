"""Reading a feed delivery: JSON (an array), NDJSON (one object per line) or CSV (a header row)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from lcn_registry.feeds.wire import MEDIA_TYPES as MEDIA_TYPES
from lcn_registry.feeds.wire import FeedFormat
from lcn_shared.hygiene import find_unsafe, may_hold_unsafe
from lcn_shared.problems import ProblemError, UnprocessableContent


class UnsupportedMediaType(ProblemError):
    """The delivery's content type is not one the feeds read."""

    status, slug, title = 415, "unsupported-media-type", "Unsupported media type"


@dataclass(frozen=True)
class RawRow:
    """One record of a delivery as read, or why it could not be read."""

    position: int
    data: dict[str, Any] | None
    error: str | None = None


def feed_format(content_type: str | None) -> FeedFormat:
    """The format a Content-Type names."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type not in MEDIA_TYPES:
        raise UnsupportedMediaType(f"Send one of: {', '.join(MEDIA_TYPES)}; got {media_type or 'none'}.")
    return MEDIA_TYPES[media_type]


def read_rows(body: bytes, feed_format: FeedFormat, *, first_position: int = 1) -> list[RawRow]:
    """The delivery's records, numbered from `first_position`; unreadable records carry their error."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnprocessableContent(f"The delivery is not UTF-8: {error}.") from error
    readers = {"json": _json_rows, "ndjson": _ndjson_rows, "csv": _csv_rows}
    rows = readers[feed_format](text)
    if may_hold_unsafe(text):  # one scan of the delivery; records are walked only when it finds a candidate
        rows = [_storable(data, error) for data, error in rows]
    return [RawRow(first_position + index, data, error) for index, (data, error) in enumerate(rows)]


def _storable(data: dict[str, Any] | None, error: str | None) -> tuple[dict[str, Any] | None, str | None]:
    """A record holding text PostgreSQL cannot store (NUL, an unpaired surrogate) is rejected on its own."""
    found = find_unsafe(data) if data is not None else None
    if found is None:
        return data, error
    field = ".".join(map(str, found))
    return None, f"{field} holds a NUL character or an unpaired surrogate, which cannot be stored"


def _object(value: Any) -> tuple[dict[str, Any] | None, str | None]:
    """A record must be a JSON object."""
    return (
        (value, None) if isinstance(value, dict) else (None, f"a record must be an object, not {type(value).__name__}")
    )


def _json_rows(text: str) -> list[tuple[dict[str, Any] | None, str | None]]:
    """An array of records, or `{"records": [...]}`; anything else is not a delivery."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise UnprocessableContent(f"The delivery is not valid JSON: {error}.") from error
    if isinstance(document, dict) and isinstance(document.get("records"), list):
        document = document["records"]
    if not isinstance(document, list):
        raise UnprocessableContent('A JSON delivery is an array of records or {"records": [...]}.')
    return [_object(value) for value in document]


def _ndjson_rows(text: str) -> list[tuple[dict[str, Any] | None, str | None]]:
    """One record per non-blank line; a broken line is rejected on its own."""
    rows: list[tuple[dict[str, Any] | None, str | None]] = []
    # Only "\n" ends a record: str.splitlines() would also split at U+2028 inside a JSON string.
    for line in text.split("\n"):
        if not line.strip():
            continue
        try:
            rows.append(_object(json.loads(line)))
        except json.JSONDecodeError as error:
            rows.append((None, f"the line is not valid JSON: {error.msg}"))
    return rows


def _csv_rows(text: str) -> list[tuple[dict[str, Any] | None, str | None]]:
    """A header row names the fields; lists are `a; b`, partners `Name [type] (role); ...`."""
    reader = csv.DictReader(io.StringIO(text), restkey="__extra__")
    if not reader.fieldnames:
        raise UnprocessableContent("A CSV delivery starts with a header row.")
    rows: list[tuple[dict[str, Any] | None, str | None]] = []
    for row in reader:
        if "__extra__" in row:
            rows.append((None, "the row has more values than the header names"))
        elif None in row.values():
            rows.append((None, "the row has fewer values than the header names"))
        else:
            rows.append(({name: value for name, value in row.items() if value != ""}, None))
    return rows
