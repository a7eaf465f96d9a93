"""The reporting periods: when each starts and ends, when its reports are due, and when it locks."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Column, Date, DateTime, Integer, Text
from sqlmodel import Field

from lcn_monitor.tables import MonitorTable


class ReportingPeriod(MonitorTable, table=True):
    """A period partners report over (a half-year by default), named like `2026-H1`."""

    __tablename__ = "reporting_period"
    __table_args__ = (
        CheckConstraint(
            "starts_on <= ends_on AND ends_on <= deadline AND deadline <= closes_on", name="dates_in_order"
        ),
    )

    period_id: str = Field(sa_column=Column(Text, primary_key=True))
    starts_on: date = Field(sa_column=Column(Date, nullable=False))
    ends_on: date = Field(sa_column=Column(Date, nullable=False))
    # Reports are due by the deadline (on time when first submitted by the end of that day); after the close
    # date the period is locked, except for a coordinator's correction.
    deadline: date = Field(sa_column=Column(Date, nullable=False))
    closes_on: date = Field(sa_column=Column(Date, nullable=False))
    # Whether every active community must report (a missing report is then late, and noticed once).
    reports_required: bool = Field(default=True, sa_column=Column(Boolean, nullable=False, server_default="true"))
    version: int = Field(default=1, sa_column=Column(Integer, nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
