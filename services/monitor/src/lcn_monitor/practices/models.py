"""The good-practice tables: the practice (with its Dutch search vector) and its history."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Computed,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Text,
    Uuid,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR
from sqlmodel import Field

from lcn_monitor.tables import MonitorTable

# Who decides what the public sees: `submitted` until a coordinator publishes, features or hides it.
CURATION_STATES = ("submitted", "published", "featured", "hidden")
PUBLIC_STATES = ("published", "featured")
# The controlled list columns: filtered with `&&` (GIN indexes) and counted by the facets.
CODE_COLUMNS = ("problem_categories", "success_factors", "learning_functions", "target_groups")
# Dutch stemming; the title weighs most, so a title hit ranks above one in the summary or the lessons.
SEARCH_VECTOR = (
    "setweight(to_tsvector('dutch'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('dutch'::regconfig, coalesce(summary, '')), 'B') || "
    "setweight(to_tsvector('dutch'::regconfig, coalesce(lessons_learned, '')), 'B')"
)


def _texts() -> Any:
    """A non-null text array column, empty by default."""
    return Field(default_factory=list, sa_column=Column(ARRAY(Text), nullable=False, server_default="{}"))


def _text(nullable: bool = False) -> Any:
    """A text column."""
    return Field(default=None, sa_column=Column(Text, nullable=nullable))


def _at(nullable: bool = False) -> Any:
    """A timestamp with time zone."""
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


class Practice(MonitorTable, table=True):
    """A good practice of one community: the problems it addresses, the must-haves it shows, what was learned."""

    __tablename__ = "practice"
    __table_args__ = (
        CheckConstraint(f"curation IN {CURATION_STATES}", name="curation_known"),
        Index("ix_practice_community_id", "community_id"),
        Index("ix_practice_created_order", "created_at", "practice_id"),
        Index("ix_practice_search_vector", "search_vector", postgresql_using="gin"),
        Index("ix_practice_indicator_keys", "indicator_keys", postgresql_using="gin"),
        *(Index(f"ix_practice_{name}", name, postgresql_using="gin") for name in CODE_COLUMNS),
    )

    practice_id: UUID = Field(primary_key=True)
    # The community as written: a merged-away id stays, and the practice counts under its survivor.
    community_id: UUID = Field(sa_column=Column(Uuid, nullable=False))
    title: str = _text()
    summary: str = _text()
    lessons_learned: str = _text()
    link: str | None = _text(nullable=True)
    problem_categories: list[str] = _texts()
    success_factors: list[str] = _texts()
    learning_functions: list[str] = _texts()
    target_groups: list[str] = _texts()
    indicator_keys: list[str] = _texts()
    curation: str = Field(default="submitted", sa_column=Column(Text, nullable=False, server_default="submitted"))
    curation_note: str | None = _text(nullable=True)
    curated_by: str | None = _text(nullable=True)
    curated_at: datetime | None = _at(nullable=True)
    # The version a coordinator last curated: a later edit shows as `changed_since_curation`.
    curated_version: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    version: int = Field(default=1, sa_column=Column(Integer, nullable=False))
    created_by: str = _text()
    created_at: datetime = _at()
    updated_by: str = _text()
    updated_at: datetime = _at()
    search_vector: str | None = Field(
        default=None, sa_column=Column(TSVECTOR, Computed(SEARCH_VECTOR, persisted=True), nullable=True)
    )


class PracticeChange(MonitorTable, table=True):
    """One change of a practice: who, when, to which version, which fields (old and new)."""

    __tablename__ = "practice_change"
    __table_args__ = (Index("ix_practice_change_practice", "practice_id", "change_id"),)

    change_id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(always=True), primary_key=True))
    practice_id: UUID = Field(
        sa_column=Column(Uuid, ForeignKey("practice.practice_id", ondelete="CASCADE"), nullable=False)
    )
    version: int = Field(sa_column=Column(Integer, nullable=False))
    change: str = _text()  # created, edited, curated
    # Field name -> {"old": value, "new": value}.
    changes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    actor: str = _text()
    changed_at: datetime = _at()
