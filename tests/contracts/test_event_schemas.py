"""Acceptance: every event's JSON Schema is exported, and changes to it stay backward compatible."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lcn_shared.contracts.base import SCHEMA_DIR, EventContract, all_contracts

CONTRACTS = all_contracts()


def _committed(contract: type[EventContract]) -> dict[str, Any]:
    """The schema file committed for this event type."""
    path = SCHEMA_DIR / f"{contract.event_type}.json"
    assert path.exists(), f"run `lcn contracts export` to add {path.name}"
    return dict(json.loads(path.read_text()))


def compatibility_breaks(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Why consumers built on `old` would break on `new`: removed or retyped fields, new required ones."""
    breaks = []
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    for name, spec in old_props.items():
        if name not in new_props:
            breaks.append(f"field {name!r} was removed")
        elif spec.get("type") != new_props[name].get("type") or spec.get("format") != new_props[name].get("format"):
            breaks.append(f"field {name!r} changed type")
    for name in set(new.get("required", [])) - set(old.get("required", [])):
        breaks.append(f"field {name!r} became required")
    return breaks


@pytest.mark.parametrize("contract", CONTRACTS, ids=[c.event_type for c in CONTRACTS])
def test_exported_schema_is_current(contract: type[EventContract]) -> None:
    """The committed schema equals what the contract generates (run `lcn contracts export` after a change)."""
    assert _committed(contract) == json.loads(json.dumps(contract.json_schema()))


@pytest.mark.parametrize("contract", CONTRACTS, ids=[c.event_type for c in CONTRACTS])
def test_contract_is_backward_compatible_with_committed_schema(contract: type[EventContract]) -> None:
    """An incompatible change needs a new `.vN` event type, published side by side."""
    assert compatibility_breaks(_committed(contract), contract.json_schema()) == []


def test_compatibility_check_catches_breaking_changes() -> None:
    """The checker itself flags a removed field, a retyped field and a newly required field."""
    old = {"properties": {"a": {"type": "string"}, "b": {"type": "string"}}, "required": ["a"]}
    new = {"properties": {"a": {"type": "integer"}, "c": {"type": "string"}}, "required": ["a", "c"]}
    assert sorted(compatibility_breaks(old, new)) == [
        "field 'a' changed type",
        "field 'b' was removed",
        "field 'c' became required",
    ]


def test_event_types_follow_the_naming_rule() -> None:
    """`nl.lcn.<service>.<aggregate>.<event>.v<N>` on topic `lcn.<service>.<aggregate>`, source `/lcn/<service>`."""
    for contract in CONTRACTS:
        parts = contract.event_type.split(".")
        assert parts[:2] == ["nl", "lcn"]
        assert parts[-1].startswith("v")
        assert parts[-1][1:].isdigit()
        assert contract.topic == f"lcn.{parts[2]}.{parts[3]}"
        assert contract.source == f"/lcn/{parts[2]}"
