"""CloudEvents 1.0 over Kafka: binary mode out, binary or structured mode in (cloudevents SDK)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cloudevents.core.bindings import kafka as ce_kafka
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

JSON = "application/json"
TRACE_HEADERS = ("traceparent", "tracestate")
_FORMAT = JSONFormat()


class EnvelopeError(ValueError):
    """A Kafka record that is not a readable CloudEvent."""


@dataclass(frozen=True)
class Envelope:
    """The CloudEvents attributes and JSON data of one event."""

    id: str
    source: str
    type: str
    subject: str | None
    time: datetime | None
    data: Any


def to_kafka(
    *,
    event_id: str,
    source: str,
    event_type: str,
    subject: str,
    time: datetime,
    data: Mapping[str, Any],
    trace_headers: Mapping[str, str] | None = None,
) -> tuple[list[tuple[str, bytes]], bytes]:
    """Encode an event in binary mode: `ce_*` headers plus trace context, JSON data as the value."""
    attributes = {
        "id": event_id,
        "source": source,
        "type": event_type,
        "subject": subject,
        "time": time,
        "datacontenttype": JSON,
        "specversion": "1.0",
    }
    message = ce_kafka.to_binary(CloudEvent(attributes, dict(data)), _FORMAT, key_mapper=lambda _: None)
    headers = list(message.headers.items())
    headers += [(name, value.encode()) for name, value in (trace_headers or {}).items() if name in TRACE_HEADERS]
    return headers, message.value


def from_kafka(headers: Iterable[tuple[str, bytes]], value: bytes | None) -> Envelope:
    """Decode a binary- or structured-mode record; raise EnvelopeError when it is not a CloudEvent."""
    header_map = dict(headers)
    try:
        event = ce_kafka.from_kafka(ce_kafka.KafkaMessage(headers=header_map, key=None, value=value or b""), _FORMAT)
    except Exception as exc:  # whatever the SDK trips over, the record is unreadable: poison, not a crash
        raise EnvelopeError(f"not a CloudEvent: {type(exc).__name__}: {exc}") from exc
    return Envelope(
        id=event.get_id(),
        source=event.get_source(),
        type=event.get_type(),
        subject=event.get_subject(),
        time=event.get_time(),
        data=event.get_data(),
    )


def header_text(headers: Iterable[tuple[str, bytes]]) -> dict[str, str]:
    """Kafka headers as text, for logs, dead letters and trace extraction."""
    return {name: (raw or b"").decode("utf-8", errors="replace") for name, raw in headers}
