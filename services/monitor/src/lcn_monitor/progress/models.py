"""The figures' version: one counter that every change to what a figure is made of moves on (a trigger per table,
migration c3f5a7b90008), so that computed figures can be kept until it moves."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Column
from sqlmodel import Field

from lcn_monitor.tables import MonitorTable

# The tables a figure is computed from; a statement changing any of them moves the version on.
FIGURE_SOURCES = (
    "community",
    "report",
    "report_conflict_choice",
    "reporting_period",
    "indicator",
    "indicator_baseline",
    "indicator_target",
    "indicator_observation",
)


class FiguresVersion(MonitorTable, table=True):
    """The single row holding the figures' version."""

    __tablename__ = "figures_version"
    __table_args__ = (CheckConstraint("singleton", name="one_row"),)

    singleton: bool = Field(default=True, sa_column=Column(Boolean, primary_key=True, server_default="true"))
    version: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
