"""Reading a bulk delivery (a feed's records, a programme's reports): JSON (an array), NDJSON (one object per
line) or CSV (a header row).

Regional files come as they are: CSV with a comma, semicolon or tab, in UTF-8 (with or without a BOM) or
Windows-1252. A record that cannot be read (a NUL, bytes that are not text, a ragged row) is rejected on its
own with its reason; the rest of the delivery is read.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from lcn_shared.hygiene import find_unsafe, may_hold_unsafe
from lcn_shared.problems import ProblemError, UnprocessableContent

DeliveryFormat = Literal["json", "ndjson", "csv"]
# Media type -> format; the first media type of each format is the one a client sends.
MEDIA_TYPES: dict[str, DeliveryFormat] = {
    "application/json": "json",
    "application/x-ndjson": "ndjson",
    "application/ndjson": "ndjson",
    "application/jsonl": "ndjson",
    "application/jsonlines": "ndjson",
    "text/csv": "csv",
}
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
FALLBACK_ENCODING = "cp1252"
# Bytes that are not text in the delivery's encoding are kept as lone surrogates (surrogateescape), so that
# only the records holding them are rejected.
UNDECODABLE = re.compile("[\udc80-\udcff]")
UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")
SNIFF_SAMPLE_CHARS = 4096  # a few dozen lines: csv.Sniffer's time grows much faster than its sample (64 KiB took 1-2 s)
EXTRA_CELLS = "__extra__"


class UnsupportedMediaType(ProblemError):
    """The delivery's content type is not one a bulk endpoint reads."""

    status, slug, title = 415, "unsupported-media-type", "Unsupported media type"


@dataclass(frozen=True)
class RawRow:
    """One record of a delivery as read, or why it could not be read."""

    position: int
    data: dict[str, Any] | None
    error: str | None = None


@dataclass(frozen=True)
class Decoded:
    """A delivery's text and the encoding it was read in."""

    text: str
    encoding: str


def delivery_format(content_type: str | None) -> DeliveryFormat:
    """The format a Content-Type names."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type not in MEDIA_TYPES:
        raise UnsupportedMediaType(f"Send one of: {', '.join(MEDIA_TYPES)}; got {media_type or 'none'}.")
    return MEDIA_TYPES[media_type]


def charset_of(content_type: str | None) -> str | None:
    """The `charset` parameter of a Content-Type, if it names a known encoding."""
    for parameter in (content_type or "").split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"'):
            charset = value.strip().strip('"')
            try:
                return codecs.lookup(charset).name
            except LookupError as error:
                raise UnsupportedMediaType(f"The charset {charset!r} is not one the platform knows.") from error
    return None


def decode(body: bytes, charset: str | None = None) -> Decoded:
    """The delivery as text: in `charset` when given, else UTF-8 (a BOM dropped), else Windows-1252.

    A UTF-8 file with a few bad bytes stays UTF-8 (only the records holding them are rejected); a file with
    no valid UTF-8 sequence at all but bytes above 127 is read as Windows-1252, as Dutch Excel writes it."""
    body = body.removeprefix(codecs.BOM_UTF8)
    if charset is not None:
        return Decoded(body.decode(charset, errors="surrogateescape"), charset)
    try:
        return Decoded(body.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        encoding = "utf-8" if UTF8_MULTIBYTE.search(body) else FALLBACK_ENCODING
        return Decoded(body.decode(encoding, errors="surrogateescape"), encoding)


def sniff_delimiter(text: str) -> str:
    """The CSV delimiter (comma, semicolon or tab): csv.Sniffer on the first lines, checked on the header."""
    sample = text[:SNIFF_SAMPLE_CHARS]
    header = sample.lstrip("\r\n").split("\n", 1)[0]
    try:
        delimiter = csv.Sniffer().sniff(sample.rsplit("\n", 1)[0] or sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        delimiter = ""
    if delimiter in DELIMITERS and delimiter in header:
        return delimiter
    # The sniffer can be led astray by commas inside cells; the header names columns, not prose.
    counts = {candidate: header.count(candidate) for candidate in DELIMITERS}
    best = max(counts, key=lambda candidate: counts[candidate])
    return best if counts[best] else ","


def read_rows(
    body: bytes, delivery_format: DeliveryFormat, *, first_position: int = 1, charset: str | None = None
) -> list[RawRow]:
    """The delivery's records, numbered from `first_position`; unreadable records carry their error."""
    decoded = decode(body, charset)
    readers = {"json": _json_rows, "ndjson": _ndjson_rows, "csv": _csv_rows}
    rows = readers[delivery_format](decoded.text)
    if may_hold_unsafe(decoded.text) or UNDECODABLE.search(decoded.text):
        # One scan of the delivery; records are walked only when it finds a candidate.
        rows = [_storable(data, error, decoded.encoding) for data, error in rows]
    return [RawRow(first_position + index, data, error) for index, (data, error) in enumerate(rows)]


def read_delivery(body: bytes, content_type: str | None, *, first_position: int = 1) -> list[RawRow]:
    """The records of a request body, in the format and charset its Content-Type names."""
    return read_rows(
        body, delivery_format(content_type), first_position=first_position, charset=charset_of(content_type)
    )


def _storable(
    data: dict[str, Any] | None, error: str | None, encoding: str
) -> tuple[dict[str, Any] | None, str | None]:
    """A record holding text PostgreSQL cannot store (NUL, bytes that are no text) is rejected on its own."""
    found = find_unsafe(data) if data is not None else None
    if found is None or data is None:
        return data, error
    field = _printable(".".join(map(str, found)))
    value = _at(data, found)
    if isinstance(value, str) and "\x00" in value:
        return None, f"{field} holds a NUL character, which cannot be stored"
    if isinstance(value, str) and UNDECODABLE.search(value):
        return None, f"{field} holds bytes that are not valid {encoding} text"
    return None, f"{field} holds a NUL character or an unpaired surrogate, which cannot be stored"


def _printable(text: str, limit: int = 200) -> str:
    """Text safe to store and show: control characters and surrogates (a key may hold them) as escapes."""
    return "".join(char if char.isprintable() else char.encode("unicode_escape").decode() for char in text[:limit])


def _at(data: Any, location: tuple[str | int, ...]) -> Any:
    """The value at a location `find_unsafe` gave (a key itself when the key is what is unsafe)."""
    for part in location:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int):
            data = data[part]
        else:
            return part
    return data


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


def csv_reader(text: str) -> csv.DictReader[str]:
    """A reader of CSV text in its own delimiter, with the header's names trimmed."""
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text), restkey=EXTRA_CELLS)
    if not reader.fieldnames:
        raise UnprocessableContent("A CSV delivery starts with a header row.")
    reader.fieldnames = [name.strip() for name in reader.fieldnames]
    return reader


def _csv_rows(text: str) -> list[tuple[dict[str, Any] | None, str | None]]:
    """A header row names the fields; lists are `a; b`, partners `Name [type] (role); ...`."""
    reader = csv_reader(text)
    rows: list[tuple[dict[str, Any] | None, str | None]] = []
    for row in reader:
        if EXTRA_CELLS in row:
            rows.append((None, f"line {reader.line_num}: the row has more values than the header names"))
        elif None in row.values():
            rows.append((None, f"line {reader.line_num}: the row has fewer values than the header names"))
        else:
            rows.append(({name: value for name, value in row.items() if value != ""}, None))
    return rows
