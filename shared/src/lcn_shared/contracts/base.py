"""The base of every event contract and the catalogue of all of them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

SCHEMA_DIR = Path(__file__).parent / "schemas"


class EventContract(BaseModel):
    """An event payload: its CloudEvents type, logical topic and the aggregate it is about."""

    # Consumers ignore unknown fields, so a producer may add optional fields without breaking them.
    model_config = ConfigDict(extra="ignore", frozen=True)

    event_type: ClassVar[str]
    topic: ClassVar[str]
    source: ClassVar[str]
    summary: ClassVar[str] = ""

    def aggregate_id(self) -> str:
        """The aggregate id: the record key and the CloudEvents subject."""
        raise NotImplementedError

    @classmethod
    def json_schema(cls) -> dict[str, Any]:
        """The JSON Schema of the payload, titled with the event type."""
        schema = cls.model_json_schema()
        schema["$id"] = f"urn:lcn:event:{cls.event_type}"
        schema["title"] = cls.event_type
        return schema


def all_contracts() -> list[type[EventContract]]:
    """Every concrete event contract, from the producers' modules."""
    from lcn_shared.contracts import events, monitor, registry  # noqa: F401  (imported for their subclasses)

    found: list[type[EventContract]] = []
    pending = list(EventContract.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if "event_type" in cls.__dict__:
            found.append(cls)
    return sorted(found, key=lambda c: c.event_type)


def export_schemas(directory: Path = SCHEMA_DIR) -> list[Path]:
    """Write one JSON Schema file per event type; return the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for contract in all_contracts():
        path = directory / f"{contract.event_type}.json"
        path.write_text(json.dumps(contract.json_schema(), indent=2, sort_keys=True) + "\n")
        written.append(path)
    return written
