"""CloudEvents 1.0 over Kafka: binary mode out, binary or structured mode in (cloudevents SDK)."""

from __future__ import annotations

import builtins
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any, TypeVar

from cloudevents.core.bindings import kafka as ce_kafka
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from pydantic import BaseModel

JSON = "application/json"
TRACE_HEADERS = ("traceparent", "tracestate")
_FORMAT = JSONFormat()


class EnvelopeError(ValueError):
    """A Kafka record that is not a readable CloudEvent."""


class _UnparsedJSONFormat(JSONFormat):
    """Leaves binary-mode JSON data as bytes: the consumer parses and validates it against its contract
    in one pass (pydantic's parser), instead of `json.loads` plus validation (ADR 0018)."""

    def read_data(self, body: bytes, datacontenttype: str | None) -> dict[str, Any] | str | bytes | None:
        """The data's bytes when JSON; anything else as the SDK reads it."""
        if body and re.match(JSONFormat.JSON_CONTENT_TYPE_PATTERN, datacontenttype or self.DEFAULT_CONTENT_TYPE):
            return bytes(body)
        return super().read_data(body, datacontenttype)


_READ_FORMAT = _UnparsedJSONFormat()
CE_PREFIX = "ce_"
REQUIRED_ATTRIBUTES = ("id", "source", "type", "specversion")
Contract = TypeVar("Contract", bound=BaseModel)


@dataclass(frozen=True)
class Envelope:
    """The CloudEvents attributes and data of one event; `body` is the data as it came (parsed JSON, or
    the raw JSON bytes of a binary-mode record)."""

    id: str
    source: str
    type: str
    subject: str | None
    time: datetime | None
    body: Any

    @cached_property
    def data(self) -> Any:
        """The data as JSON values."""
        return json.loads(self.body) if isinstance(self.body, bytes) else self.body

    def validate(self, contract: builtins.type[Contract]) -> Contract:  # `type` is a field here
        """The data as `contract`; raises pydantic's ValidationError when it does not fit (or is not JSON)."""
        if isinstance(self.body, bytes):
            return contract.model_validate_json(self.body)
        return contract.model_validate(self.body)


def to_kafka(
    *,
    event_id: str,
    source: str,
    event_type: str,
    subject: str,
    time: datetime,
    data: Mapping[str, Any] | bytes,
    trace_headers: Mapping[str, str] | None = None,
) -> tuple[list[tuple[str, bytes]], bytes]:
    """Encode an event in binary mode: `ce_*` headers plus trace context, JSON data as the value (`data` as
    JSON values, or already serialised)."""
    attributes = {
        "id": event_id,
        "source": source,
        "type": event_type,
        "subject": subject,
        "time": time,
        "datacontenttype": JSON,
        "specversion": "1.0",
    }
    event = CloudEvent(attributes, data if isinstance(data, bytes) else dict(data))
    message = ce_kafka.to_binary(event, _FORMAT, key_mapper=lambda _: None)
    headers = list(message.headers.items())
    headers += [(name, value.encode()) for name, value in (trace_headers or {}).items() if name in TRACE_HEADERS]
    return headers, message.value


def from_kafka(headers: Iterable[tuple[str, bytes]], value: bytes | None) -> Envelope:
    """Decode a binary- or structured-mode record; raise EnvelopeError when it is not a CloudEvent."""
    header_map = dict(headers)
    if (envelope := _binary_json(header_map, value)) is not None:
        return envelope
    try:
        message = ce_kafka.KafkaMessage(headers=header_map, key=None, value=value or b"")
        event = ce_kafka.from_kafka(message, _READ_FORMAT)
    except Exception as exc:  # whatever the SDK trips over, the record is unreadable: poison, not a crash
        raise EnvelopeError(f"not a CloudEvent: {type(exc).__name__}: {exc}") from exc
    return Envelope(
        id=event.get_id(),
        source=event.get_source(),
        type=event.get_type(),
        subject=event.get_subject(),
        time=event.get_time(),
        body=event.get_data(),
    )


def _binary_json(headers: Mapping[str, bytes], value: bytes | None) -> Envelope | None:
    """A binary-mode CloudEvent with JSON data, read straight from its headers (what every platform producer
    writes: the SDK's general path cost ~80 µs a record, most of a replay's time); None for anything else, which
    the SDK reads. EnvelopeError when the required attributes are missing or unreadable."""
    if not any(name.startswith(CE_PREFIX) for name in headers) or not value:
        return None
    content_type = headers.get("content-type", JSON.encode())
    if not re.match(JSONFormat.JSON_CONTENT_TYPE_PATTERN, content_type.decode("latin-1")):
        return None
    try:
        attributes = {
            name[len(CE_PREFIX) :]: raw.decode() for name, raw in headers.items() if name.startswith(CE_PREFIX)
        }
        time = datetime.fromisoformat(attributes["time"]) if "time" in attributes else None
    except (UnicodeDecodeError, ValueError) as exc:
        raise EnvelopeError(f"not a CloudEvent: unreadable attribute: {exc}") from exc
    missing = [name for name in REQUIRED_ATTRIBUTES if not attributes.get(name)]
    if missing or attributes["specversion"] != "1.0":
        raise EnvelopeError(f"not a CloudEvent 1.0: missing or wrong {', '.join(missing) or 'specversion'}")
    return Envelope(
        id=attributes["id"],
        source=attributes["source"],
        type=attributes["type"],
        subject=attributes.get("subject"),
        time=time,
        body=bytes(value),
    )


def header_text(headers: Iterable[tuple[str, bytes]]) -> dict[str, str]:
    """Kafka headers as text, for logs, dead letters and trace extraction."""
    return {name: (raw or b"").decode("utf-8", errors="replace") for name, raw in headers}
