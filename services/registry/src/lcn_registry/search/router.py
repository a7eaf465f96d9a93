"""HTTP endpoint of the community search (open to read, like every GET of the platform)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from lcn_registry.search import service
from lcn_registry.search.schemas import CommunityPage, CommunitySearchParams
from lcn_shared.db import ReadSessionDep
from lcn_shared.problems import problem_responses

router = APIRouter(tags=["search"])
PROBLEMS = problem_responses(400, 422)


@router.get("/communities", response_model=CommunityPage, responses=PROBLEMS, name="search_communities")
async def search_communities(params: Annotated[CommunitySearchParams, Query()], session: ReadSessionDep) -> Response:
    """Search communities: filters (OR within a field, AND across), Dutch full text, facets, keyset cursor."""
    page = await service.search_communities(session, params=params)
    # Serialised here, once: the page is already validated. `facets` is left out unless asked for.
    body = page.model_dump_json(exclude={"facets"} if page.facets is None else None)
    return Response(body, media_type="application/json")
