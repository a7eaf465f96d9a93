"""A report's rows as values: a new report, a revision, a step of the audit trail, and what submitting changes.

The reports service builds its ORM objects from these; bulk deliveries insert them as they are
(`lcn_shared.db.insert_rows`), since building an ORM object costs more than the rest of a delivered row.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from lcn_monitor.communities.models import CommunityView
from lcn_monitor.figures import FIGURES
from lcn_monitor.reports import plausibility
from lcn_shared.contracts.monitor import ReportSubmitted


@dataclass(frozen=True)
class Previous:
    """The period before the one reported on, and the community's counted figures there (for plausibility)."""

    period: str | None
    figures: Mapping[str, int | None] | None = None


@dataclass(frozen=True)
class Submission:
    """What submitting a revision changes: the revision's columns, the report's, and the audit trail's entry."""

    revision: dict[str, Any]
    report: dict[str, Any]
    changes: dict[str, Any]


@dataclass(frozen=True)
class NewReport:
    """A report submitted at once (a delivered row): its rows, its audit trail and its event."""

    report: dict[str, Any]
    revision: dict[str, Any]
    changes: list[dict[str, Any]]
    event: ReportSubmitted


def changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """Field -> {old, new} for what differs."""
    return {name: {"old": before.get(name), "new": value} for name, value in after.items() if before.get(name) != value}


def report_values(*, community_id: UUID, period_id: str, source: str, actor: str, now: datetime) -> dict[str, Any]:
    """A new report: a draft at revision 1, on the community (a survivor) for the period."""
    return {
        "report_id": uuid.uuid4(),
        "community_id": community_id,
        "period_id": period_id,
        "source": source,
        "state": "draft",
        "revision": 1,
        "version": 1,
        "first_submitted_at": None,
        "created_by": actor,
        "created_at": now,
        "updated_at": now,
    }


def revision_values(
    report_id: UUID, number: int, content: Mapping[str, Any], *, actor: str, now: datetime, reason: str | None = None
) -> dict[str, Any]:
    """A draft revision holding `content` (figures and narrative)."""
    return {
        "report_id": report_id,
        "revision": number,
        "state": "draft",
        "correction_reason": reason,
        "created_by": actor,
        "created_at": now,
        **content,
    }


def change_values(
    report_id: UUID, revision: int, *, change: str, changes: Mapping[str, Any], actor: str, now: datetime
) -> dict[str, Any]:
    """One step of the audit trail."""
    return {
        "report_id": report_id,
        "revision": revision,
        "change": change,
        "changes": dict(changes),
        "actor": actor,
        "changed_at": now,
    }


def submission(
    figures: Mapping[str, int | None],
    previous: Previous,
    *,
    first_submitted_at: datetime | None,
    actor: str,
    now: datetime,
) -> Submission:
    """A revision with `figures` submitted: its plausibility warnings against the previous period, and the report's
    first submission (for timeliness)."""
    warnings = plausibility.warnings(figures, previous.figures, previous_period=previous.period)
    return Submission(
        revision={
            "warnings": warnings,
            "state": "submitted",
            "submitted_at": now,
            "submitted_by": actor,
            "return_reason": None,
        },
        report={"state": "submitted", "first_submitted_at": first_submitted_at or now},
        changes={"warnings": warnings},
    )


def facts(community: CommunityView, report: Mapping[str, Any]) -> dict[str, Any]:
    """What every report event says about the report (its columns) and its community."""
    return {
        "report_id": report["report_id"],
        "report_source": report["source"],
        "revision": report["revision"],
        "community_id": community.survivor_id,
        "community_name": community.name,
        "landsdeel": community.landsdeel,
        "topsectors": community.topsectors,
        "period": report["period_id"],
    }


def submitted_event(
    community: CommunityView, report: Mapping[str, Any], *, warnings: list[dict[str, Any]], now: datetime
) -> ReportSubmitted:
    """`report.submitted`, with the codes of the revision's warnings."""
    return ReportSubmitted(
        **facts(community, report), submitted_at=now, warnings=[warning["code"] for warning in warnings]
    )


def submitted_report(
    *,
    community: CommunityView,
    period_id: str,
    source: str,
    content: Mapping[str, Any],
    previous: Previous,
    actor: str,
    now: datetime,
) -> NewReport:
    """A new report created and submitted in one step, as the API's create and submit would leave it."""
    report = report_values(
        community_id=community.community_id, period_id=period_id, source=source, actor=actor, now=now
    )
    revision = revision_values(report["report_id"], 1, content, actor=actor, now=now)
    figures: dict[str, int | None] = {name: content.get(name) for name in FIGURES}
    done = submission(figures, previous, first_submitted_at=None, actor=actor, now=now)
    report |= done.report
    revision |= done.revision
    steps = [("created", changed({}, content)), ("submitted", done.changes)]
    trail = [
        change_values(report["report_id"], 1, change=change, changes=changes, actor=actor, now=now)
        for change, changes in steps
    ]
    event = submitted_event(community, report, warnings=revision["warnings"], now=now)
    return NewReport(report=report, revision=revision, changes=trail, event=event)
