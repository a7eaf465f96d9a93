"""Input hygiene: which text PostgreSQL cannot store, found wherever it sits."""

from __future__ import annotations

import json

from lcn_shared.hygiene import find_unsafe, may_hold_unsafe, unsafe_text


def test_unsafe_text_is_nul_or_an_unpaired_surrogate() -> None:
    """NUL and lone surrogates cannot be stored; a paired surrogate (an emoji) and a backslash-u text can."""
    assert unsafe_text("a\x00b")
    assert unsafe_text(json.loads('"a\\ud800b"'))
    assert not unsafe_text(json.loads('"\\ud83d\\ude00"'))
    assert not unsafe_text("a\\u0000b")


def test_find_unsafe_names_the_place_in_nested_documents_and_keys() -> None:
    """The location leads to the first unsafe value, or to a key that is itself unsafe."""
    assert find_unsafe({"a": [1, {"b": "ok"}, {"c": "x\x00"}]}) == ("a", 2, "c")
    assert find_unsafe({"ok": True, "k\x00": 1}, ("body",)) == ("body", "k\x00")
    assert find_unsafe({"a": ["fine", 2.5, None]}) is None


def test_may_hold_unsafe_scans_raw_text_for_candidates() -> None:
    """A delivery without NUL or a NUL/surrogate escape needs no record walked."""
    assert not may_hold_unsafe('[{"name": "Energy College"}]')
    assert may_hold_unsafe('[{"name": "a\\u0000"}]')
    assert may_hold_unsafe('[{"name": "a\\uDC00"}]')
    assert may_hold_unsafe("name\na\x00b\n")


def test_an_unsafe_key_is_named_in_a_form_a_response_can_carry() -> None:
    """A lone surrogate in a key is escaped, so the 422 that names it can be encoded."""
    found = find_unsafe(json.loads('{"a\\ud800": 1}'))
    assert found == ("a\\ud800",)
    assert found[0].encode("utf-8")
