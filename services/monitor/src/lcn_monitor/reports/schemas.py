"""Reports as the API reads and writes them: figures, narrative, the workflow's steps, and the public views."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from lcn_monitor.figures import MAX_COUNT, MAX_EUR
from lcn_monitor.periods.schemas import PeriodId

SOURCE_PATTERN = r"^[a-z][a-z0-9-]{1,39}(:[a-z0-9-]{1,40})?$"
DIRECT = "direct"
Source = Annotated[
    str,
    Field(
        pattern=SOURCE_PATTERN,
        description="Who delivers the report: `direct` (the community's own partners) or a programme such as "
        "`katapult`. One report per source, community and period.",
    ),
]
State = Literal["draft", "submitted", "returned", "approved"]
Narrative = Annotated[str, Field(min_length=1, max_length=5000)]
Reason = Annotated[str, Field(min_length=3, max_length=1000)]
STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)

Count = Annotated[StrictInt, Field(ge=0, le=MAX_COUNT)]
Euros = Annotated[StrictInt, Field(ge=0, le=MAX_EUR, description="Whole euros.")]


class Figures(BaseModel):
    """The reported figures of one community for one period; leave out what is not reported."""

    model_config = STRICT

    companies: Count | None = Field(None, description="Companies reached.")
    students: Count | None = Field(None, description="Students reached.")
    employees: Count | None = Field(None, description="Employees reached with training (lifelong learning).")
    teachers: Count | None = Field(None, description="Teachers involved.")
    new_outputs: Count | None = Field(None, description="New or improved curricula, products, modules.")
    cofinancing_cash_eur: Euros | None = Field(None, description="Private co-financing in cash.")
    cofinancing_in_kind_eur: Euros | None = Field(None, description="Private co-financing in kind.")


class NarrativeIn(BaseModel):
    """What happened: the results, the bottlenecks met and the solutions found."""

    model_config = STRICT

    results: Narrative | None = None
    bottlenecks: Narrative | None = None
    solutions: Narrative | None = None


class ReportCreate(BaseModel):
    """A new report, as a draft."""

    model_config = STRICT

    community_id: UUID
    period: PeriodId
    source: Source = DIRECT
    figures: Figures = Field(default_factory=Figures)
    narrative: NarrativeIn = Field(default_factory=NarrativeIn)


class ReportEdit(BaseModel):
    """A merge patch of the draft (or returned) revision: given figures and texts replace the ones there;
    `null` clears one."""

    model_config = STRICT

    figures: Figures | None = None
    narrative: NarrativeIn | None = None


class CorrectionIn(ReportEdit):
    """A correction of an approved report: a new revision, starting from the approved one, with why."""

    reason: Reason


class ReturnIn(BaseModel):
    """Why a coordinator sends a report back."""

    model_config = STRICT

    reason: Reason


class Warning(BaseModel):
    """A plausibility warning: it does not block, and the reviewer sees it."""

    field: str
    code: str
    message: str
    previous: int | None = None
    value: int | None = None


class RevisionPublic(BaseModel):
    """One revision of a report."""

    revision: int
    state: State
    figures: dict[str, int | None]
    narrative: dict[str, str | None]
    correction_reason: str | None
    warnings: list[Warning]
    return_reason: str | None
    created_by: str
    created_at: datetime
    submitted_by: str | None
    submitted_at: datetime | None
    decided_by: str | None
    decided_at: datetime | None


class ReportPublic(BaseModel):
    """A report with every revision, newest last; `counted` is what its indicators add up (the approved one)."""

    report_id: UUID
    community_id: UUID
    counts_under: UUID = Field(description="The community it counts under (the survivor when merged away).")
    period: str
    source: str
    state: State
    revision: int
    approved_revision: int | None
    counted: dict[str, int | None] | None
    first_submitted_at: datetime | None
    on_time: bool | None = Field(description="First submitted by the deadline; null while not submitted.")
    approved_at: datetime | None
    version: int
    created_by: str
    created_at: datetime
    updated_at: datetime
    revisions: list[RevisionPublic]


class ReportSummary(BaseModel):
    """A report in a list (without its revisions)."""

    report_id: UUID
    community_id: UUID
    period: str
    source: str
    state: State
    revision: int
    approved_revision: int | None
    warnings: int = Field(description="Plausibility warnings on the newest revision.")
    first_submitted_at: datetime | None
    updated_at: datetime


class ReportsPublic(BaseModel):
    """A page of reports."""

    data: list[ReportSummary]
    next_cursor: str | None


class ReportChangePublic(BaseModel):
    """One step in a report's audit trail."""

    change_id: int
    revision: int
    change: str
    changes: dict[str, Any]
    actor: str
    changed_at: datetime


class ReportChangesPublic(BaseModel):
    """A page of a report's audit trail, oldest first."""

    data: list[ReportChangePublic]
    next_cursor: str | None
