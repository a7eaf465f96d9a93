"""Reporting periods as the API reads and writes them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

PERIOD_PATTERN = r"^[0-9]{4}-[A-Z0-9]{1,8}$"
PeriodId = Annotated[str, Field(pattern=PERIOD_PATTERN, description="A year and a part, such as `2026-H1`.")]
PeriodDate = Annotated[date, Field(ge=date(1990, 1, 1), le=date(2100, 12, 31))]
STRICT = ConfigDict(extra="forbid")


class PeriodDates(BaseModel):
    """The dates of a period, in order: it starts, ends, its reports are due, and it locks."""

    starts_on: PeriodDate
    ends_on: PeriodDate
    deadline: PeriodDate
    closes_on: PeriodDate

    @model_validator(mode="after")
    def _in_order(self) -> Self:
        """Start <= end <= deadline <= close."""
        if not self.starts_on <= self.ends_on <= self.deadline <= self.closes_on:
            raise ValueError("a period starts, ends, is due and closes in that order")
        return self


class PeriodCreate(PeriodDates):
    """A new reporting period."""

    model_config = STRICT

    period_id: PeriodId
    reports_required: StrictBool = Field(True, description="Whether every active community must report for it.")


class PeriodUpdate(BaseModel):
    """A merge patch of a period's dates and obligation; the dates must stay in order."""

    model_config = STRICT

    starts_on: PeriodDate | None = None
    ends_on: PeriodDate | None = None
    deadline: PeriodDate | None = None
    closes_on: PeriodDate | None = None
    reports_required: StrictBool | None = None


class PeriodPublic(PeriodDates):
    """A reporting period."""

    period_id: str
    reports_required: bool
    version: int
    updated_at: datetime


class PeriodsPublic(BaseModel):
    """Every reporting period (a few dozen: one page)."""

    data: list[PeriodPublic]
    next_cursor: str | None = Field(None, description="Always null: every period fits on one page.")
