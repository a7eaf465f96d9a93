"""CloudEvents envelope: binary mode out; binary and structured mode in."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from lcn_shared.envelope import EnvelopeError, from_kafka, to_kafka

WHEN = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def test_binary_mode_round_trip_keeps_attributes_data_and_trace() -> None:
    """What the relay writes, a consumer reads back unchanged."""
    headers, value = to_kafka(
        event_id="e-1",
        source="/lcn/registry",
        event_type="nl.lcn.registry.community.registered.v1",
        subject="c-1",
        time=WHEN,
        data={"name": "TechnoHUB"},
        trace_headers={"traceparent": "00-" + "a" * 32 + "-" + "b" * 16 + "-01", "baggage": "dropped"},
    )
    names = {name for name, _ in headers}
    assert {"ce_id", "ce_source", "ce_type", "ce_specversion", "ce_time", "ce_subject", "content-type"} <= names
    assert "traceparent" in names
    assert "baggage" not in names
    envelope = from_kafka(headers, value)
    assert (envelope.id, envelope.type, envelope.subject, envelope.time) == (
        "e-1",
        "nl.lcn.registry.community.registered.v1",
        "c-1",
        WHEN,
    )
    assert envelope.data == {"name": "TechnoHUB"}


def test_structured_mode_is_accepted() -> None:
    """A producer outside the platform may send `application/cloudevents+json`."""
    body = {
        "specversion": "1.0",
        "id": "e-2",
        "source": "/katapult",
        "type": "nl.lcn.registry.community.registered.v1",
        "subject": "c-2",
        "datacontenttype": "application/json",
        "data": {"name": "RDM Makerspace"},
    }
    envelope = from_kafka([("content-type", b"application/cloudevents+json")], json.dumps(body).encode())
    assert (envelope.id, envelope.source, envelope.data) == ("e-2", "/katapult", {"name": "RDM Makerspace"})


@pytest.mark.parametrize(
    ("headers", "value"),
    [([], b"not json"), ([("ce_id", b"x")], b"{}"), ([("content-type", b"application/cloudevents+json")], b"[1]")],
    ids=["garbage", "missing-attributes", "structured-not-an-object"],
)
def test_unreadable_records_raise_envelope_error(headers: list[tuple[str, bytes]], value: bytes) -> None:
    """Poison input is recognised, so the consumer can dead-letter it at once."""
    with pytest.raises(EnvelopeError):
        from_kafka(headers, value)
