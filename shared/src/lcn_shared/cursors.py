"""Opaque, validated page cursors for every list: `{data, next_cursor}` continues only the listing that issued it."""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from lcn_shared.problems import ProblemError

Row = TypeVar("Row")
Position = TypeVar("Position")

# Not a secret: the checksum makes an edited cursor fail loudly instead of starting somewhere odd.
CHECKSUM_KEY = b"lcn-cursor-v1"
CHECKSUM_BYTES = 8


class InvalidCursor(ProblemError):
    """The cursor was not issued by this listing (edited, truncated, or from other filters or order)."""

    status, slug, title = 400, "invalid-cursor", "Invalid cursor"


def encode_cursor(position: dict[str, Any], *, tag: str) -> str:
    """base64url of the position (JSON) and the listing's tag, with a checksum."""
    payload = json.dumps({**position, "q": tag}, separators=(",", ":"), ensure_ascii=False).encode()
    checksum = hmac.digest(CHECKSUM_KEY, payload, "blake2b")[:CHECKSUM_BYTES]
    return base64.urlsafe_b64encode(payload + checksum).rstrip(b"=").decode()


def decode_cursor(cursor: str, *, tag: str) -> dict[str, Any]:
    """The position a cursor continues after; InvalidCursor when it is not one this listing issued.

    The caller still checks the position's values (their types) and raises InvalidCursor for a bad one."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (binascii.Error, ValueError) as exc:
        raise InvalidCursor("The cursor is not base64url.") from exc
    payload, checksum = raw[:-CHECKSUM_BYTES], raw[-CHECKSUM_BYTES:]
    expected = hmac.digest(CHECKSUM_KEY, payload, "blake2b")[:CHECKSUM_BYTES]
    if len(raw) <= CHECKSUM_BYTES or not hmac.compare_digest(checksum, expected):
        raise InvalidCursor("The cursor was altered or truncated.")
    try:
        decoded = json.loads(payload)
    except ValueError as exc:
        raise InvalidCursor("The cursor does not hold a valid position.") from exc
    if not isinstance(decoded, dict) or decoded.pop("q", None) != tag:
        raise InvalidCursor("The cursor belongs to another listing, other filters or another order.")
    return decoded


def page_of(
    rows: Sequence[Row], *, limit: int, position: Callable[[Row], dict[str, Any]], tag: str
) -> tuple[list[Row], str | None]:
    """The first `limit` of `limit + 1` rows read, and the cursor after the last of them when another followed."""
    page = list(rows[:limit])
    return page, encode_cursor(position(page[-1]), tag=tag) if len(rows) > limit else None


def read_cursor(cursor: str | None, *, tag: str, parse: Callable[[dict[str, Any]], Position]) -> Position | None:
    """The position a cursor continues after, as `parse` reads it; None without a cursor (absent or empty: the
    first page); InvalidCursor when the cursor is not one this listing issued or `parse` finds a value of the
    wrong type (KeyError, TypeError, ValueError)."""
    if not cursor:
        return None
    position = decode_cursor(cursor, tag=tag)
    try:
        return parse(position)
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidCursor("The cursor does not hold a valid position.") from exc


def cursor_text(value: Any) -> str:
    """A cursor position's text value; TypeError for anything else, which `read_cursor` turns into a 400."""
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not text")
    return value


def cursor_bigint(value: Any) -> int:
    """A cursor position's positive bigint (a row's id or sequence); ValueError for anything else, so a forged cursor
    is a 400 and never reaches PostgreSQL out of range."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
        raise ValueError(f"{value!r} is no positive bigint")
    return value
