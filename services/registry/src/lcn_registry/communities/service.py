"""Business rules for communities; every change emits its event through the outbox."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from uuid import UUID

from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_registry.communities import repository
from lcn_registry.communities.models import Community, CommunityCreate
from lcn_shared.auth import Principal
from lcn_shared.contracts import CommunityRegistered
from lcn_shared.messaging.outbox import add_event
from lcn_shared.problems import NotFound


async def register_community(session: AsyncSession, *, data: CommunityCreate, principal: Principal) -> Community:
    """Register a community owned by the caller's organisation and stage `community.registered`."""
    now = datetime.now(UTC)
    community = Community(
        community_id=uuid.uuid4(),
        name=data.name,
        kind=data.kind.value,
        landsdeel=data.landsdeel.value,
        topsectors=[topsector.value for topsector in data.topsectors],
        owner_organisation_id=principal.organisation_id,
        created_at=now,
        updated_at=now,
    )
    session.add(community)
    await session.flush()  # the community row first, then its event
    await add_event(
        session,
        CommunityRegistered(
            community_id=community.community_id,
            name=data.name,
            kind=data.kind,
            landsdeel=data.landsdeel,
            topsectors=data.topsectors,
            owner_organisation_id=community.owner_organisation_id,
            registered_at=now,
        ),
        occurred_at=now,
    )
    return community


async def get_community(session: AsyncSession, *, community_id: UUID) -> Community:
    """The community, or NotFound."""
    community = await repository.get_community(session, community_id)
    if community is None:
        raise NotFound(f"No community {community_id}.")
    return community
