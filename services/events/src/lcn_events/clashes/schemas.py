"""Clash warnings as the API shows them."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import BaseModel, Field


class ClashSide(BaseModel):
    """One of two clashing occurrences."""

    event_id: UUID
    title: str
    status: str
    occurrence_date: date = Field(
        description="The occurrence's date in its series (its start date for a single event)."
    )
    start_date: date
    end_date: date


class Clash(BaseModel):
    """Two major events on overlapping days for an overlapping audience: a warning, never a refusal."""

    first: ClashSide = Field(description="In a write's answer: the event written.")
    second: ClashSide
    overlap_start: date
    overlap_end: date
    landsdelen: list[str] = Field(description="The landsdelen both reach (a national event reaches every one).")
    topsectors: list[str] = Field(description="The top sectors both name.")


class ClashesPublic(BaseModel):
    """Every clash of a year, by the first day they share."""

    year: int
    data: list[Clash]
