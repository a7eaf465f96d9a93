"""Organisations and their memberships of communities."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import Boolean, Column, DateTime, Index, Text
from sqlalchemy import text as sql_text
from sqlmodel import Field

from lcn_registry.tables import RegistryTable


class Organisation(RegistryTable, table=True):
    """A partner: a company, school, government, research or branch body, fund or network."""

    __tablename__ = "organisation"
    __table_args__ = (Index("ix_organisation_name_key", "name_key", unique=True),)

    organisation_id: UUID = Field(primary_key=True)
    name: str = Field(sa_column=Column(Text, nullable=False))
    # The normalised name: feeds that spell a partner differently still find the same organisation.
    name_key: str = Field(sa_column=Column(Text, nullable=False))
    type: str = Field(sa_column=Column(Text, nullable=False))
    website: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class Membership(RegistryTable, table=True):
    """An organisation's role in a community; a lead or an editor may change the community."""

    __tablename__ = "membership"
    __table_args__ = (
        Index("ix_membership_organisation", "organisation_id", "community_id"),
        # A community has at most one lead (ADR 0021): a second is refused by the database, whatever the path.
        Index("ix_membership_one_lead", "community_id", unique=True, postgresql_where=sql_text("role = 'lead'")),
    )

    community_id: UUID = Field(primary_key=True, foreign_key="community.community_id")
    organisation_id: UUID = Field(primary_key=True, foreign_key="organisation.organisation_id")
    role: str = Field(sa_column=Column(Text, nullable=False))
    can_edit: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="false"))
    origin: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
