"""`GET /v1/me` on every service: who a key speaks for (and a quick check that a key still works)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from lcn_shared.auth.dependencies import require
from lcn_shared.auth.keys import Principal, Role
from lcn_shared.problems import problem_responses

router = APIRouter(tags=["auth"])


class PrincipalPublic(BaseModel):
    """The caller as the presented key identifies it."""

    key_id: str
    role: Role
    organisation_id: UUID | None = None
    organisation_name: str | None = None
    feed_source: str | None = None


@router.get("/me", response_model=PrincipalPublic, responses=problem_responses(401))
async def me(principal: Annotated[Principal, Depends(require(*Role))]) -> PrincipalPublic:
    """The key's role and the organisation or feed source it speaks for; 401 once it is revoked."""
    return PrincipalPublic(
        key_id=principal.key_id,
        role=principal.role,
        organisation_id=principal.organisation_id,
        organisation_name=principal.organisation_name,
        feed_source=principal.feed_source,
    )
