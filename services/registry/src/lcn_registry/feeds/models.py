"""Feed sources, the raw records they deliver (lineage), and import jobs with per-record results."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Column, DateTime, Index, Integer, Text
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from lcn_registry.tables import RegistryTable


class SourceRecord(RegistryTable, table=True):
    """What one source says about one community, as delivered, and the golden record it is linked to."""

    __tablename__ = "source_record"
    __table_args__ = (
        Index("ix_source_record_community", "community_id"),
        # The search's `source` filter: an index-only scan instead of reading every record's JSON.
        Index(
            "ix_source_record_active_source",
            "feed_source",
            "community_id",
            postgresql_where=sql_text("state = 'active'"),
        ),
    )

    feed_source: str = Field(sa_column=Column(Text, primary_key=True))
    external_id: str = Field(sa_column=Column(Text, primary_key=True))
    community_id: UUID = Field(nullable=False)
    raw: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    record: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    content_hash: str = Field(sa_column=Column(Text, nullable=False))
    state: str = Field(default="active", sa_column=Column(Text, nullable=False))
    # How the record was linked: the decision, the score and its field-by-field explanation.
    match: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    first_seen_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    last_seen_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    last_job_id: UUID = Field(nullable=False)
    withdrawn_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class ImportJob(RegistryTable, table=True):
    """One delivery of a feed: open while batches arrive, completed when the source says so."""

    __tablename__ = "import_job"
    __table_args__ = (Index("ix_import_job_source", "feed_source", "created_at"),)

    job_id: UUID = Field(primary_key=True)
    feed_source: str = Field(sa_column=Column(Text, nullable=False))
    mode: str = Field(sa_column=Column(Text, nullable=False))
    state: str = Field(default="open", sa_column=Column(Text, nullable=False))
    counts: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    received: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    # The version of the source's mapping its batches are read through (none: the registry's own names).
    mapping_version: int | None = Field(default=None, sa_column=Column(Integer))
    created_by: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    completed_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    # A snapshot that would withdraw too much is held (ADR 0023): when, how many records, and why.
    held_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    held_withdrawals: int | None = Field(default=None, sa_column=Column(Integer))
    hold_reason: str | None = Field(default=None, sa_column=Column(Text))


class FeedMappingVersion(RegistryTable, table=True):
    """One version of a source's mapping: its column names, separators and value spellings (every change adds one)."""

    __tablename__ = "feed_mapping"

    feed_source: str = Field(sa_column=Column(Text, primary_key=True))
    version: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    mapping: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    created_by: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class ImportResult(RegistryTable, table=True):
    """The outcome of one record of a job: added, updated, unchanged or rejected (with the reason)."""

    __tablename__ = "import_result"

    job_id: UUID = Field(primary_key=True)
    position: int = Field(primary_key=True)
    external_id: str | None = Field(default=None, sa_column=Column(Text))
    outcome: str = Field(sa_column=Column(Text, nullable=False))
    reason: str | None = Field(default=None, sa_column=Column(Text))
    community_id: UUID | None = None
    link: str | None = Field(default=None, sa_column=Column(Text))
