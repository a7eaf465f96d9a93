"""HTTP endpoints of the community read model."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from lcn_monitor.communities import repository, service
from lcn_monitor.communities.models import CommunityViewPublic, CommunityViewsPublic
from lcn_shared.contracts.vocabulary import CommunityStatus, Landsdeel, Topsector
from lcn_shared.db import SessionDep
from lcn_shared.hygiene import INT32_MAX
from lcn_shared.problems import PROBLEM_JSON
from lcn_shared.urls import url_of

router = APIRouter(prefix="/communities", tags=["communities"])


@router.get("", response_model=CommunityViewsPublic)
async def list_communities(
    session: SessionDep,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=INT32_MAX),
    landsdeel: Annotated[Landsdeel | None, Query(description="Only communities in this landsdeel.")] = None,
    topsector: Annotated[Topsector | None, Query(description="Only communities serving this topsector.")] = None,
    status: Annotated[CommunityStatus | None, Query(description="Only communities with this lifecycle status.")] = None,
) -> CommunityViewsPublic:
    """Communities the monitor follows, by name; ids merged into another community are left out."""
    rows, total = await repository.page(
        session,
        limit=limit,
        offset=offset,
        landsdeel=landsdeel.value if landsdeel else None,
        topsector=topsector.value if topsector else None,
        status=status.value if status else None,
    )
    return CommunityViewsPublic(
        data=[CommunityViewPublic.model_validate(row, from_attributes=True) for row in rows], count=total
    )


@router.get(
    "/{community_id}",
    response_model=CommunityViewPublic,
    responses={
        308: {"description": "The id was merged into another community; `Location` names the survivor."},
        404: {"content": {PROBLEM_JSON: {}}},
    },
)
async def get_community(community_id: UUID, request: Request, session: SessionDep) -> Response | CommunityViewPublic:
    """One community as the monitor knows it; a merged-away id redirects permanently to its survivor."""
    community = await service.resolve_community(session, community_id=community_id)
    if community.community_id != community_id:
        location = url_of(request, "get_community", community_id=str(community.community_id))
        return RedirectResponse(location, status_code=308)
    return CommunityViewPublic.model_validate(community, from_attributes=True)
