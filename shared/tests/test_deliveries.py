"""Reading deliveries: JSON, NDJSON and CSV, row by row."""

from __future__ import annotations

import json

import pytest

from lcn_shared.deliveries import UnsupportedMediaType, delivery_format, read_rows
from lcn_shared.problems import UnprocessableContent


def test_ndjson_splits_only_at_newlines_so_a_line_separator_inside_a_string_survives() -> None:
    """U+2028 is a line break to str.splitlines() but legal inside a JSON string."""
    body = json.dumps({"external_id": "A", "description": "een\u2028twee"}, ensure_ascii=False) + "\n\n{broken\n"
    rows = read_rows(body.encode(), "ndjson", first_position=11)
    assert [(row.position, row.data is not None) for row in rows] == [(11, True), (12, False)]
    assert rows[0].data is not None
    assert rows[0].data["description"] == "een\u2028twee"
    assert "not valid JSON" in (rows[1].error or "")


def test_json_takes_an_array_or_records_member_and_rejects_non_objects_per_row() -> None:
    """A JSON delivery is an array (or {"records": [...]}); a non-object element is rejected on its own."""
    rows = read_rows(b'{"records": [{"external_id": "A"}, 3]}', "json")
    assert [row.error for row in rows] == [None, "a record must be an object, not int"]
    with pytest.raises(UnprocessableContent):
        read_rows(b'{"external_id": "A"}', "json")


def test_csv_keeps_quoted_newlines_and_rejects_ragged_rows() -> None:
    """Quoted cells may hold newlines; a row with more or fewer cells than the header is rejected."""
    body = 'external_id,name,description\nA,Lab,"regel 1\nregel 2"\nB,Lab\nC,Lab,x,extra\n'
    rows = read_rows(body.encode(), "csv")
    assert rows[0].data == {"external_id": "A", "name": "Lab", "description": "regel 1\nregel 2"}
    assert [row.error for row in rows[1:]] == [
        "line 4: the row has fewer values than the header names",
        "line 5: the row has more values than the header names",
    ]


def test_content_types_choose_the_format_and_others_get_415() -> None:
    """JSON, NDJSON (several spellings) and CSV; anything else is 415 Unsupported Media Type."""
    assert delivery_format("application/json; charset=utf-8") == "json"
    assert delivery_format("application/x-ndjson") == "ndjson"
    assert delivery_format("text/csv") == "csv"
    with pytest.raises(UnsupportedMediaType):
        delivery_format("application/xml")
