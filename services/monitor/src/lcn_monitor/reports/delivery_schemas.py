"""Bulk deliveries of reports as the API reads and answers them: one row per community and period, and what
became of each row."""

from __future__ import annotations

from typing import Any, Literal, get_args
from uuid import UUID

from pydantic import BaseModel, Field

from lcn_monitor.periods.schemas import PeriodId
from lcn_monitor.reports.schemas import STRICT, Figures, NarrativeIn

Outcome = Literal["added", "updated", "unchanged", "rejected"]
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)


class ReportKey(BaseModel):
    """Which community and period a row reports on."""

    model_config = STRICT

    community_id: UUID = Field(description="The community as the monitor knows it (a merged-away id counts too).")
    period: PeriodId


# Bases in this order so that the key comes first, then the figures, then the narrative (in documents too).
class ReportRow(NarrativeIn, Figures, ReportKey):
    """One row of a delivery: a community's figures and narrative for one period, as the programme submits them.

    Leave out (or leave empty) what is not reported; a row is the whole report, so a figure left out clears one
    delivered before."""

    model_config = STRICT


ROW_FIELDS: tuple[str, ...] = tuple(ReportRow.model_fields)


class RowResult(BaseModel):
    """What became of one row of a delivery."""

    position: int = Field(description="The row's place in the delivery, from 1 (CSV: not counting the header).")
    community_id: UUID | None = Field(description="The community as the row gives it, when it could be read.")
    period: str | None = Field(description="The period as the row gives it, when it could be read.")
    outcome: Outcome
    reason: str | None = Field(
        None, description="Why the row was rejected; for an unchanged returned report, why it was returned."
    )
    report_id: UUID | None = Field(None, description="The report the row added, updated or left unchanged.")


class DeliveryCounts(BaseModel):
    """How many rows had each outcome."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0


class DeliveryPublic(BaseModel):
    """The answer to a delivery: the source it was made under, the counts, and every row's result in order."""

    source: str
    received: int = Field(description="Rows in the delivery.")
    counts: DeliveryCounts
    results: list[RowResult]


def row_schema() -> dict[str, Any]:
    """The row's JSON Schema, inline in the request body's documentation (it has no nested models)."""
    return ReportRow.model_json_schema()
