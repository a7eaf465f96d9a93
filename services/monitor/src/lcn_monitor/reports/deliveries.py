"""Bulk deliveries of reports (a programme office's half-year file): each row is one source's submission on one
community for one period, added, updated, left unchanged or rejected on its own (ADR 0028).

Rows are looked up in bulk, a chunk at a time: the communities, the existing reports with their newest revisions,
and the previous period's counted figures each take one query per chunk, never one per row. The steps a report
takes (started, edited, corrected, submitted) are the reports service's own.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import ValidationError
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_monitor.communities import service as communities
from lcn_monitor.communities.models import CommunityView
from lcn_monitor.figures import FIGURES
from lcn_monitor.periods import repository as periods
from lcn_monitor.periods import service as period_rules
from lcn_monitor.periods.models import ReportingPeriod
from lcn_monitor.reports import repository, service
from lcn_monitor.reports.delivery_schemas import (
    OUTCOMES,
    ROW_FIELDS,
    DeliveryCounts,
    DeliveryPublic,
    Outcome,
    ReportRow,
    RowResult,
)
from lcn_monitor.reports.models import Report, ReportChange, ReportRevision
from lcn_monitor.reports.rows import NewReport, Previous, submitted_report
from lcn_monitor.reports.schemas import DIRECT, SOURCE_PATTERN
from lcn_monitor.reports.service import NARRATIVE
from lcn_shared.auth import Principal, Role
from lcn_shared.db import core_table, insert_rows
from lcn_shared.deliveries import RawRow
from lcn_shared.messaging.outbox import record_event
from lcn_shared.problems import Conflict, Forbidden

# Rows looked up together: a chunk's keys stay far below PostgreSQL's 32,767 bind parameters.
CHUNK_ROWS = 1000
DIGITS = re.compile(r"-?[0-9]+")
# Longer digit strings are far beyond any figure (and int() refuses very long ones).
MAX_DIGITS = 15
SHOWN_CHARS = 40
MAX_REASON_CHARS = 1000

ReportKey = tuple[str, UUID, str]


@dataclass
class Row:
    """A row that reads as a report: where it stands in the delivery and what it says."""

    position: int
    community_id: UUID
    period_id: str
    content: dict[str, Any]
    community: CommunityView | None = None
    period: ReportingPeriod | None = None


@dataclass
class Delivery:
    """One request's delivery: who delivers under which source, and the results so far."""

    source: str
    principal: Principal
    now: datetime
    periods: list[ReportingPeriod]
    results: list[RowResult] = field(default_factory=list)
    seen: set[ReportKey] = field(default_factory=set)

    def result(self, row: Row, outcome: Outcome, report_id: UUID | None = None, reason: str | None = None) -> None:
        """Record what became of a row."""
        self.results.append(RowResult(**_echo(row), outcome=outcome, reason=reason, report_id=report_id))

    def answer(self, received: int) -> DeliveryPublic:
        """The counts and every row's result, in delivery order."""
        counted = Counter(result.outcome for result in self.results)
        return DeliveryPublic(
            source=self.source,
            received=received,
            counts=DeliveryCounts(**{outcome: counted[outcome] for outcome in OUTCOMES}),
            results=sorted(self.results, key=lambda result: result.position),
        )


def delivering_source(principal: Principal, requested: str | None) -> str:
    """The source a delivery is made under: a feed key's own, `direct` for a partner, any a coordinator names."""
    if principal.role is Role.FEED:
        own = principal.feed_source
        if own is None or own == DIRECT or not re.fullmatch(SOURCE_PATTERN, own):
            raise Forbidden(f"The feed source {own!r} of this key cannot deliver reports; ask a coordinator.")
        if requested not in (None, own):
            raise Forbidden(f"This key delivers reports as {own!r}, not as {requested!r}.")
        return own
    if service.is_coordinator(principal):
        return requested or DIRECT
    if requested not in (None, DIRECT):
        raise Forbidden(f"A partner delivers its own reports, as {DIRECT!r}; {requested!r} is a programme's source.")
    return DIRECT


async def deliver(
    session: AsyncSession,
    *,
    rows: Sequence[RawRow],
    text_cells: bool,
    source: str,
    principal: Principal,
    now: datetime,
) -> DeliveryPublic:
    """Take every row that reads as a report and may be delivered; reject the others with their reasons.

    `text_cells`: the values are CSV text, so whole numbers are read from them."""
    await repository.lock_source(session, source)
    delivery = Delivery(source=source, principal=principal, now=now, periods=await periods.all_periods(session))
    readable: list[Row] = []
    for raw in rows:
        row, reason = read_row(raw, text_cells=text_cells)
        if row is None:
            delivery.results.append(RowResult(**_raw_echo(raw), outcome="rejected", reason=reason))
        else:
            readable.append(row)
    for chunk in _chunks(readable, CHUNK_ROWS):
        await _deliver_chunk(session, delivery, chunk)
    await session.flush()
    return delivery.answer(len(rows))


def read_row(raw: RawRow, *, text_cells: bool) -> tuple[Row | None, str | None]:
    """The row as a report, or why it is none."""
    if raw.data is None:
        return None, raw.error
    data, problems = _typed(raw.data) if text_cells else (raw.data, [])
    try:
        row = ReportRow.model_validate(data)
    except ValidationError as error:
        problems += _problems(error, column="column" if text_cells else "field")
    if problems:
        return None, _joined(problems)
    figures = row.model_dump(include=set[str](FIGURES))
    content = service.content_from(figures, row.model_dump(include=set(NARRATIVE)))
    return Row(position=raw.position, community_id=row.community_id, period_id=row.period, content=content), None


async def _deliver_chunk(session: AsyncSession, delivery: Delivery, chunk: Sequence[Row]) -> None:
    """Check a chunk's rows against what the monitor knows, then add, update or leave each report."""
    known = await repository.survivors(session, list({row.community_id for row in chunk}))
    by_period = {period.period_id: period for period in delivery.periods}
    ready: list[tuple[Row, ReportKey]] = []
    for row in chunk:
        row.community, row.period = known.get(row.community_id), by_period.get(row.period_id)
        reason = _refusal(delivery, row)
        if reason is not None:
            delivery.result(row, "rejected", reason=reason)
            continue
        key = _key(delivery.source, row)
        if key in delivery.seen:
            delivery.result(row, "rejected", reason=_twice(row))
            continue
        delivery.seen.add(key)
        ready.append((row, key))
    existing = await repository.find_many(session, [key for _, key in ready], for_update=True)
    latest = await repository.latest_revisions(session, list(existing.values()))
    changing: list[tuple[Row, Report | None]] = []
    for row, key in ready:
        report = existing.get(key)
        revision = latest[report.report_id] if report is not None else None
        if report is not None and revision is not None and _same(revision, row):
            delivery.result(row, "unchanged", report.report_id, reason=_returned(revision))
            continue
        try:
            service.check_open(_period(row), delivery.principal, delivery.now)
        except Conflict as error:
            delivery.result(row, "rejected", reason=error.detail)
            continue
        changing.append((row, report))
    previous = await _previous(session, delivery, [row for row, _ in changing])
    added: list[NewReport] = []
    for row, report in changing:
        before = previous[(row.period_id, _community(row).survivor_id)]
        if report is None:
            added.append(_add(session, delivery, row, before))
        else:
            await _update(session, delivery, row, report, latest[report.report_id], before)
    await _insert(session, added)


def _refusal(delivery: Delivery, row: Row) -> str | None:
    """Why the row may not be delivered, if it may not."""
    if row.period is None:
        return f"no reporting period {row.period_id!r}; see /v1/periods"
    if row.community is None:
        return f"the monitor knows no community {row.community_id}"
    if delivery.principal.role is Role.PARTNER and not communities.may_edit(row.community, delivery.principal):
        return (
            f"only the lead and the partners who may edit community {row.community.community_id} report for it; "
            "this key's organisation does neither"
        )
    return None


def _same(revision: ReportRevision, row: Row) -> bool:
    """True when the newest revision already holds the row (a draft is submitted all the same)."""
    return revision.state != "draft" and service.content_of(revision) == row.content


def _add(session: AsyncSession, delivery: Delivery, row: Row, previous: Previous) -> NewReport:
    """A new report, created and submitted: its rows to insert, its event recorded."""
    new = submitted_report(
        community=_community(row),
        period_id=row.period_id,
        source=delivery.source,
        content=row.content,
        previous=previous,
        actor=delivery.principal.actor,
        now=delivery.now,
    )
    record_event(session, new.event)
    delivery.result(row, "added", new.report["report_id"])
    return new


async def _update(
    session: AsyncSession, delivery: Delivery, row: Row, report: Report, latest: ReportRevision, previous: Previous
) -> None:
    """Update the report's open revision, or correct its approved one; then submit it."""
    actor, now = delivery.principal.actor, delivery.now
    service.touch(session, report, now=now)
    revision = latest
    if latest.state == "approved":
        reason = f"Bijgewerkt door levering van {delivery.source}"
        revision = service.begin_correction(session, report, latest, row.content, reason=reason, actor=actor, now=now)
    else:
        service.apply_edit(session, report, latest, row.content, actor=actor, now=now)
    community, period = _community(row), _period(row)
    await service.submit(
        session, report, revision, community=community, period=period, actor=actor, now=now, previous=previous
    )
    delivery.result(row, "updated", report.report_id)


async def _insert(session: AsyncSession, added: Sequence[NewReport]) -> None:
    """The new reports, their revisions and audit trails: one statement per table, no ORM object per row."""
    await insert_rows(session, core_table(Report), [new.report for new in added])
    await insert_rows(session, core_table(ReportRevision), [new.revision for new in added])
    await insert_rows(session, core_table(ReportChange), [change for new in added for change in new.changes])


async def _previous(
    session: AsyncSession, delivery: Delivery, chunk: Sequence[Row]
) -> dict[tuple[str, UUID], Previous]:
    """Per (period, survivor community) of the rows, the period before and its counted figures: one query per
    period delivered for."""
    wanted: dict[str, tuple[ReportingPeriod, set[UUID]]] = {}
    for row in chunk:
        wanted.setdefault(row.period_id, (_period(row), set()))[1].add(_community(row).survivor_id)
    found: dict[tuple[str, UUID], Previous] = {}
    for period_id, (period, ids) in wanted.items():
        before = period_rules.period_before(period, delivery.periods)
        counted = await repository.counted_before(session, survivor_ids=list(ids), period_id=before) if before else {}
        found |= {(period_id, survivor): Previous(before, counted.get(survivor)) for survivor in ids}
    return found


def _key(source: str, row: Row) -> ReportKey:
    """The report a row is about: one per source, community (as the reports service keeps it) and period."""
    return source, _community(row).community_id, row.period_id


def _community(row: Row) -> CommunityView:
    """A checked row's community."""
    assert row.community is not None, "rows are checked before they are written"
    return row.community


def _period(row: Row) -> ReportingPeriod:
    """A checked row's period."""
    assert row.period is not None, "rows are checked before they are written"
    return row.period


def _twice(row: Row) -> str:
    """Why a second row on the same report is rejected."""
    return (
        f"community {row.community_id} appears twice for {row.period_id} in this delivery "
        "(or two ids of one merged community do); the first row counts"
    )


def _returned(revision: ReportRevision) -> str | None:
    """For a report a coordinator returned: why, so that the programme delivers it corrected."""
    if revision.state != "returned":
        return None
    return f"returned by a coordinator: {revision.return_reason}; deliver changed figures to submit it again"


def _typed(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A CSV row's cells as values: figures as whole numbers, blank cells left out, with what could not be read."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for name, cell in data.items():
        text = cell.strip() if isinstance(cell, str) else cell
        if text == "":
            continue
        if name in FIGURES and isinstance(text, str):
            if DIGITS.fullmatch(text) and len(text.lstrip("-")) <= MAX_DIGITS:
                values[name] = int(text)
            elif DIGITS.fullmatch(text):
                problems.append(f"{name}: {_shown(text)} is far above any real figure")
            else:
                problems.append(f"{name}: {_shown(text)} is not a whole number; write digits only, such as 1200")
            continue
        values[name] = text
    return values, problems


def _problems(error: ValidationError, *, column: str) -> list[str]:
    """A validation error as reasons a person can act on."""
    problems, unknown = [], False
    for item in error.errors(include_url=False):
        name = ".".join(str(part) for part in item["loc"]) or "row"
        if item["type"] == "extra_forbidden":
            problems.append(f"unknown {column} {_shown(name)}")
            unknown = True
        elif item["type"] == "missing":
            problems.append(f"{name} is missing")
        else:
            value = item.get("input")
            shown = f" (got {_shown(value)})" if isinstance(value, int | float | str) else ""
            problems.append(f"{name}: {item['msg']}{shown}")
    if unknown:
        problems.append(f"the {column}s are {', '.join(ROW_FIELDS)}")
    return problems


def _shown(value: Any) -> str:
    """A value in a reason: quoted, cut short."""
    text = repr(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def _joined(problems: Sequence[str]) -> str:
    """Reasons as one, within bounds."""
    text = "; ".join(problems)
    return text if len(text) <= MAX_REASON_CHARS else text[: MAX_REASON_CHARS - 1] + "…"


def _echo(row: Row) -> dict[str, Any]:
    """What a result repeats of a readable row."""
    return {"position": row.position, "community_id": row.community_id, "period": row.period_id}


def _raw_echo(raw: RawRow) -> dict[str, Any]:
    """What a result repeats of a row that did not read as a report: its community and period, if they read."""
    data = raw.data or {}
    community, period = data.get("community_id"), data.get("period")
    try:
        community_id = UUID(community.strip()) if isinstance(community, str) else None
    except ValueError:
        community_id = None
    shown = period.strip() if isinstance(period, str) and len(period.strip()) <= SHOWN_CHARS else None
    return {"position": raw.position, "community_id": community_id, "period": shown}


def _chunks(rows: Sequence[Row], size: int) -> Iterator[Sequence[Row]]:
    """Consecutive slices of at most `size` rows."""
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
