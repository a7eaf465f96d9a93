"""HTTP endpoint of the clashes: every clash of a year, for the conference team."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from lcn_events.clashes import service
from lcn_events.clashes.schemas import ClashesPublic
from lcn_shared.auth import Principal, Role, require
from lcn_shared.db import ReadSessionDep
from lcn_shared.problems import problem_responses

router = APIRouter(tags=["clashes"])


@router.get("/clashes", response_model=ClashesPublic, responses=problem_responses(401, 403, 422))
async def list_clashes(
    year: Annotated[int, Query(ge=2000, le=2200, description="The calendar year.")],
    session: ReadSessionDep,
    principal: Annotated[Principal, Depends(require(Role.CONFERENCE_TEAM))],
) -> ClashesPublic:
    """Major events on overlapping days for an overlapping audience in a year, drafts included."""
    return ClashesPublic(year=year, data=await service.clashes_in(session, year=year))
