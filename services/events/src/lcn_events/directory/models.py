"""The directory: the names of organisations and communities, as the registry's community events tell them."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import Column, DateTime, Integer, Text, Uuid
from sqlmodel import Field

from lcn_events.tables import EventsTable


class KnownCommunity(EventsTable, table=True):
    """A community the registry told of: its name at the newest version seen, and where a merge sent its id."""

    __tablename__ = "community"

    community_id: UUID = Field(primary_key=True)
    name: str = Field(sa_column=Column(Text, nullable=False))
    # 0 for a merged-away id known only from its merge.
    version: int = Field(sa_column=Column(Integer, nullable=False))
    merged_into: UUID | None = Field(default=None, sa_column=Column(Uuid, nullable=True))


class KnownOrganisation(EventsTable, table=True):
    """An organisation the registry named as a member of a community, with its newest name."""

    __tablename__ = "organisation"

    organisation_id: UUID = Field(primary_key=True)
    name: str = Field(sa_column=Column(Text, nullable=False))
    # When the registry's state that gave this name was current: a newer state's name wins.
    named_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
