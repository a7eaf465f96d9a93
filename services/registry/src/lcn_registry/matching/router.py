"""HTTP endpoints of entity resolution: the review queue, merges and explanations."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from lcn_registry.communities import service as communities
from lcn_registry.communities.router import CommunityId
from lcn_registry.communities.schemas import CommunityPublic
from lcn_registry.matching import service
from lcn_registry.matching.schemas import MergeRequest, ReviewPublic, ReviewsPublic
from lcn_shared.auth import Principal, Role, require
from lcn_shared.db import SessionDep
from lcn_shared.problems import problem_responses

router = APIRouter(tags=["matching"])
PROBLEMS = problem_responses(401, 403, 404, 409, 422)
MERGE_PROBLEMS = problem_responses(308, 401, 403, 404, 409, 422)
Coordinator = Annotated[Principal, Depends(require(Role.COORDINATOR))]


@router.get("/matching/reviews", response_model=ReviewsPublic, responses=problem_responses(400, 422))
async def list_reviews(
    session: SessionDep,
    state: Annotated[Literal["open", "accepted", "rejected", "superseded"] | None, Query()] = "open",
    cursor: Annotated[str | None, Query(max_length=400, description="`next_cursor` of the previous page.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> ReviewsPublic:
    """Pairs that may be one community, most likely first, each with its field-by-field explanation."""
    reviews, next_cursor = await service.list_reviews(session, state=state, cursor=cursor, limit=limit)
    return ReviewsPublic(data=[ReviewPublic.model_validate(review) for review in reviews], next_cursor=next_cursor)


@router.post("/matching/reviews/{review_id}/accept", response_model=ReviewPublic, responses=PROBLEMS)
async def accept_review(review_id: UUID, session: SessionDep, principal: Coordinator) -> ReviewPublic:
    """They are one community: merge the newer record into the older one, whose id stays."""
    review = await service.decide_review(session, review_id=review_id, accept=True, actor=principal.actor)
    return ReviewPublic.model_validate(review)


@router.post("/matching/reviews/{review_id}/reject", response_model=ReviewPublic, responses=PROBLEMS)
async def reject_review(review_id: UUID, session: SessionDep, principal: Coordinator) -> ReviewPublic:
    """They are different communities: keep both, and never propose this pair again."""
    review = await service.decide_review(session, review_id=review_id, accept=False, actor=principal.actor)
    return ReviewPublic.model_validate(review)


# A merged-away survivor id redirects (308) to the community it now stands for, as every community path does.
@router.post("/communities/{community_id}/merges", response_model=CommunityPublic, responses=MERGE_PROBLEMS)
async def merge_into(
    community_id: CommunityId, data: MergeRequest, session: SessionDep, principal: Coordinator
) -> CommunityPublic:
    """Merge a duplicate (`duplicate_id`) into this community; the duplicate's id redirects here from now on.
    A repeated merge, or one of a community merged elsewhere already, is a 409 naming where it went."""
    survivor = await service.merge_communities(
        session, survivor_id=community_id, merged_id=data.duplicate_id, actor=principal.actor, reason="manual"
    )
    return communities.public(survivor)


@router.get("/matching/explain", responses=PROBLEMS)
async def explain(
    session: SessionDep, community_id: Annotated[UUID, Query()], other_id: Annotated[UUID, Query()]
) -> dict[str, Any]:
    """How alike two communities are, field by field: each field's level and its weight in bits."""
    return await service.explain_pair(session, community_id=community_id, other_id=other_id)
