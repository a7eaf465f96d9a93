"""What the monitor reads from a `CommunityUpdated` event's `changes`."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pydantic import TypeAdapter
from typing_extensions import TypedDict

from lcn_shared.contracts.vocabulary import (
    CommunityKind,
    CommunityStatus,
    EducationLevel,
    KeyTechnology,
    Landsdeel,
    Phase,
    Province,
    Topsector,
)


class CommunityChanges(TypedDict, total=False):
    """The changed fields the read model keeps, validated against the vocabularies; other keys are ignored.
    A key present with null clears an optional field; absent keys are left alone."""

    name: str
    kind: CommunityKind
    kinds: list[CommunityKind]
    landsdeel: Landsdeel
    province: Province | None
    municipality: str | None
    topsectors: list[Topsector]
    primary_topsector: Topsector | None
    key_technologies: list[KeyTechnology]
    education_levels: list[EducationLevel]
    status: CommunityStatus
    phase: Phase | None
    owner_organisation_id: UUID | None


CHANGES = TypeAdapter(CommunityChanges)


def kept_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """The changes the read model keeps, as column values (codes, not enum members)."""
    validated = CHANGES.validate_python(changes)
    kept: dict[str, Any] = CHANGES.dump_python(validated, mode="json", exclude_unset=True)
    if "owner_organisation_id" in validated:  # JSON mode made it text; the column wants a UUID
        kept["owner_organisation_id"] = validated["owner_organisation_id"]
    return kept
