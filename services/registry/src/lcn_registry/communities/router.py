"""HTTP endpoints for communities."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response, status

from lcn_registry.communities import service
from lcn_registry.communities.models import CommunityCreate, CommunityPublic
from lcn_shared.auth import Principal, Role, require
from lcn_shared.db import SessionDep
from lcn_shared.problems import PROBLEM_JSON

router = APIRouter(prefix="/communities", tags=["communities"])
PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {"content": {PROBLEM_JSON: {}}} for code in (401, 403, 404, 413, 422)
}
Writer = Annotated[Principal, Depends(require(Role.PARTNER, Role.COORDINATOR))]


def _etag(version: int) -> str:
    """The entity tag of a community version."""
    return f'"{version}"'


@router.post("", status_code=status.HTTP_201_CREATED, response_model=CommunityPublic, responses=PROBLEMS)
async def register_community(
    data: CommunityCreate, session: SessionDep, principal: Writer, request: Request, response: Response
) -> CommunityPublic:
    """Register a learning community; a partner's community is owned by its organisation."""
    community = await service.register_community(session, data=data, principal=principal)
    response.headers["Location"] = str(request.url_for("get_community", community_id=community.community_id))
    response.headers["ETag"] = _etag(community.version)
    return CommunityPublic.model_validate(community, from_attributes=True)


@router.get("/{community_id}", response_model=CommunityPublic, responses=PROBLEMS, name="get_community")
async def get_community(community_id: UUID, session: SessionDep, response: Response) -> CommunityPublic:
    """One community."""
    community = await service.get_community(session, community_id=community_id)
    response.headers["ETag"] = _etag(community.version)
    return CommunityPublic.model_validate(community, from_attributes=True)
