"""Reviews and explanations as the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator


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


class ReviewsPublic(BaseModel):
    """A page of reviews, most likely pairs first; `next_cursor` is null on the last page."""

    data: list[ReviewPublic]
    next_cursor: str | None


class MergeRequest(BaseModel):
    """A coordinator's merge of a duplicate into this community (the one in the path, which survives)."""

    model_config = ConfigDict(extra="forbid")

    duplicate_id: UUID = Field(description="The community that is merged away; its id redirects to the survivor.")

    @model_validator(mode="before")
    @classmethod
    def _renamed_field(cls, data: Any) -> Any:
        """The field was called `community_id` until 0.1: name it now, not only refuse it as extra."""
        if isinstance(data, dict) and "community_id" in data and "duplicate_id" not in data:
            raise ValueError("`community_id` is now `duplicate_id`: the community that is merged into this one")
        return data


class Registered(BaseModel):
    """What the duplicate review reads of a `registered` event: which community, and whether the API
    registered it. The rest (the community's whole state) is not parsed: most such events are skipped
    (feed records are matched while they are imported)."""

    community_id: UUID
    origin: str
