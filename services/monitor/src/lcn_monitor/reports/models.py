"""The report tables: a report per (source, community, period), its revisions, their history, the overdue
notices and the coordinators' choices between reports that would count twice."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from lcn_monitor.tables import MonitorTable

STATES = ("draft", "submitted", "returned", "approved")
PERIOD_KEY = "reporting_period.period_id"


def _figure() -> Any:
    """A reported figure: a whole number, or null when not reported."""
    return Field(default=None, sa_column=Column(BigInteger, nullable=True))


def _at(nullable: bool = False) -> Any:
    """A timestamp with time zone."""
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


def _text(nullable: bool = True) -> Any:
    """A text column."""
    return Field(default=None, sa_column=Column(Text, nullable=nullable))


class Report(MonitorTable, table=True):
    """One source's report on one community for one period; its figures as last approved are what counts."""

    __tablename__ = "report"
    __table_args__ = (
        UniqueConstraint("source", "community_id", "period_id", name="uq_report_source_community_period"),
        CheckConstraint(f"state IN {STATES}", name="state_known"),
        Index("ix_report_period_id", "period_id"),
        Index("ix_report_community_id", "community_id"),
    )

    report_id: UUID = Field(primary_key=True)
    # The community as reported: a merged-away id stays, and counts under its survivor.
    community_id: UUID = Field(sa_column=Column(Uuid, nullable=False))
    period_id: str = Field(sa_column=Column(Text, ForeignKey(PERIOD_KEY, ondelete="RESTRICT"), nullable=False))
    source: str = Field(sa_column=Column(Text, nullable=False))
    # The state of the newest revision; `approved_revision` is the one that counts meanwhile.
    state: str = Field(sa_column=Column(Text, nullable=False))
    revision: int = Field(sa_column=Column(Integer, nullable=False))
    approved_revision: int | None = Field(default=None, sa_column=Column(Integer))
    counted_companies: int | None = _figure()
    counted_students: int | None = _figure()
    counted_employees: int | None = _figure()
    counted_teachers: int | None = _figure()
    counted_new_outputs: int | None = _figure()
    counted_cofinancing_cash_eur: int | None = _figure()
    counted_cofinancing_in_kind_eur: int | None = _figure()
    # Timeliness: on time when first submitted by the end of the period's deadline.
    first_submitted_at: datetime | None = _at(nullable=True)
    approved_at: datetime | None = _at(nullable=True)
    version: int = Field(default=1, sa_column=Column(Integer, nullable=False))
    created_by: str = _text(nullable=False)
    created_at: datetime = _at()
    updated_at: datetime = _at()


class ReportRevision(MonitorTable, table=True):
    """One version of a report's figures and narrative, with where it went in the review."""

    __tablename__ = "report_revision"
    __table_args__ = (CheckConstraint(f"state IN {STATES}", name="state_known"),)

    report_id: UUID = Field(
        sa_column=Column(Uuid, ForeignKey("report.report_id", ondelete="CASCADE"), primary_key=True)
    )
    revision: int = Field(sa_column=Column(Integer, primary_key=True))
    state: str = Field(sa_column=Column(Text, nullable=False))
    companies: int | None = _figure()
    students: int | None = _figure()
    employees: int | None = _figure()
    teachers: int | None = _figure()
    new_outputs: int | None = _figure()
    cofinancing_cash_eur: int | None = _figure()
    cofinancing_in_kind_eur: int | None = _figure()
    results: str | None = _text()
    bottlenecks: str | None = _text()
    solutions: str | None = _text()
    # Why this revision replaces an approved one (a correction).
    correction_reason: str | None = _text()
    # Plausibility warnings found when it was submitted: [{"field", "code", "message", "previous", "value"}].
    warnings: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSONB, nullable=False, server_default="[]")
    )
    return_reason: str | None = _text()
    created_by: str = _text(nullable=False)
    created_at: datetime = _at()
    submitted_by: str | None = _text()
    submitted_at: datetime | None = _at(nullable=True)
    decided_by: str | None = _text()
    decided_at: datetime | None = _at(nullable=True)


class ReportChange(MonitorTable, table=True):
    """The audit trail: every step of every revision (who, when, what changed)."""

    __tablename__ = "report_change"
    __table_args__ = (Index("ix_report_change_report", "report_id", "change_id"),)

    change_id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(always=True), primary_key=True))
    report_id: UUID = Field(sa_column=Column(Uuid, ForeignKey("report.report_id", ondelete="CASCADE"), nullable=False))
    revision: int = Field(sa_column=Column(Integer, nullable=False))
    # created, edited, submitted, returned, approved, correction-started, imported, chosen
    change: str = _text(nullable=False)
    changes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    actor: str = _text(nullable=False)
    changed_at: datetime = _at()


class OverdueNotice(MonitorTable, table=True):
    """A community found late for a period: its primary key is what makes `report.overdue` go out once."""

    __tablename__ = "report_overdue"

    community_id: UUID = Field(sa_column=Column(Uuid, primary_key=True))
    period_id: str = Field(sa_column=Column(Text, ForeignKey(PERIOD_KEY, ondelete="CASCADE"), primary_key=True))
    noticed_at: datetime = _at()


class ConflictChoice(MonitorTable, table=True):
    """A coordinator's choice of the one report that counts when several approved ones cover one community
    (after a merge, or from two sources) for one period."""

    __tablename__ = "report_conflict_choice"

    survivor_id: UUID = Field(sa_column=Column(Uuid, primary_key=True))
    period_id: str = Field(sa_column=Column(Text, ForeignKey(PERIOD_KEY, ondelete="CASCADE"), primary_key=True))
    report_id: UUID = Field(sa_column=Column(Uuid, ForeignKey("report.report_id", ondelete="CASCADE"), nullable=False))
    decided_by: str = _text(nullable=False)
    decided_at: datetime = _at()
