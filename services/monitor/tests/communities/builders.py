"""Builders for the community read model's tests: events with sensible defaults, and applying one
as the consumer would."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from lcn_shared.contracts import (
    CommunityMerged,
    CommunityRegistered,
    CommunityState,
    CommunityStatusChanged,
    CommunityUpdated,
    MembershipChanged,
)
from lcn_shared.contracts.base import EventContract
from lcn_shared.db import SessionFactory, unit_of_work
from lcn_shared.envelope import Envelope

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def envelope_of(event: EventContract) -> Envelope:
    """The envelope the consumer would have decoded for `event`."""
    return Envelope(
        id=str(uuid.uuid4()),
        source=event.source,
        type=event.event_type,
        subject=event.aggregate_id(),
        time=NOW,
        body=event.model_dump(mode="json"),
    )


async def apply(
    sessions: SessionFactory, handler: Callable[[Any, Any, Envelope], Awaitable[None]], event: EventContract
) -> None:
    """Run one handler in its own unit of work, as the consumer does."""
    async with unit_of_work(sessions) as session:
        await handler(session, event, envelope_of(event))


def create_registered(community_id: UUID | None = None, **changes: Any) -> CommunityRegistered:
    """A `registered` event, with changes."""
    fields: dict[str, Any] = {
        "community_id": community_id or uuid.uuid4(),
        "name": "Energy College",
        "kind": "civ",
        "kinds": ["civ", "fieldlab"],
        "landsdeel": "noord",
        "province": "drenthe",
        "municipality": "Emmen",
        "topsectors": ["energie"],
        "primary_topsector": "energie",
        "key_technologies": ["robotics"],
        "education_levels": ["mbo"],
        "phase": "young",
        "registered_at": NOW,
    }
    return CommunityRegistered.model_validate({**fields, **changes})


def create_updated(community_id: UUID, version: int, changes: dict[str, Any]) -> CommunityUpdated:
    """An `updated` event of `changes`."""
    return CommunityUpdated(
        community_id=community_id,
        version=version,
        changed_fields=sorted(changes),
        changes=changes,
        updated_at=NOW,
        origin="api",
    )


def create_status_changed(community_id: UUID, version: int, previous: str, status: str) -> CommunityStatusChanged:
    """A `status-changed` event."""
    return CommunityStatusChanged.model_validate(
        {
            "community_id": community_id,
            "version": version,
            "previous_status": previous,
            "status": status,
            "changed_at": NOW,
        }
    )


def create_membership_changed(
    community_id: UUID, version: int, organisation_id: UUID, change: str, role: str | None, **changes: Any
) -> MembershipChanged:
    """A `membership-changed` event for one organisation."""
    fields: dict[str, Any] = {
        "community_id": community_id,
        "version": version,
        "organisation_id": organisation_id,
        "organisation_name": "Hanzehogeschool",
        "organisation_type": "school-hbo",
        "change": change,
        "role": role,
        "changed_at": NOW,
    }
    return MembershipChanged.model_validate({**fields, **changes})


def create_merged(survivor_id: UUID, merged_id: UUID, version: int) -> CommunityMerged:
    """A `merged` event: `merged_id` now redirects to `survivor_id`."""
    return CommunityMerged(
        community_id=survivor_id, merged_community_id=merged_id, version=version, merged_at=NOW, reason="review"
    )


def create_state(version: int, **changes: Any) -> CommunityState:
    """A community's whole state at `version`, as every registry event carries it."""
    fields: dict[str, Any] = {
        "version": version,
        "name": "Energy College",
        "kinds": ["civ", "fieldlab"],
        "landsdeel": "noord",
        "province": "drenthe",
        "municipality": "Emmen",
        "topsectors": ["energie"],
        "primary_topsector": "energie",
        "key_technologies": ["robotics"],
        "education_levels": ["mbo"],
        "status": "active",
        "phase": "young",
        "members": [],
        "registered_at": NOW,
        "updated_at": NOW,
    }
    return CommunityState.model_validate({**fields, **changes})


def with_state(event: EventContract, state: CommunityState) -> EventContract:
    """The event carrying `state`."""
    return event.model_copy(update={"state": state})
