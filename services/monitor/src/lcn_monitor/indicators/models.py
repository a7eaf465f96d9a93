"""The indicator tables: definitions, baselines, targets, observations, their history and the last status seen."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from lcn_monitor.tables import MonitorTable

INDICATOR_KEY = "indicator.key"


def _indicator_key() -> Any:
    """The indicator a row belongs to (part of its key); gone with the indicator."""
    return Field(sa_column=Column(Text, ForeignKey(INDICATOR_KEY, ondelete="CASCADE"), primary_key=True))


def _scope() -> Any:
    """`national`, `landsdeel:<code>` or `topsector:<code>` (part of the row's key)."""
    return Field(sa_column=Column(Text, primary_key=True))


def _moment() -> Any:
    """A non-null timestamp with time zone."""
    return Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class Indicator(MonitorTable, table=True):
    """What is measured, where its figure comes from and how it adds up."""

    __tablename__ = "indicator"
    __table_args__ = (
        CheckConstraint("source IN ('registry', 'reports', 'ratio')", name="source_known"),
        CheckConstraint("direction IN ('higher', 'lower')", name="direction_known"),
        CheckConstraint("unit IN ('count', 'eur', 'ratio')", name="unit_known"),
        CheckConstraint("aggregation IN ('count', 'cumulative', 'per_period', 'ratio')", name="aggregation_known"),
    )

    key: str = Field(sa_column=Column(Text, primary_key=True))
    name_nl: str = Field(sa_column=Column(Text, nullable=False))
    name_en: str = Field(sa_column=Column(Text, nullable=False))
    description: str | None = Field(default=None, sa_column=Column(Text))
    unit: str = Field(sa_column=Column(Text, nullable=False))
    direction: str = Field(sa_column=Column(Text, nullable=False))
    source: str = Field(sa_column=Column(Text, nullable=False))
    aggregation: str = Field(sa_column=Column(Text, nullable=False))
    # How the source makes the figure (lcn_monitor.indicators.schemas: a registry measure, report fields, a ratio).
    definition: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    # How far behind its trajectory the actual may be, as a share of the way from baseline to target, and be
    # "at risk" rather than "off track".
    tolerance: float = Field(default=0.1, sa_column=Column(Double, nullable=False, server_default="0.1"))
    version: int = Field(default=1, sa_column=Column(Integer, nullable=False))
    created_at: datetime = _moment()
    updated_at: datetime = _moment()


class Baseline(MonitorTable, table=True):
    """Where an indicator stood in a scope at a date, and where that number comes from."""

    __tablename__ = "indicator_baseline"

    indicator_key: str = _indicator_key()
    scope: str = _scope()
    value: float = Field(sa_column=Column(Double, nullable=False))
    on: date = Field(sa_column=Column(Date, nullable=False))
    source_note: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = _moment()


class Target(MonitorTable, table=True):
    """Where an indicator should be in a scope by a date; the trajectory to it, when it is not a straight line."""

    __tablename__ = "indicator_target"

    indicator_key: str = _indicator_key()
    scope: str = _scope()
    due_on: date = Field(sa_column=Column(Date, primary_key=True))
    value: float = Field(sa_column=Column(Double, nullable=False))
    source_note: str = Field(sa_column=Column(Text, nullable=False))
    # Points [{"on": "2021-12-31", "value": 10}, ...] between the baseline and this target; empty means linear.
    trajectory: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSONB, nullable=False, server_default="[]")
    )
    updated_at: datetime = _moment()


class Observation(MonitorTable, table=True):
    """A figure reported for a scope as a whole, not per community (a programme's own total for a period)."""

    __tablename__ = "indicator_observation"

    indicator_key: str = _indicator_key()
    scope: str = _scope()
    period_id: str = Field(
        sa_column=Column(Text, ForeignKey("reporting_period.period_id", ondelete="RESTRICT"), primary_key=True)
    )
    value: float = Field(sa_column=Column(Double, nullable=False))
    source_note: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = _moment()


class IndicatorChange(MonitorTable, table=True):
    """One change to an indicator, its baselines, targets or observations: who, when, what (old and new)."""

    __tablename__ = "indicator_change"
    __table_args__ = (Index("ix_indicator_change_indicator", "indicator_key", "change_id"),)

    change_id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(always=True), primary_key=True))
    # Not a foreign key: the history of a removed indicator stays.
    indicator_key: str = Field(sa_column=Column(Text, nullable=False))
    part: str = Field(sa_column=Column(Text, nullable=False))  # indicator, baseline, target, observation
    scope: str | None = Field(default=None, sa_column=Column(Text))
    change: str = Field(sa_column=Column(Text, nullable=False))  # created, changed, removed
    # Field name -> {"old": value, "new": value}; a target or observation adds what identifies it.
    changes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    actor: str = Field(sa_column=Column(Text, nullable=False))
    changed_at: datetime = _moment()


class IndicatorStatus(MonitorTable, table=True):
    """The status last evaluated for an indicator in a scope: a change of it is what emits an event."""

    __tablename__ = "indicator_status"

    indicator_key: str = _indicator_key()
    scope: str = _scope()
    status: str = Field(sa_column=Column(Text, nullable=False))
    actual: float = Field(sa_column=Column(Double, nullable=False))
    expected: float | None = Field(default=None, sa_column=Column(Double))
    evaluated_at: datetime = _moment()
