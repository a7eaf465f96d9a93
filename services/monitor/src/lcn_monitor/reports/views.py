"""Reports as the API shows them: every revision, what counts, and whether it came in on time."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_monitor.communities import repository as communities
from lcn_monitor.figures import FIGURES
from lcn_monitor.periods import repository as periods
from lcn_monitor.periods import service as period_rules
from lcn_monitor.reports import repository
from lcn_monitor.reports.models import Report, ReportRevision
from lcn_monitor.reports.schemas import ReportPublic, RevisionPublic
from lcn_monitor.reports.service import NARRATIVE, figures_of


def revision_view(revision: ReportRevision) -> RevisionPublic:
    """One revision."""
    return RevisionPublic.model_validate(
        revision.model_dump()
        | {"figures": figures_of(revision), "narrative": {name: getattr(revision, name) for name in NARRATIVE}}
    )


async def report_view(session: AsyncSession, report: Report) -> ReportPublic:
    """The report with its revisions, what counts and where (three small queries)."""
    revisions = await repository.revisions(session, report.report_id)
    period = await periods.get(session, report.period_id)
    community = await communities.get(session, report.community_id)
    counted = (
        {name: getattr(report, f"counted_{name}") for name in FIGURES} if report.approved_revision is not None else None
    )
    on_time = (
        period_rules.on_time(period, report.first_submitted_at)
        if period is not None and report.first_submitted_at is not None
        else None
    )
    return ReportPublic.model_validate(
        report.model_dump()
        | {
            "period": report.period_id,
            "counts_under": community.survivor_id if community is not None else report.community_id,
            "counted": counted,
            "on_time": on_time,
            "revisions": [revision_view(revision) for revision in revisions],
        }
    )
