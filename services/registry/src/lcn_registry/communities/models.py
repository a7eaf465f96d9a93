"""The community family: base fields, create, the table and the public view."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import ConfigDict, field_validator
from sqlalchemy import Column, DateTime, Text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel

from lcn_registry.tables import RegistryTable
from lcn_shared.contracts.vocabulary import CommunityKind, Landsdeel, Topsector


class CommunityBase(SQLModel):
    """Fields a community has wherever it appears."""

    name: str = Field(min_length=2, max_length=200, description="The community's own name.")
    kind: CommunityKind = Field(description="What kind of learning community it is.")
    landsdeel: Landsdeel = Field(description="The Techniekpact region it belongs to.")
    topsectors: list[Topsector] = Field(default_factory=list, max_length=10, description="Top sectors it serves.")


class CommunityCreate(CommunityBase):
    """A community as a partner or coordinator registers it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)  # type: ignore[assignment]

    @field_validator("topsectors")
    @classmethod
    def _distinct(cls, topsectors: list[Topsector]) -> list[Topsector]:
        """Each top sector once."""
        if len(set(topsectors)) != len(topsectors):
            raise ValueError("top sectors must be distinct")
        return topsectors


class Community(RegistryTable, table=True):
    """A registered learning community."""

    __tablename__ = "community"

    community_id: UUID = Field(primary_key=True)
    name: str = Field(sa_column=Column(Text, nullable=False))
    kind: str = Field(sa_column=Column(Text, nullable=False))
    landsdeel: str = Field(sa_column=Column(Text, nullable=False))
    topsectors: list[str] = Field(sa_column=Column(ARRAY(Text), nullable=False))
    owner_organisation_id: UUID | None = None
    version: int = 1
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class CommunityPublic(CommunityBase):
    """A community as the API shows it."""

    community_id: UUID
    owner_organisation_id: UUID | None
    version: int
    created_at: datetime
    updated_at: datetime
