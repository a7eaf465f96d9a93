"""Opaque page cursors: a page and the cursor after it, and positions read back or refused."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from lcn_shared.cursors import InvalidCursor, encode_cursor, page_of, read_cursor


def _position(row: tuple[str, int]) -> dict[str, Any]:
    return {"name": row[0], "n": row[1]}


def test_a_page_has_a_cursor_only_when_another_row_followed() -> None:
    """`limit + 1` rows read: the page is `limit` of them and the cursor continues after its last."""
    rows = [("a", 1), ("b", 2), ("c", 3)]
    page, cursor = page_of(rows, limit=2, position=_position, tag="t")
    assert page == rows[:2]
    assert read_cursor(cursor, tag="t", parse=lambda position: (position["name"], position["n"])) == ("b", 2)
    assert page_of(rows[:2], limit=2, position=_position, tag="t") == (rows[:2], None)
    assert page_of([], limit=2, position=_position, tag="t") == ([], None)


def test_a_cursor_of_another_listing_or_with_a_bad_value_is_refused() -> None:
    """Another tag, a value `parse` cannot read, or a missing key: InvalidCursor (a 400 problem)."""
    cursor = encode_cursor({"id": "not a uuid"}, tag="t")
    assert read_cursor(None, tag="t", parse=lambda position: uuid.UUID(position["id"])) is None
    assert read_cursor("", tag="t", parse=lambda position: uuid.UUID(position["id"])) is None
    for tag, parse in (("u", dict), ("t", lambda position: uuid.UUID(position["id"])), ("t", lambda p: p["k"])):
        with pytest.raises(InvalidCursor):
            read_cursor(cursor, tag=tag, parse=parse)
