"""Completeness as the API shows it: per period and scope, each expected community's reporting and the totals."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

ReportingState = Literal["on_time", "late", "missing", "pending"]


class ExpectedReport(BaseModel):
    """One community expected to report for the period, and how it did."""

    community_id: UUID
    name: str
    landsdeel: str
    state: ReportingState = Field(
        description="`on_time`: first submitted by the deadline; `late`: after it; `missing`: nothing submitted and "
        "the deadline passed; `pending`: nothing submitted yet, the deadline still to come."
    )
    first_submitted_at: datetime | None
    report_ids: list[UUID]
    overdue_noticed_at: datetime | None = Field(description="When `report.overdue` went out for it, if it did.")


class CompletenessTotals(BaseModel):
    """How many communities are expected, and how they reported."""

    expected: int
    reported: int
    on_time: int
    late: int
    missing: int
    pending: int
    share_reported: float | None = Field(description="Reported / expected; null when none is expected.")
    share_on_time: float | None = Field(description="On time / expected; null when none is expected.")


class Completeness(BaseModel):
    """Who has reported for a period in a scope, who is late, and the share on time; a page of the communities."""

    period: str
    scope: str
    deadline: date
    as_of: date
    reports_required: bool
    totals: CompletenessTotals
    data: list[ExpectedReport]
    next_cursor: str | None
