"""Versions as entity tags, and what an `If-Match` header asks for."""

from __future__ import annotations

import pytest

from lcn_shared.concurrency import etag, expected_version
from lcn_shared.problems import PreconditionFailed, PreconditionRequired


def test_etag_is_the_strong_quoted_version() -> None:
    """Version 3 is `"3"`."""
    assert etag(3) == '"3"'


@pytest.mark.parametrize(
    ("if_match", "version"),
    [('"3"', 3), (' "12" ', 12), ('"1"', 1), ("*", None), (" * ", None)],
    ids=["strong", "padded", "first", "star", "padded-star"],
)
def test_if_match_names_the_expected_version(if_match: str, version: int | None) -> None:
    """A strong tag names its version; `*` names none (any current version will do)."""
    assert expected_version(if_match) == version


def test_round_trip_of_an_etag() -> None:
    """The ETag a GET answers is the If-Match that the next change sends."""
    assert expected_version(etag(41)) == 41


def test_missing_if_match_is_precondition_required() -> None:
    """Without If-Match a change could overwrite one its sender never saw: 428."""
    with pytest.raises(PreconditionRequired) as raised:
        expected_version(None)
    assert raised.value.status == 428


@pytest.mark.parametrize(
    "if_match",
    ['W/"3"', "3", '"three"', '"3", "4"', '""', "", '"-1"', '"1' + "0" * 18 + '"'],
    ids=["weak", "unquoted", "not-a-number", "list", "empty-tag", "empty", "negative", "too-long"],
)
def test_weak_or_unreadable_tags_never_match(if_match: str) -> None:
    """Weak tags fail If-Match's strong comparison (RFC 9110 13.1.1); so does anything not one of our tags: 412."""
    with pytest.raises(PreconditionFailed) as raised:
        expected_version(if_match)
    assert raised.value.status == 412
