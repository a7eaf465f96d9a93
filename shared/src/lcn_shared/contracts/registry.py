"""Events the registry publishes."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from uuid import UUID

from pydantic import Field

from lcn_shared.contracts.base import EventContract
from lcn_shared.contracts.vocabulary import CommunityKind, Landsdeel, Topsector

COMMUNITY_TOPIC = "lcn.registry.community"
REGISTRY_SOURCE = "/lcn/registry"


class CommunityRegistered(EventContract):
    """A learning community was registered."""

    event_type: ClassVar[str] = "nl.lcn.registry.community.registered.v1"
    topic: ClassVar[str] = COMMUNITY_TOPIC
    source: ClassVar[str] = REGISTRY_SOURCE
    summary: ClassVar[str] = "A learning community was registered in the registry."

    community_id: UUID
    name: str
    kind: CommunityKind
    landsdeel: Landsdeel
    topsectors: list[Topsector] = Field(default_factory=list)
    owner_organisation_id: UUID | None = None
    registered_at: datetime

    def aggregate_id(self) -> str:
        """The community id."""
        return str(self.community_id)
