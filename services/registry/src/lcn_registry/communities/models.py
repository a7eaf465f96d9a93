"""The community tables: the golden record, its history and the ids that redirect to it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import BigInteger, Boolean, Column, Computed, Date, DateTime, Double, Identity, Index, Integer, Text
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR
from sqlmodel import Field

from lcn_registry.tables import RegistryTable

# The list-valued controlled fields: searchable with GIN indexes, counted by the facets.
LIST_FIELDS = (
    "kinds",
    "education_levels",
    "topsectors",
    "societal_challenges",
    "key_technologies",
    "learning_functions",
    "learning_forms",
    "problem_categories",
    "target_groups",
    "funding_sources",
)
# The single-valued controlled fields.
SINGLE_FIELDS = ("landsdeel", "province", "phase", "status", "primary_topsector")
# Dutch stemming for name and description; place names are matched as written.
SEARCH_VECTOR = (
    "setweight(to_tsvector('dutch'::regconfig, coalesce(name, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(municipality, '')), 'B') || "
    "setweight(to_tsvector('dutch'::regconfig, coalesce(description, '')), 'C')"
)


def _texts() -> Any:
    """A non-null text array column, empty by default."""
    return Field(default_factory=list, sa_column=Column(ARRAY(Text), nullable=False, server_default="{}"))


class Community(RegistryTable, table=True):
    """The golden record of one learning community, whatever the sources that describe it."""

    __tablename__ = "community"
    __table_args__ = (
        *(Index(f"ix_community_{name}", name, postgresql_using="gin") for name in LIST_FIELDS),
        Index("ix_community_search_vector", "search_vector", postgresql_using="gin"),
        Index("ix_community_name_order", sql_text("lower(name)"), "community_id"),
        Index("ix_community_updated_order", "updated_at", "community_id"),
        Index("ix_community_landsdeel", "landsdeel"),
        Index("ix_community_owner_organisation_id", "owner_organisation_id"),
        # Search: index-only counts by status, keyset pages by created_at, exact municipality in any case.
        Index("ix_community_status", "status"),
        Index("ix_community_created_order", "created_at", "community_id"),
        Index("ix_community_municipality", sql_text("lower(municipality)")),
    )

    community_id: UUID = Field(primary_key=True)
    name: str = Field(sa_column=Column(Text, nullable=False))
    kinds: list[str] = _texts()
    education_levels: list[str] = _texts()
    # Required since the first revision, so (unlike the other lists) without a database default.
    topsectors: list[str] = Field(default_factory=list, sa_column=Column(ARRAY(Text), nullable=False))
    primary_topsector: str | None = Field(default=None, sa_column=Column(Text))
    societal_challenges: list[str] = _texts()
    key_technologies: list[str] = _texts()
    landsdeel: str = Field(sa_column=Column(Text, nullable=False))
    province: str | None = Field(default=None, sa_column=Column(Text))
    municipality: str | None = Field(default=None, sa_column=Column(Text))
    latitude: float | None = Field(default=None, sa_column=Column(Double))
    longitude: float | None = Field(default=None, sa_column=Column(Double))
    learning_functions: list[str] = _texts()
    learning_forms: list[str] = _texts()
    problem_categories: list[str] = _texts()
    target_groups: list[str] = _texts()
    phase: str | None = Field(default=None, sa_column=Column(Text))
    status: str = Field(default="active", sa_column=Column(Text, nullable=False, server_default="active"))
    start_date: date | None = Field(default=None, sa_column=Column(Date))
    end_date: date | None = Field(default=None, sa_column=Column(Date))
    website: str | None = Field(default=None, sa_column=Column(Text))
    description: str | None = Field(default=None, sa_column=Column(Text))
    funding_sources: list[str] = _texts()
    synthetic: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="false"))
    owner_organisation_id: UUID | None = None
    # Field name -> where its value came from: {"origin": "feed:katapult", "external_id": ..., "rule": ...}.
    provenance: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONB, nullable=False, server_default="{}")
    )
    version: int = Field(default=1, sa_column=Column(Integer, nullable=False))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    search_vector: str | None = Field(
        default=None, sa_column=Column(TSVECTOR, Computed(SEARCH_VECTOR, persisted=True), nullable=True)
    )


class CommunityChange(RegistryTable, table=True):
    """One change of a community: who, when, which fields (old and new value), from which source."""

    __tablename__ = "community_change"
    __table_args__ = (Index("ix_community_change_community", "community_id", "change_id"),)

    change_id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(always=True), primary_key=True))
    community_id: UUID = Field(nullable=False)
    version: int = Field(sa_column=Column(Integer, nullable=False))
    change: str = Field(sa_column=Column(Text, nullable=False))
    actor: str = Field(sa_column=Column(Text, nullable=False))
    origin: str = Field(sa_column=Column(Text, nullable=False))
    # Field name -> {"old": value, "new": value}; for memberships and merges, what was linked.
    changes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    changed_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class CommunityRedirect(RegistryTable, table=True):
    """An id that was merged away, and the community it now stands for."""

    __tablename__ = "community_redirect"

    merged_community_id: UUID = Field(primary_key=True)
    community_id: UUID = Field(nullable=False, index=True)
    merged_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
