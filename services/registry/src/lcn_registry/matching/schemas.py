"""Reviews and explanations as the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict


class ReviewPublic(BaseModel):
    """A pair of golden records that may be one community, with the score's explanation."""

    model_config = ConfigDict(from_attributes=True)

    review_id: UUID
    community_id: UUID
    candidate_id: UUID
    score: float
    explanation: dict[str, Any]
    state: str
    created_at: datetime
    decided_at: datetime | None
    decided_by: str | None


class MergeRequest(BaseModel):
    """A coordinator's merge of a duplicate into this community."""

    model_config = ConfigDict(extra="forbid")

    community_id: UUID


class Registered(BaseModel):
    """What the duplicate review reads of a `registered` event: which community, and whether the API
    registered it. The rest (the community's whole state) is not parsed: most such events are skipped
    (feed records are matched while they are imported)."""

    community_id: UUID
    origin: str
