"""The dashboard as pages (HTML, signed in, outside the OpenAPI): every indicator's progress in a scope as a chart
with its table, the parts behind one figure, and who reported for a period."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

from lcn_monitor.completeness import service as completeness
from lcn_monitor.completeness.schemas import ReportingState
from lcn_monitor.dashboard import views
from lcn_monitor.dashboard.formatting import day, figure
from lcn_monitor.dashboard.page_messages import MESSAGES
from lcn_monitor.indicators.schemas import KEY_PATTERN
from lcn_monitor.periods import repository as periods
from lcn_monitor.periods import service as period_rules
from lcn_monitor.periods.schemas import PeriodId
from lcn_monitor.progress import explain as explaining
from lcn_monitor.progress import service as progress
from lcn_monitor.scopes import NATIONAL, Scope, ScopeText, every_scope, parse_scope
from lcn_shared.auth import Principal, Role
from lcn_shared.clock import ClockDep
from lcn_shared.db import ReadSessionDep
from lcn_shared.pages import Pages, mount_static, negotiate_language, page_link, query_model, signed_in
from lcn_shared.pages.rendering import VERSION_PARAMETER, file_version
from lcn_shared.problems import NotFound, ProblemError, UnprocessableContent

router = APIRouter(include_in_schema=False)
PAGES = Pages(templates=Path(__file__).with_name("templates"), messages=MESSAGES)
STATIC = Path(__file__).with_name("static")
STATIC_PATH = "/static/monitor"
STYLESHEET = "dashboard.css"
DASHBOARD_PATH = "/dashboard"
INDICATOR_PATH = "/dashboard/indicators"
COMPLETENESS_PATH = "/dashboard/completeness"
PAGE_SIZE = 50
KEY = re.compile(KEY_PATTERN)
# Coordinators and partners (admins always): the figures are the network's, and partners report into them.
Reader = Annotated[Principal, Depends(signed_in(Role.COORDINATOR, Role.PARTNER))]
Params = TypeVar("Params", bound=BaseModel)


class ScopeParams(BaseModel):
    """A dashboard page's query: the part of the network it shows."""

    model_config = ConfigDict(extra="forbid")

    scope: ScopeText = NATIONAL


class IndicatorParams(ScopeParams):
    """The drill-down's query: the scope, a period's figure instead of today's, and the page of parts."""

    period: PeriodId | None = None
    page: int = Field(1, ge=1, le=100_000)


class CompletenessParams(ScopeParams):
    """Completeness's query: the scope, the period (a sensible one when not given), a state, and the page."""

    period: PeriodId | None = None
    state: ReportingState | None = None
    page: int = Field(1, ge=1, le=100_000)


def mount_dashboard_static(app: FastAPI) -> None:
    """Serve the dashboard's stylesheet (the charts' look) under /static/monitor."""
    mount_static(app, STATIC_PATH, STATIC)


def read_query(request: Request, model: type[Params]) -> Params:
    """The query as `model`; a bad scope's problem lists the scopes there are."""
    try:
        return query_model(request, model)
    except UnprocessableContent as error:
        for item in error.extensions.get("errors", []):
            if item.get("parameter") == "scope":
                item["allowed"] = [scope.text for scope in every_scope()]
        raise


def common(request: Request, scope: Scope, *, current: str) -> dict[str, Any]:
    """What every dashboard page shows besides its own content: the stylesheet, the navigation and the scopes."""
    t = PAGES.messages.translator(negotiate_language(request))
    root = str(request.scope.get("root_path", "")).rstrip("/")
    return {
        "stylesheet": f"{root}{STATIC_PATH}/{STYLESHEET}?{VERSION_PARAMETER}={file_version(STATIC / STYLESHEET)}",
        "current": current,
        "paths": {"dashboard": DASHBOARD_PATH, "completeness": COMPLETENESS_PATH, "indicator": INDICATOR_PATH},
        "scope_text": views.scope_label(scope, t),
        "scope_pairs": views.scope_pairs(scope),
        "scope_groups": views.scope_groups(scope, t),
    }


def pager(page: int, pages: int, here: list[tuple[str, str]]) -> dict[str, Any]:
    """The previous and next page's query (None at either end)."""
    return {
        "page": page,
        "pages": pages,
        "previous": [*here, ("page", str(page - 1))] if page > 1 else None,
        "next": [*here, ("page", str(page + 1))] if page < pages else None,
    }


@router.get(DASHBOARD_PATH, response_class=HTMLResponse)
async def dashboard_page(request: Request, principal: Reader, session: ReadSessionDep, clock: ClockDep) -> HTMLResponse:
    """Every indicator's progress in the scope: figures, status, a chart with its table, a link to its parts."""
    try:
        scope = parse_scope(read_query(request, ScopeParams).scope)
    except UnprocessableContent as error:
        return PAGES.problem(request, error, back=page_link(request, DASHBOARD_PATH))
    language = negotiate_language(request)
    t = PAGES.messages.translator(language)
    today = period_rules.today(clock.now())
    items = await progress.scope_progress(session, scope=scope, today=today)
    return PAGES.render(
        request,
        "dashboard/dashboard.html",
        today=day(today, language),
        summary=views.status_summary(items),
        indicators=[views.indicator_view(item, language, t) for item in views.by_urgency(items)],
        **common(request, scope, current="dashboard"),
    )


@router.get(INDICATOR_PATH + "/{key}", response_class=HTMLResponse)
async def indicator_page(
    key: str, request: Request, principal: Reader, session: ReadSessionDep, clock: ClockDep
) -> HTMLResponse:
    """One indicator's figure (today's or a period's) and the parts it is made of, a page at a time, with their sum."""
    language = negotiate_language(request)
    t = PAGES.messages.translator(language)
    today = period_rules.today(clock.now())
    try:
        params = read_query(request, IndicatorParams)
        scope = parse_scope(params.scope)
        found = (
            await progress.scope_progress(session, scope=scope, today=today, keys=[key]) if KEY.fullmatch(key) else []
        )
        if not found:
            raise NotFound(f"No indicator {key[:100]!r}.")
        explained = await explaining.explain(
            session,
            key=key,
            scope=scope,
            period=params.period,
            today=today,
            limit=PAGE_SIZE,
            after=(params.page - 1) * PAGE_SIZE,
        )
    except ProblemError as error:
        return PAGES.problem(request, error, back=page_link(request, DASHBOARD_PATH))
    item = found[0]
    both = (("numerator", explained.numerator), ("denominator", explained.denominator))
    terms = {side: term for side, term in both if term is not None}
    described = (
        {
            term.indicator: term
            for term in await progress.scope_progress(
                session, scope=scope, today=today, keys=[term.indicator for term in terms.values()]
            )
        }
        if terms
        else {}
    )
    here = [*views.scope_pairs(scope), *([("period", params.period)] if params.period else [])]
    started = await periods.all_periods(session)
    return PAGES.render(
        request,
        "dashboard/indicator.html",
        item=views.indicator_view(item, language, t),
        value=explained.value,
        value_text=figure(explained.value, item.unit, language),
        when=t("when_period", period=params.period) if params.period else t("when_today", date=day(today, language)),
        today=day(today, language),
        period=params.period,
        period_options=views.period_options(started, today, params.period),
        parts=[views.part_view(part, item.unit, scope, language, t) for part in explained.parts],
        parts_count=explained.parts_count,
        parts_total=explained.parts_total,
        parts_total_text=figure(explained.parts_total, item.unit, language),
        ratio=[views.term_view(side, term, described.get(term.indicator), language) for side, term in terms.items()],
        here=here,
        **pager(params.page, max(1, math.ceil(explained.parts_count / PAGE_SIZE)), here),
        **common(request, scope, current="dashboard"),
    )


@router.get(COMPLETENESS_PATH, response_class=HTMLResponse)
async def completeness_page(
    request: Request, principal: Reader, session: ReadSessionDep, clock: ClockDep
) -> HTMLResponse:
    """Who reported for a period in the scope, the totals and share on time, and the same per required period."""
    language = negotiate_language(request)
    today = period_rules.today(clock.now())
    every_period = await periods.all_periods(session)
    try:
        params = read_query(request, CompletenessParams)
        scope = parse_scope(params.scope)
        chosen = (
            next((period for period in every_period if period.period_id == params.period), None)
            if params.period
            else views.default_period(every_period, today)
        )
        if params.period and chosen is None:
            raise NotFound(f"No reporting period {params.period!r}.")
    except ProblemError as error:
        return PAGES.problem(request, error, back=page_link(request, COMPLETENESS_PATH))
    context = common(request, scope, current="completeness")
    if chosen is None:
        return PAGES.render(request, "dashboard/completeness.html", period=None, **context)
    rows = await completeness.expected_reports(session, period=chosen, scope=scope, today=today)
    listed = [row for row in rows if params.state is None or row.state == params.state]
    start = (params.page - 1) * PAGE_SIZE
    per_period = []
    for period in reversed(every_period):
        if not period.reports_required or period.starts_on > today:
            continue
        same = period.period_id == chosen.period_id
        its_rows = (
            rows if same else await completeness.expected_reports(session, period=period, scope=scope, today=today)
        )
        per_period.append(
            {
                "period": period.period_id,
                "pairs": [*views.scope_pairs(scope), ("period", period.period_id)],
                "current": same,
                "totals": views.totals_view(completeness.totals(its_rows), language),
            }
        )
    here = [
        *views.scope_pairs(scope),
        ("period", chosen.period_id),
        *([("state", params.state)] if params.state else []),
    ]
    return PAGES.render(
        request,
        "dashboard/completeness.html",
        period=chosen.period_id,
        starts=day(chosen.starts_on, language),
        ends=day(chosen.ends_on, language),
        deadline=day(chosen.deadline, language),
        reports_required=chosen.reports_required,
        period_options=views.period_options(every_period, today, chosen.period_id),
        state=params.state or "",
        states=views.STATES,
        signs=views.STATE_SIGNS,
        totals=views.totals_view(completeness.totals(rows), language),
        rows=[views.expected_view(row, language) for row in listed[start : start + PAGE_SIZE]],
        per_period=per_period,
        **pager(params.page, max(1, math.ceil(len(listed) / PAGE_SIZE)), here),
        **context,
    )
