"""HTTP endpoints of one report: create, read, edit, submit, return, approve, correct, and its audit trail."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Request, status
from fastapi.responses import JSONResponse, Response
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_monitor.communities import service as communities
from lcn_monitor.figures import FIGURES
from lcn_monitor.periods.schemas import PERIOD_PATTERN
from lcn_monitor.progress.router import CSV_RESPONSE, Separator
from lcn_monitor.reports import repository, service
from lcn_monitor.reports.models import Report
from lcn_monitor.reports.schemas import (
    SOURCE_PATTERN,
    CorrectionIn,
    ReportChangePublic,
    ReportChangesPublic,
    ReportCreate,
    ReportEdit,
    ReportPublic,
    ReportsPublic,
    ReportSummary,
    ReturnIn,
    State,
)
from lcn_monitor.reports.views import report_view
from lcn_shared.auth import Principal, Role, require
from lcn_shared.clock import ClockDep
from lcn_shared.concurrency import expected_version, versioned
from lcn_shared.cursors import cursor_text, page_of, read_cursor
from lcn_shared.db import ReadSessionDep, SessionDep
from lcn_shared.idempotency import answer_once, fingerprint
from lcn_shared.problems import NotFound, problem_responses
from lcn_shared.spreadsheets import CsvSeparator, csv_download
from lcn_shared.urls import url_of

router = APIRouter(prefix="/reports", tags=["reports"])
PROBLEMS = problem_responses(400, 401, 403, 404, 409, 412, 422, 428)
Reporter = Annotated[Principal, Depends(require(Role.PARTNER, Role.COORDINATOR))]
Coordinator = Annotated[Principal, Depends(require(Role.COORDINATOR))]
IfMatch = Annotated[str | None, Header(description='The report\'s ETag, e.g. `"3"`; required for changes.')]
IdempotencyKey = Annotated[
    str | None, Header(description="Makes a retried POST safe: the same key replays the first answer.")
]
LIST_TAG = "reports"
CSV_BATCH = 1000
CSV_HEADER = [
    "rapport_id",
    "community_id",
    "periode",
    "bron",
    "status",
    "revisie",
    "goedgekeurde_revisie",
    *(f"geteld_{name}" for name in FIGURES),
    "eerst_ingediend",
    "waarschuwingen",
]


async def _answer(session: AsyncSession, report: Report, *, status_code: int = 200) -> JSONResponse:
    """The report as it is now, with its ETag."""
    return versioned(await report_view(session, report), version=report.version, status_code=status_code)


async def readable(session: AsyncSession, *, report_id: UUID, principal: Principal) -> Report:
    """The report when the principal may read it (its community's editors, coordinators); NotFound otherwise,
    so that ids of other organisations' reports tell nothing."""
    report = await repository.get(session, report_id)
    if report is None:
        raise NotFound(f"No report {report_id}.")
    if not service.is_coordinator(principal):
        community = await communities.resolve_community(session, community_id=report.community_id)
        if not communities.may_edit(community, principal):
            raise NotFound(f"No report {report_id}.")
    return report


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ReportPublic, responses=PROBLEMS)
async def create_report(
    data: ReportCreate,
    session: SessionDep,
    principal: Reporter,
    clock: ClockDep,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Start a report (a draft) on a community for a period; the community's lead and the partners who may edit
    it report for it."""

    async def act() -> JSONResponse:
        report, _ = await service.create_report(session, data=data, principal=principal, now=clock.now())
        response = await _answer(session, report, status_code=201)
        response.headers["Location"] = url_of(request, "get_report", report_id=str(report.report_id))
        return response

    request_fingerprint = fingerprint("POST", request.url.path, data.model_dump_json().encode())
    return await answer_once(
        session, principal=principal.key_id, key=idempotency_key, request_fingerprint=request_fingerprint, act=act
    )


class ReportFilters:
    """The filters of a list of reports, and the communities a partner's list is limited to."""

    def __init__(
        self,
        principal: Reporter,
        period: Annotated[str | None, Query(pattern=PERIOD_PATTERN)] = None,
        community_id: UUID | None = None,
        state: State | None = None,
        source: Annotated[str | None, Query(pattern=SOURCE_PATTERN)] = None,
    ) -> None:
        self.principal = principal
        self.filters = {"period_id": period, "community_id": community_id, "state": state, "source": source}

    async def communities(self, session: AsyncSession) -> list[UUID] | None:
        """None for a coordinator (every report); a partner's reports are those on communities it may report for."""
        if service.is_coordinator(self.principal):
            return None
        assert self.principal.organisation_id is not None, "a partner key names its organisation"
        return await repository.editable_community_ids(session, self.principal.organisation_id)


Filtered = Annotated[ReportFilters, Depends()]


@router.get("", response_model=ReportsPublic, responses=PROBLEMS)
async def list_reports(
    session: ReadSessionDep,
    listing: Filtered,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(max_length=500, description="`next_cursor` of the page before.")] = None,
) -> ReportsPublic:
    """Reports by period: a coordinator's all of them, a partner's those on communities it may report for."""
    tag = f"{LIST_TAG}:{sorted((name, str(value)) for name, value in listing.filters.items())}"
    after = read_cursor(
        cursor, tag=tag, parse=lambda position: (cursor_text(position["period"]), UUID(cursor_text(position["id"])))
    )
    scope = await listing.communities(session)
    rows = await repository.page(session, filters=listing.filters, community_ids=scope, after=after, limit=limit + 1)
    page, next_cursor = page_of(
        rows, limit=limit, position=lambda row: {"period": row[0].period_id, "id": str(row[0].report_id)}, tag=tag
    )
    return ReportsPublic(
        data=[
            ReportSummary.model_validate(report.model_dump() | {"period": report.period_id, "warnings": warnings})
            for report, warnings in page
        ],
        next_cursor=next_cursor,
    )


@router.get(".csv", response_class=Response, responses=CSV_RESPONSE | PROBLEMS)
async def reports_csv(
    session: ReadSessionDep, listing: Filtered, separator: Separator = CsvSeparator.COMMA
) -> Response:
    """The same reports as a spreadsheet, one line each with its counted figures (of the approved revision)."""
    scope = await listing.communities(session)
    lines: list[list[Any]] = []
    after: tuple[str, UUID] | None = None
    while rows := await repository.page(
        session, filters=listing.filters, community_ids=scope, after=after, limit=CSV_BATCH
    ):
        lines += [
            [report.report_id, report.community_id, report.period_id, report.source, report.state, report.revision]
            + [report.approved_revision, *(getattr(report, f"counted_{name}") for name in FIGURES)]
            + [report.first_submitted_at, warnings]
            for report, warnings in rows
        ]
        after = (rows[-1][0].period_id, rows[-1][0].report_id)
    return csv_download(CSV_HEADER, lines, separator=separator, filename="rapportages.csv")


@router.get("/{report_id}", response_model=ReportPublic, responses=PROBLEMS, name="get_report")
async def get_report(report_id: UUID, session: ReadSessionDep, principal: Reporter) -> JSONResponse:
    """One report with every revision and its ETag."""
    return await _answer(session, await readable(session, report_id=report_id, principal=principal))


@router.patch(
    "/{report_id}",
    response_model=ReportPublic,
    responses=PROBLEMS,
    openapi_extra={"requestBody": {"content": {"application/merge-patch+json": {}}}},
)
async def edit_report(
    report_id: UUID,
    edit: ReportEdit,
    session: SessionDep,
    principal: Reporter,
    clock: ClockDep,
    if_match: IfMatch = None,
) -> JSONResponse:
    """Change the draft (or returned) revision's figures and narrative (JSON merge patch)."""
    report = await service.edit_report(
        session,
        report_id=report_id,
        edit=edit,
        expected_version=expected_version(if_match),
        principal=principal,
        now=clock.now(),
    )
    return await _answer(session, report)


@router.post("/{report_id}/submit", response_model=ReportPublic, responses=PROBLEMS)
async def submit_report(
    report_id: UUID, session: SessionDep, principal: Reporter, clock: ClockDep, if_match: IfMatch = None
) -> JSONResponse:
    """Submit the draft for a coordinator's review; plausibility warnings come back with it."""
    report = await service.submit_report(
        session, report_id=report_id, expected_version=expected_version(if_match), principal=principal, now=clock.now()
    )
    return await _answer(session, report)


@router.post("/{report_id}/return", response_model=ReportPublic, responses=PROBLEMS)
async def return_report(
    report_id: UUID,
    data: ReturnIn,
    session: SessionDep,
    principal: Coordinator,
    clock: ClockDep,
    if_match: IfMatch = None,
) -> JSONResponse:
    """Send the submitted revision back to the partner, with the reason (coordinators)."""
    report = await service.return_report(
        session,
        report_id=report_id,
        reason=data.reason,
        expected_version=expected_version(if_match),
        principal=principal,
        now=clock.now(),
    )
    return await _answer(session, report)


@router.post("/{report_id}/approve", response_model=ReportPublic, responses=PROBLEMS)
async def approve_report(
    report_id: UUID, session: SessionDep, principal: Coordinator, clock: ClockDep, if_match: IfMatch = None
) -> JSONResponse:
    """Approve the submitted revision (coordinators; a partner never approves its own report): its figures count."""
    report = await service.approve_report(
        session, report_id=report_id, expected_version=expected_version(if_match), principal=principal, now=clock.now()
    )
    return await _answer(session, report)


@router.post("/{report_id}/corrections", response_model=ReportPublic, responses=PROBLEMS)
async def correct_report(
    report_id: UUID,
    data: CorrectionIn,
    session: SessionDep,
    principal: Reporter,
    clock: ClockDep,
    if_match: IfMatch = None,
) -> JSONResponse:
    """Start a correction of an approved report: a new draft revision; the approved one counts meanwhile."""
    report = await service.start_correction(
        session,
        report_id=report_id,
        edit=data,
        reason=data.reason,
        expected_version=expected_version(if_match),
        principal=principal,
        now=clock.now(),
    )
    return await _answer(session, report)


@router.get("/{report_id}/history", response_model=ReportChangesPublic, responses=PROBLEMS)
async def report_history(
    report_id: UUID,
    session: ReadSessionDep,
    principal: Reporter,
    limit: Annotated[int, Query(ge=1, le=200)] = 100,
    cursor: Annotated[str | None, Query(max_length=500, description="`next_cursor` of the page before.")] = None,
) -> ReportChangesPublic:
    """The audit trail: every step of every revision, oldest first (who, when, what changed)."""
    await readable(session, report_id=report_id, principal=principal)
    tag = f"report-history:{report_id}"
    after = read_cursor(cursor, tag=tag, parse=lambda position: int(position["after"]))
    rows = await repository.changes(session, report_id, after=after, limit=limit + 1)
    page, next_cursor = page_of(rows, limit=limit, position=lambda row: {"after": row.change_id}, tag=tag)
    return ReportChangesPublic(
        data=[ReportChangePublic.model_validate(row, from_attributes=True) for row in page], next_cursor=next_cursor
    )
