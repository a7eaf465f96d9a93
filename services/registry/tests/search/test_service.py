"""The search's rules without a database: vocabulary checks, orders, facet fields and the cursor."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from lcn_registry.search.repository import prefix_terms
from lcn_registry.search.schemas import CommunityFilterParams, CommunitySearchParams, SortOrder
from lcn_registry.search.service import (
    decode_search_cursor,
    encode_search_cursor,
    parse_filter,
    resolve_facets,
    resolve_order,
)
from lcn_shared.cursors import InvalidCursor
from lcn_shared.problems import UnprocessableContent


def test_filter_keeps_codes_and_understands_labels_and_aliases() -> None:
    """`HTSM`, `ict` and `Noord` become their codes, per column, each once."""
    params = CommunityFilterParams(topsector=["HTSM", "ict", "htsm"], landsdeel=["Noord"], q="  energie ")
    community_filter = parse_filter(params=params)
    assert community_filter.codes == {"topsectors": ("htsm", "dutch-digital-delta"), "landsdeel": ("noord",)}
    assert community_filter.text == "energie"


def test_unknown_values_are_listed_with_the_allowed_codes_per_parameter() -> None:
    """All unknown values of all parameters are reported at once."""
    params = CommunityFilterParams(kind=["fieldlab", "hackathon"], status=["paused"])
    with pytest.raises(UnprocessableContent) as raised:
        parse_filter(params=params)
    errors = raised.value.extensions["errors"]
    assert [(error["parameter"], error["invalid"]) for error in errors] == [
        ("kind", ["hackathon"]),
        ("status", ["paused"]),
    ]
    assert "active" in errors[1]["allowed"]


def test_order_defaults_to_relevance_with_text_and_needs_text_for_relevance() -> None:
    """No sort: relevance with `q`, name without; relevance without `q` is refused."""
    assert resolve_order(sort=None, text="energie") is SortOrder.RELEVANCE
    assert resolve_order(sort=None, text=None) is SortOrder.NAME
    with pytest.raises(UnprocessableContent):
        resolve_order(sort=SortOrder.RELEVANCE, text=None)


def test_facet_fields_all_some_or_none() -> None:
    """`true` means every controlled field, a list names some, `false` none."""
    assert len(resolve_facets(facets="true")) == 14
    assert [field.parameter for field in resolve_facets(facets="kind, topsector,kind")] == ["kind", "topsector"]
    assert resolve_facets(facets="false") == resolve_facets(facets=None) == []


@pytest.mark.parametrize(
    ("order", "sort_value"),
    [
        (SortOrder.NAME, "energy college"),
        (SortOrder.UPDATED_AT_DESC, datetime(2026, 11, 23, 12, 0, 0, 123456, tzinfo=UTC)),
        (SortOrder.RELEVANCE, 0.30000001192092896),
    ],
)
def test_cursor_round_trips_the_sort_key_exactly(order: SortOrder, sort_value: object) -> None:
    """What goes into a cursor comes out unchanged: text, microsecond timestamps, float ranks."""
    community_id = uuid.uuid4()
    cursor = encode_search_cursor(sort_value=sort_value, community_id=community_id, tag="abc")
    assert "=" not in cursor
    assert decode_search_cursor(cursor=cursor, order=order, tag="abc") == (sort_value, community_id)


def test_cursor_of_another_query_or_type_is_refused() -> None:
    """A cursor is tied to its filters and order, and its key must have the order's type."""
    cursor = encode_search_cursor(sort_value="alfa", community_id=uuid.uuid4(), tag="abc")
    with pytest.raises(InvalidCursor):
        decode_search_cursor(cursor=cursor, order=SortOrder.NAME, tag="other")
    with pytest.raises(InvalidCursor):
        decode_search_cursor(cursor=cursor, order=SortOrder.CREATED_AT, tag="abc")
    with pytest.raises(InvalidCursor):
        decode_search_cursor(cursor=cursor[:-3], order=SortOrder.NAME, tag="abc")


def test_prefix_terms_keep_letters_and_digits_only() -> None:
    """Words become prefixes; tsquery operators typed by a user never reach to_tsquery."""
    assert prefix_terms("Duurzame energ") == "duurzame:* & energ:*"
    assert prefix_terms("a & b | !c:* (zorg)") == "zorg:*"
    assert prefix_terms("Fryslân 2030") == "fryslân:* & 2030:*"
    assert prefix_terms("&!") is None


def test_cursor_of_a_long_non_ascii_name_fits_the_parameter_limit() -> None:
    """The longest name (200 characters) in any script still makes a cursor the API accepts."""
    cursor = encode_search_cursor(sort_value="ë" * 200, community_id=uuid.uuid4(), tag="abc")
    assert len(cursor) <= CommunitySearchParams.model_fields["cursor"].metadata[0].max_length


def test_fingerprint_ignores_order_but_not_how_values_are_split() -> None:
    """Same filters in another order share a fingerprint; `a,b` as one municipality differs from two."""
    first = parse_filter(params=CommunityFilterParams(kind=["civ", "fieldlab"], municipality=["Delft", "Emmen"]))
    second = parse_filter(params=CommunityFilterParams(kind=["fieldlab", "civ"], municipality=["Emmen", "Delft"]))
    assert first.fingerprint() == second.fingerprint()
    joined = parse_filter(params=CommunityFilterParams(municipality=["Delft,Emmen"]))
    split = parse_filter(params=CommunityFilterParams(municipality=["Delft", "Emmen"]))
    assert joined.fingerprint() != split.fingerprint()
