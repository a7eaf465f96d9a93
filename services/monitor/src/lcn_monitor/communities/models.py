"""The community read model: the table and its public view."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import field_validator
from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, Integer, Text, Uuid, func
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field, SQLModel

from lcn_monitor.tables import MonitorTable


def _text_list() -> Any:
    """A non-null text[] column that defaults to empty."""
    return Field(default_factory=list, sa_column=Column(ARRAY(Text), nullable=False, server_default="{}"))


class CommunityView(MonitorTable, table=True):
    """A community as projected from the registry's events."""

    __tablename__ = "community"
    # Listings read only the communities not merged away, by name.
    __table_args__ = (
        Index("ix_community_listed_name", "name", "community_id", postgresql_where=sql_text("merged_into IS NULL")),
        Index("ix_community_survivor_id", "survivor_id"),
        # The self-reference's check when rows go (a rebuild empties the table) looks rows up by `merged_into`:
        # without an index each deleted row scanned the whole table.
        Index("ix_community_merged_into", "merged_into", postgresql_where=sql_text("merged_into IS NOT NULL")),
    )

    community_id: UUID = Field(primary_key=True)
    name: str = Field(sa_column=Column(Text, nullable=False))
    kind: str = Field(sa_column=Column(Text, nullable=False), description="The first of `kinds`, kept for v1 readers.")
    kinds: list[str] = _text_list()
    landsdeel: str = Field(sa_column=Column(Text, nullable=False))
    province: str | None = Field(default=None, sa_column=Column(Text))
    municipality: str | None = Field(default=None, sa_column=Column(Text))
    topsectors: list[str] = Field(sa_column=Column(ARRAY(Text), nullable=False))
    primary_topsector: str | None = Field(default=None, sa_column=Column(Text))
    key_technologies: list[str] = _text_list()
    education_levels: list[str] = _text_list()
    status: str = Field(default="active", sa_column=Column(Text, nullable=False, server_default="active"))
    phase: str | None = Field(default=None, sa_column=Column(Text))
    start_date: date | None = Field(default=None, sa_column=Column(Date))
    end_date: date | None = Field(default=None, sa_column=Column(Date))
    owner_organisation_id: UUID | None = None
    # Organisation id -> {name, type, role, can_edit}; a JSONB map on the row (why: see the migration c3f5a7b90002).
    partners: dict[str, dict[str, Any]] = Field(
        default_factory=dict, sa_column=Column(JSONB, nullable=False, server_default="{}")
    )
    version: int = Field(default=1, sa_column=Column(Integer, nullable=False, server_default="1"))
    merged_into: UUID | None = Field(
        default=None, sa_column=Column(Uuid, ForeignKey("community.community_id"), nullable=True)
    )
    # The end of the merge chain (the row itself until merged away): reports and figures count under it, so
    # a community known by two ids is counted once (kept flat by the merge projection, read with no recursion).
    survivor_id: UUID = Field(sa_column=Column(Uuid, nullable=False))
    registered_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))

    last_event_id: str = Field(sa_column=Column(Text, nullable=False))
    # clock_timestamp, not now(): the moment the projection ran, used to measure propagation.
    projected_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.clock_timestamp())
    )


class PartnerPublic(SQLModel):
    """An organisation taking part in a community."""

    organisation_id: UUID
    name: str
    type: str
    role: str | None
    can_edit: bool = False


class CommunityViewPublic(SQLModel):
    """A community as the monitor's API shows it."""

    community_id: UUID
    name: str
    kind: str
    kinds: list[str]
    landsdeel: str
    province: str | None
    municipality: str | None
    topsectors: list[str]
    primary_topsector: str | None
    key_technologies: list[str]
    education_levels: list[str]
    status: str
    phase: str | None
    start_date: date | None
    end_date: date | None
    owner_organisation_id: UUID | None
    partners: list[PartnerPublic]
    version: int
    registered_at: datetime
    updated_at: datetime
    projected_at: datetime

    @field_validator("partners", mode="before")
    @classmethod
    def _partner_list(cls, partners: Any) -> Any:
        """The stored map by organisation id becomes a list ordered by name."""
        if not isinstance(partners, dict):
            return partners
        listed = [{"organisation_id": organisation_id, **partner} for organisation_id, partner in partners.items()]
        return sorted(listed, key=lambda partner: (partner["name"].casefold(), partner["organisation_id"]))


class CommunityViewsPublic(SQLModel):
    """A page of communities."""

    data: list[CommunityViewPublic]
    count: int
