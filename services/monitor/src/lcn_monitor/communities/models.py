"""The community read model: the table and its public view."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import Column, DateTime, Text, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel

from lcn_monitor.tables import MonitorTable


class CommunityView(MonitorTable, table=True):
    """A community as projected from the registry's events."""

    __tablename__ = "community"

    community_id: UUID = Field(primary_key=True)
    name: str = Field(sa_column=Column(Text, nullable=False))
    kind: str = Field(sa_column=Column(Text, nullable=False))
    landsdeel: str = Field(sa_column=Column(Text, nullable=False))
    topsectors: list[str] = Field(sa_column=Column(ARRAY(Text), nullable=False))
    owner_organisation_id: UUID | None = None
    registered_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))

    last_event_id: str = Field(sa_column=Column(Text, nullable=False))
    # clock_timestamp, not now(): the moment the projection ran, used to measure propagation.
    projected_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.clock_timestamp())
    )


class CommunityViewPublic(SQLModel):
    """A community as the monitor's API shows it."""

    community_id: UUID
    name: str
    kind: str
    landsdeel: str
    topsectors: list[str]
    owner_organisation_id: UUID | None
    registered_at: datetime
    projected_at: datetime


class CommunityViewsPublic(SQLModel):
    """A page of communities."""

    data: list[CommunityViewPublic]
    count: int
