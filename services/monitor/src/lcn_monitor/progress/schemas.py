"""Progress as the API shows it: per indicator and scope the actual, the trajectory's expected value, the target,
the status and the series per period; and the parts any one figure is made of."""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from lcn_monitor.progress.trajectory import Status


class BaselineShown(BaseModel):
    """The baseline the trajectory starts from."""

    value: float
    on: date
    source_note: str


class TargetShown(BaseModel):
    """A target in the scope."""

    value: float
    due_on: date
    source_note: str


class SeriesPoint(BaseModel):
    """The figure for one period (as it stood at the period's end, or today for the running one)."""

    period: str
    starts_on: date
    ends_on: date
    value: float | None
    expected: float | None = Field(description="The trajectory's value at the period's end.")


class Progress(BaseModel):
    """One indicator's progress in one scope, today."""

    indicator: str
    name_nl: str
    name_en: str
    unit: str
    direction: str
    source: str
    aggregation: str
    scope: str
    as_of: date
    actual: float | None = Field(description="The figure today; null for a ratio whose denominator is zero.")
    baseline: BaselineShown | None
    target: TargetShown | None = Field(description="The target worked towards today (the first not yet due).")
    targets: list[TargetShown]
    expected: float | None = Field(description="Where the trajectory says the indicator should be today.")
    status: Status | None = Field(description="Null without a target in this scope.")
    series: list[SeriesPoint]


class ProgressPage(BaseModel):
    """Every indicator's progress in a scope (one page: there are a few dozen indicators)."""

    scope: str
    as_of: date
    data: list[Progress]
    next_cursor: str | None = Field(None, description="Always null: every indicator fits on one page.")


class Part(BaseModel):
    """One part of a figure: a counted report, a programme's observation, the baseline a cumulative figure starts
    from, a community, a landsdeel or an organisation; the parts' values add up to the figure."""

    kind: Literal["report", "observation", "baseline", "community", "landsdeel", "organisation"]
    value: float
    label: str = Field(description="What the part is: a community's name, a landsdeel, an organisation's name.")
    period: str | None = None
    report_id: UUID | None = None
    revision: int | None = Field(None, description="The report's approved revision that counts.")
    source: str | None = None
    community_id: UUID | None = Field(None, description="The community (the survivor, for a report).")
    reported_on: UUID | None = Field(None, description="The community id the report was made on (merged away?).")
    communities: list[UUID] = Field(default_factory=list, description="The communities behind a landsdeel or org.")
    source_note: str | None = None


class Explanation(BaseModel):
    """What one figure is made of, a page of parts at a time; a ratio names its numerator's and denominator's
    figures, each explained on its own."""

    indicator: str
    scope: str
    period: str | None = Field(description="The period explained; null for the figure today.")
    value: float | None
    parts_total: float = Field(description="The sum of every part's value, over all pages: the figure.")
    parts_count: int = Field(description="How many parts there are, over all pages.")
    parts: list[Part]
    next_cursor: str | None
    numerator: RatioTerm | None = None
    denominator: RatioTerm | None = None


class RatioTerm(BaseModel):
    """One side of a ratio: its indicator and figure (ask for its own explanation for the parts)."""

    indicator: str
    value: float | None
