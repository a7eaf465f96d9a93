"""Events the monitor (volgsysteem) publishes: reports moving through their workflow, reports that are late, and
indicators whose progress changed status.

Each carries what a subscriber filters on (landsdeel, top sectors, community, indicator and scope), so notify can
decide who hears of it without asking the monitor.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field

from lcn_shared.contracts.base import EventContract
from lcn_shared.contracts.vocabulary import Landsdeel, Topsector

REPORT_TOPIC = "lcn.monitor.report"
INDICATOR_TOPIC = "lcn.monitor.indicator"
MONITOR_SOURCE = "/lcn/monitor"
IndicatorStatus = Literal["on_track", "at_risk", "off_track", "reached"]


class CommunityFacts(EventContract):
    """An event about a community's reporting, with the community as the monitor knew it then."""

    source: ClassVar[str] = MONITOR_SOURCE
    topic: ClassVar[str] = REPORT_TOPIC

    community_id: UUID = Field(description="The community the report counts under (the survivor of any merge).")
    community_name: str
    landsdeel: Landsdeel
    topsectors: list[Topsector] = Field(default_factory=list)
    period: str = Field(description="The reporting period, such as `2026-H1`.")


class ReportEvent(CommunityFacts):
    """An event in one report's workflow, keyed by the report so its events stay in order."""

    report_id: UUID
    report_source: str = Field(description="Who delivered the report: `direct`, or a programme such as `katapult`.")
    revision: int = Field(description="The report's revision the event is about; a correction has revision 2 or more.")

    def aggregate_id(self) -> str:
        """The report id."""
        return str(self.report_id)


class ReportSubmitted(ReportEvent):
    """A report (or a correction of one) was submitted for a coordinator's review."""

    event_type: ClassVar[str] = "nl.lcn.monitor.report.submitted.v1"
    summary: ClassVar[str] = "A progress report, or a correction of one, was submitted for review."

    submitted_at: datetime
    warnings: list[str] = Field(default_factory=list, description="Plausibility warnings the reviewer will see.")


class ReportApproved(ReportEvent):
    """A coordinator approved a report's revision: its figures count from now on."""

    event_type: ClassVar[str] = "nl.lcn.monitor.report.approved.v1"
    summary: ClassVar[str] = "A coordinator approved a progress report; its figures now count in the indicators."

    approved_at: datetime
    correction: bool = Field(description="True when the revision replaces an earlier approved one.")


class ReportReturned(ReportEvent):
    """A coordinator returned a report to its partner, with the reason."""

    event_type: ClassVar[str] = "nl.lcn.monitor.report.returned.v1"
    summary: ClassVar[str] = "A coordinator returned a submitted progress report to the partner, with a reason."

    returned_at: datetime
    reason: str


class ReportOverdue(CommunityFacts):
    """A community has not reported for a period whose deadline has passed (emitted once per community and period)."""

    event_type: ClassVar[str] = "nl.lcn.monitor.report.overdue.v1"
    summary: ClassVar[str] = "A community's progress report for a period is missing past its deadline (once)."

    deadline: date
    noticed_at: datetime

    def aggregate_id(self) -> str:
        """The community id: a community's reporting events stay in order."""
        return str(self.community_id)


class IndicatorStatusChanged(EventContract):
    """An indicator's progress in one scope moved to another status."""

    source: ClassVar[str] = MONITOR_SOURCE
    topic: ClassVar[str] = INDICATOR_TOPIC

    indicator_key: str
    indicator_name: str = Field(description="The indicator's Dutch name.")
    scope: str = Field(description="`national`, `landsdeel:<code>` or `topsector:<code>`.")
    landsdeel: Landsdeel | None = Field(None, description="The scope's landsdeel, when the scope is one.")
    topsector: Topsector | None = Field(None, description="The scope's top sector, when the scope is one.")
    status: IndicatorStatus
    previous_status: IndicatorStatus | None
    actual: float
    expected: float | None = Field(description="Where the trajectory says the indicator should be today.")
    target: float
    target_date: date
    evaluated_at: datetime

    def aggregate_id(self) -> str:
        """The indicator and scope: one series of statuses."""
        return f"{self.indicator_key}/{self.scope}"


class IndicatorOffTrack(IndicatorStatusChanged):
    """An indicator fell off track in a scope: its actual is too far behind its trajectory."""

    event_type: ClassVar[str] = "nl.lcn.monitor.indicator.off-track.v1"
    summary: ClassVar[str] = "An indicator's actual fell too far behind its trajectory in a scope."


class IndicatorTargetReached(IndicatorStatusChanged):
    """An indicator reached its target in a scope."""

    event_type: ClassVar[str] = "nl.lcn.monitor.indicator.target-reached.v1"
    summary: ClassVar[str] = "An indicator reached its target in a scope."
