"""Projection of registry events into the read model, and its queries."""

from __future__ import annotations

from uuid import UUID

from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_monitor.communities import repository
from lcn_monitor.communities.models import CommunityView
from lcn_shared.contracts import CommunityRegistered
from lcn_shared.envelope import Envelope
from lcn_shared.problems import NotFound


async def project_registered(session: AsyncSession, event: CommunityRegistered, envelope: Envelope) -> None:
    """A registered community enters the read model (once, whatever the deliveries)."""
    await repository.insert_if_absent(
        session,
        {
            "community_id": event.community_id,
            "name": event.name,
            "kind": event.kind.value,
            "landsdeel": event.landsdeel.value,
            "topsectors": [topsector.value for topsector in event.topsectors],
            "owner_organisation_id": event.owner_organisation_id,
            "registered_at": event.registered_at,
            "last_event_id": envelope.id,
        },
    )


async def get_community(session: AsyncSession, *, community_id: UUID) -> CommunityView:
    """One community, or NotFound."""
    community = await repository.get(session, community_id)
    if community is None:
        raise NotFound(f"The monitor knows no community {community_id}.")
    return community
