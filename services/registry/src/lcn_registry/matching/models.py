"""The matching index (blocking keys) and the review queue of uncertain matches."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Column, DateTime, Double, Index, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from lcn_registry.tables import RegistryTable


class MatchKey(RegistryTable, table=True):
    """A blocking key of a golden record: only records sharing a key are ever compared."""

    __tablename__ = "match_key"
    __table_args__ = (Index("ix_match_key_community", "community_id"),)

    block_key: str = Field(sa_column=Column(Text, primary_key=True))
    community_id: UUID = Field(primary_key=True)


class MatchReview(RegistryTable, table=True):
    """Two golden records that may be one community, scored between the thresholds, for a coordinator."""

    __tablename__ = "match_review"
    __table_args__ = (
        Index("ix_match_review_pair", "community_id", "candidate_id", unique=True),
        Index("ix_match_review_state", "state", "created_at"),
    )

    review_id: UUID = Field(primary_key=True)
    community_id: UUID = Field(nullable=False)
    candidate_id: UUID = Field(nullable=False)
    score: float = Field(sa_column=Column(Double, nullable=False))
    explanation: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    state: str = Field(default="open", sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    decided_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    decided_by: str | None = Field(default=None, sa_column=Column(Text))
