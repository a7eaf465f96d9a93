"""The report workflow: draft -> submitted -> returned (with a reason) or approved by a coordinator; a correction
of an approved report is a new revision, and the approved one counts until the correction is approved.

Only an organisation that leads the community or may edit it (as the registry's membership events say) reports
for it; coordinators decide. A period is locked after its close date, except for a coordinator's correction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_monitor.communities import service as communities
from lcn_monitor.communities.models import CommunityView
from lcn_monitor.figures import FIGURES
from lcn_monitor.periods import repository as periods
from lcn_monitor.periods import service as period_rules
from lcn_monitor.periods.models import ReportingPeriod
from lcn_monitor.reports import repository, rows
from lcn_monitor.reports.models import Report, ReportChange, ReportRevision
from lcn_monitor.reports.rows import Previous, changed
from lcn_monitor.reports.schemas import NarrativeIn, ReportCreate, ReportEdit
from lcn_shared.auth import Principal, Role
from lcn_shared.contracts.monitor import ReportApproved, ReportReturned
from lcn_shared.messaging.outbox import record_event
from lcn_shared.problems import Conflict, Forbidden, NotFound, PreconditionFailed, UnprocessableContent

NARRATIVE = ("results", "bottlenecks", "solutions")
EDITABLE = ("draft", "returned")


def is_coordinator(principal: Principal) -> bool:
    """Coordinators and admins decide on reports and may correct locked periods."""
    return principal.role in (Role.COORDINATOR, Role.ADMIN)


async def period_of(session: AsyncSession, period_id: str) -> ReportingPeriod:
    """The reporting period; a 422 when there is none (it is named in the request's body)."""
    period = await periods.get(session, period_id)
    if period is None:
        raise UnprocessableContent(f"No reporting period {period_id!r}; see /v1/periods.")
    return period


def check_open(period: ReportingPeriod, principal: Principal, now: datetime) -> None:
    """Conflict when the period is locked and the principal is not a coordinator."""
    if period_rules.is_locked(period, now) and not is_coordinator(principal):
        raise Conflict(f"Period {period.period_id} closed on {period.closes_on}; only a coordinator corrects it now.")


def record_change(
    session: AsyncSession, report: Report, *, change: str, changes: Mapping[str, Any], actor: str, now: datetime
) -> None:
    """Stage one step of the audit trail."""
    values = rows.change_values(report.report_id, report.revision, change=change, changes=changes, actor=actor, now=now)
    session.add(ReportChange(**values))


def figures_of(revision: ReportRevision) -> dict[str, int | None]:
    """A revision's figures by name."""
    return {name: getattr(revision, name) for name in FIGURES}


def content_of(revision: ReportRevision) -> dict[str, Any]:
    """A revision's figures and narrative: what an edit or a delivery changes."""
    return figures_of(revision) | {name: getattr(revision, name) for name in NARRATIVE}


def new_revision(
    report: Report, number: int, content: Mapping[str, Any], *, actor: str, now: datetime, reason: str | None = None
) -> ReportRevision:
    """A draft revision holding `content`."""
    return ReportRevision(
        **rows.revision_values(report.report_id, number, content, actor=actor, now=now, reason=reason)
    )


def content_from(figures: Mapping[str, Any], narrative: NarrativeIn | Mapping[str, Any]) -> dict[str, Any]:
    """Figures and narrative as the revision's columns."""
    texts = narrative.model_dump() if isinstance(narrative, NarrativeIn) else dict(narrative)
    return {name: figures.get(name) for name in FIGURES} | {name: texts.get(name) for name in NARRATIVE}


async def create_report(
    session: AsyncSession, *, data: ReportCreate, principal: Principal, now: datetime
) -> tuple[Report, CommunityView]:
    """A new report as a draft, on the community (its survivor, for a merged-away id) for the period."""
    community = await communities.editable_community(session, community_id=data.community_id, principal=principal)
    period = await period_of(session, data.period)
    check_open(period, principal, now)
    existing = await repository.find(
        session, source=data.source, community_id=community.community_id, period_id=period.period_id
    )
    if existing is not None:
        raise Conflict(
            f"{data.source} already reports on {community.community_id} for {period.period_id}: "
            f"report {existing.report_id}; change that one.",
            report_id=str(existing.report_id),
        )
    content = content_from(data.figures.model_dump(), data.narrative)
    report, _ = start_report(
        session, community=community, period=period, source=data.source, content=content, actor=principal.actor, now=now
    )
    await session.flush()
    return report, community


def start_report(
    session: AsyncSession,
    *,
    community: CommunityView,
    period: ReportingPeriod,
    source: str,
    content: Mapping[str, Any],
    actor: str,
    now: datetime,
) -> tuple[Report, ReportRevision]:
    """Stage a new report on the community (a survivor) with `content` as its draft revision 1."""
    report = Report(
        **rows.report_values(
            community_id=community.community_id, period_id=period.period_id, source=source, actor=actor, now=now
        )
    )
    revision = new_revision(report, 1, content, actor=actor, now=now)
    session.add(report)
    session.add(revision)
    record_change(session, report, change="created", changes=changed({}, content), actor=actor, now=now)
    return report, revision


async def changing(
    session: AsyncSession, *, report_id: UUID, expected_version: int | None, principal: Principal, now: datetime
) -> tuple[Report, ReportRevision, CommunityView, ReportingPeriod]:
    """The report locked and checked against If-Match, its newest revision, community and period; Forbidden
    unless the principal may report on the community (or is a coordinator)."""
    report = await repository.get(session, report_id, for_update=True)
    if report is None:
        raise NotFound(f"No report {report_id}.")
    community = await communities.editable_community(session, community_id=report.community_id, principal=principal)
    if expected_version is not None and expected_version != report.version:
        raise PreconditionFailed(f"Report {report_id} is at version {report.version}; fetch it and retry.")
    latest = await repository.revision(session, report_id, report.revision)
    assert latest is not None, "a report always has its newest revision"
    period = await periods.get(session, report.period_id)
    assert period is not None, "a report's period is a foreign key"
    touch(session, report, now=now)
    return report, latest, community, period


def touch(session: AsyncSession, report: Report, *, now: datetime) -> None:
    """The report changes: its version (the ETag) moves on."""
    report.version += 1
    report.updated_at = now
    session.add(report)


def _merged(latest: ReportRevision, edit: ReportEdit) -> dict[str, Any]:
    """The revision's content with a merge patch applied (a given `null` clears)."""
    content = content_of(latest)
    given = edit.model_dump(exclude_unset=True)
    content |= given.get("figures") or {}
    content |= given.get("narrative") or {}
    return content


async def edit_report(
    session: AsyncSession,
    *,
    report_id: UUID,
    edit: ReportEdit,
    expected_version: int | None,
    principal: Principal,
    now: datetime,
) -> Report:
    """Change the draft or returned revision; a submitted one waits for the review, an approved one takes a
    correction."""
    report, latest, _, period = await changing(
        session, report_id=report_id, expected_version=expected_version, principal=principal, now=now
    )
    if latest.state not in EDITABLE:
        action = "start a correction" if latest.state == "approved" else "wait for the review"
        raise Conflict(f"Revision {latest.revision} is {latest.state}; {action}.")
    check_open(period, principal, now)
    apply_edit(session, report, latest, _merged(latest, edit), actor=principal.actor, now=now)
    await session.flush()
    return report


def apply_edit(
    session: AsyncSession,
    report: Report,
    latest: ReportRevision,
    content: Mapping[str, Any],
    *,
    actor: str,
    now: datetime,
) -> None:
    """Give the newest revision `content`, with the change in the audit trail."""
    changes = changed(content_of(latest), content)
    for name, value in content.items():
        setattr(latest, name, value)
    session.add(latest)
    record_change(session, report, change="edited", changes=changes, actor=actor, now=now)


async def submit_report(
    session: AsyncSession, *, report_id: UUID, expected_version: int | None, principal: Principal, now: datetime
) -> Report:
    """Submit the draft or returned revision for review; plausibility warnings are stored with it."""
    report, latest, community, period = await changing(
        session, report_id=report_id, expected_version=expected_version, principal=principal, now=now
    )
    if latest.state not in EDITABLE:
        raise Conflict(f"Revision {latest.revision} is {latest.state}, not a draft to submit.")
    check_open(period, principal, now)
    await submit(session, report, latest, community=community, period=period, actor=principal.actor, now=now)
    await session.flush()
    return report


async def submit(
    session: AsyncSession,
    report: Report,
    latest: ReportRevision,
    *,
    community: CommunityView,
    period: ReportingPeriod,
    actor: str,
    now: datetime,
    previous: Previous | None = None,
) -> None:
    """Move the revision to submitted, with its warnings, and record `report.submitted` (shared by the API and
    bulk deliveries, which look the previous figures up for many reports at once and pass them in)."""
    if previous is None:
        before = period_rules.period_before(period, await periods.all_periods(session))
        survivors = [community.survivor_id]
        found = await repository.counted_before(session, survivor_ids=survivors, period_id=before) if before else {}
        previous = Previous(before, found.get(community.survivor_id))
    first = report.first_submitted_at
    done = rows.submission(figures_of(latest), previous, first_submitted_at=first, actor=actor, now=now)
    for name, value in done.revision.items():
        setattr(latest, name, value)
    for name, value in done.report.items():
        setattr(report, name, value)
    session.add(latest)
    record_change(session, report, change="submitted", changes=done.changes, actor=actor, now=now)
    record_event(session, rows.submitted_event(community, _columns(report), warnings=latest.warnings, now=now))


def facts(community: CommunityView, report: Report) -> dict[str, Any]:
    """What every report event says about the report and its community."""
    return rows.facts(community, _columns(report))


def _columns(report: Report) -> dict[str, Any]:
    """The report's columns that its events name."""
    return {
        "report_id": report.report_id,
        "source": report.source,
        "revision": report.revision,
        "period_id": report.period_id,
    }


async def return_report(
    session: AsyncSession,
    *,
    report_id: UUID,
    reason: str,
    expected_version: int | None,
    principal: Principal,
    now: datetime,
) -> Report:
    """Send a submitted revision back to its partner with the reason (coordinators)."""
    report, latest, community, _ = await changing(
        session, report_id=report_id, expected_version=expected_version, principal=principal, now=now
    )
    if latest.state != "submitted":
        raise Conflict(f"Revision {latest.revision} is {latest.state}; only a submitted one is returned.")
    latest.state, latest.return_reason = "returned", reason
    latest.decided_at, latest.decided_by = now, principal.actor
    report.state = "returned"
    session.add(latest)
    record_change(session, report, change="returned", changes={"reason": reason}, actor=principal.actor, now=now)
    record_event(session, ReportReturned(**facts(community, report), returned_at=now, reason=reason))
    await session.flush()
    return report


async def approve_report(
    session: AsyncSession, *, report_id: UUID, expected_version: int | None, principal: Principal, now: datetime
) -> Report:
    """Approve the submitted revision (coordinators): its figures count from now on, replacing any approved
    before it."""
    if not is_coordinator(principal):
        raise Forbidden("Only a coordinator approves a report; a partner never approves its own.")
    report, latest, community, _ = await changing(
        session, report_id=report_id, expected_version=expected_version, principal=principal, now=now
    )
    if latest.state != "submitted":
        raise Conflict(f"Revision {latest.revision} is {latest.state}; only a submitted one is approved.")
    approve(session, report, latest, community=community, actor=principal.actor, now=now)
    await session.flush()
    return report


def approve(
    session: AsyncSession,
    report: Report,
    latest: ReportRevision,
    *,
    community: CommunityView,
    actor: str,
    now: datetime,
) -> None:
    """Make the revision the counted one and record `report.approved`."""
    correction = report.approved_revision is not None
    latest.state, latest.decided_at, latest.decided_by = "approved", now, actor
    report.state, report.approved_revision, report.approved_at = "approved", latest.revision, now
    for name, value in figures_of(latest).items():
        setattr(report, f"counted_{name}", value)
    session.add(latest)
    record_change(
        session,
        report,
        change="approved",
        changes={"counted": figures_of(latest), "correction": correction},
        actor=actor,
        now=now,
    )
    record_event(session, ReportApproved(**facts(community, report), approved_at=now, correction=correction))


async def start_correction(
    session: AsyncSession,
    *,
    report_id: UUID,
    edit: ReportEdit,
    reason: str,
    expected_version: int | None,
    principal: Principal,
    now: datetime,
) -> Report:
    """A new draft revision of an approved report, from the approved content with the edit applied; the
    approved revision counts until this one is approved."""
    report, latest, _, period = await changing(
        session, report_id=report_id, expected_version=expected_version, principal=principal, now=now
    )
    if latest.state != "approved":
        raise Conflict(f"Revision {latest.revision} is {latest.state}; edit it instead of correcting it.")
    check_open(period, principal, now)
    begin_correction(session, report, latest, _merged(latest, edit), reason=reason, actor=principal.actor, now=now)
    await session.flush()
    return report


def begin_correction(
    session: AsyncSession,
    report: Report,
    approved: ReportRevision,
    content: Mapping[str, Any],
    *,
    reason: str,
    actor: str,
    now: datetime,
) -> ReportRevision:
    """Stage a new draft revision with `content` after the approved one, which counts until it is approved."""
    report.revision += 1
    report.state = "draft"
    revision = new_revision(report, report.revision, content, actor=actor, now=now, reason=reason)
    session.add(revision)
    record_change(
        session,
        report,
        change="correction-started",
        changes={"reason": reason, **changed(content_of(approved), content)},
        actor=actor,
        now=now,
    )
    return revision
