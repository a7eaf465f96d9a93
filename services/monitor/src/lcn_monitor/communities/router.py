"""HTTP endpoints of the community read model."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Query

from lcn_monitor.communities import repository, service
from lcn_monitor.communities.models import CommunityViewPublic, CommunityViewsPublic
from lcn_shared.db import SessionDep
from lcn_shared.problems import PROBLEM_JSON

router = APIRouter(prefix="/communities", tags=["communities"])


@router.get("", response_model=CommunityViewsPublic)
async def list_communities(
    session: SessionDep, limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0)
) -> CommunityViewsPublic:
    """Communities the monitor follows, by name."""
    rows, total = await repository.page(session, limit=limit, offset=offset)
    return CommunityViewsPublic(
        data=[CommunityViewPublic.model_validate(row, from_attributes=True) for row in rows], count=total
    )


@router.get("/{community_id}", response_model=CommunityViewPublic, responses={404: {"content": {PROBLEM_JSON: {}}}})
async def get_community(community_id: UUID, session: SessionDep) -> CommunityViewPublic:
    """One community as the monitor knows it."""
    community = await service.get_community(session, community_id=community_id)
    return CommunityViewPublic.model_validate(community, from_attributes=True)
