"""CloudEvents envelope: binary mode out; binary and structured mode in."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from cloudevents.core.bindings import kafka as ce_kafka

from lcn_shared.envelope import _READ_FORMAT, EnvelopeError, from_kafka, to_kafka

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


def test_the_binary_fast_path_reads_what_the_sdk_reads() -> None:
    """A platform record read from its headers gives the same envelope as the CloudEvents SDK's general path."""
    headers, value = to_kafka(
        event_id="e-3",
        source="/lcn/registry",
        event_type="nl.lcn.registry.community.updated.v1",
        subject="c-3",
        time=datetime(2026, 12, 7, 15, 30, 0, 123000, tzinfo=UTC),
        data={"name": "Energy College"},
        trace_headers={"traceparent": "00-" + "1" * 32 + "-" + "2" * 16 + "-01"},
    )
    fast = from_kafka(headers, value)
    message = ce_kafka.KafkaMessage(headers=dict(headers), key=None, value=value)
    slow = ce_kafka.from_kafka(message, _READ_FORMAT)
    assert (fast.id, fast.source, fast.type, fast.subject, fast.time, fast.body) == (
        slow.get_id(),
        slow.get_source(),
        slow.get_type(),
        slow.get_subject(),
        slow.get_time(),
        slow.get_data(),
    )


@pytest.mark.parametrize(
    "broken",
    [
        {"ce_specversion": b"0.3"},
        {"ce_id": b""},
        {"ce_time": b"yesterday"},
        {"ce_source": b"\xff\xfe"},
    ],
    ids=["old-specversion", "empty-id", "bad-time", "not-utf8"],
)
def test_a_binary_record_with_a_broken_attribute_is_unreadable(broken: dict[str, bytes]) -> None:
    """The fast path refuses what the SDK refuses: poison, dead-lettered at once."""
    headers, value = to_kafka(
        event_id="e-4",
        source="/lcn/registry",
        event_type="nl.lcn.registry.community.updated.v1",
        subject="c-4",
        time=datetime(2026, 12, 7, tzinfo=UTC),
        data={"name": "x"},
    )
    with pytest.raises(EnvelopeError):
        from_kafka([(name, broken.get(name, raw)) for name, raw in headers], value)
