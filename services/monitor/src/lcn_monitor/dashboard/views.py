"""What the dashboard's templates show, built from the service's answers: scopes with their labels, each indicator's
figures, chart and table, the parts of a figure, and completeness per period. No database here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from lcn_monitor.completeness.schemas import CompletenessTotals, ExpectedReport
from lcn_monitor.dashboard import charts
from lcn_monitor.dashboard.formatting import day, figure, moment, percent, tick
from lcn_monitor.periods.models import ReportingPeriod
from lcn_monitor.progress.schemas import Part, Progress, RatioTerm, SeriesPoint
from lcn_monitor.scopes import Scope, every_scope
from lcn_shared.contracts.vocabulary import Landsdeel, Topsector
from lcn_shared.pages import DUTCH
from lcn_shared.pages.i18n import Translate

STATUS_ORDER = ("off_track", "at_risk", "on_track", "reached", "none")
# A sign beside each status's words, so that the status never rests on its colour alone.
STATUS_SIGNS = {"on_track": "✓", "at_risk": "!", "off_track": "✗", "reached": "★", "none": "–"}
STATES = ("on_time", "late", "missing", "pending")
STATE_SIGNS = {"on_time": "✓", "late": "!", "missing": "✗", "pending": "…"}


def scope_label(scope: Scope, t: Translate) -> str:
    """The scope in words: the whole Netherlands, landsdeel Noord, topsector Energie."""
    if scope.landsdeel is not None:
        return t("scope_landsdeel", label=scope.landsdeel.label)
    if scope.topsector is not None:
        return t("scope_topsector", label=scope.topsector.label)
    return t("scope_national")


def scope_groups(chosen: Scope, t: Translate) -> list[dict[str, Any]]:
    """The scope select's options, grouped (national, the landsdelen, the top sectors), the chosen one marked."""
    groups: list[dict[str, Any]] = [
        {"label": None, "kind": "national", "options": []},
        {"label": t("scope_landsdelen"), "kind": "landsdeel", "options": []},
        {"label": t("scope_topsectors"), "kind": "topsector", "options": []},
    ]
    by_kind = {group["kind"]: group for group in groups}
    for scope in every_scope():
        label = (
            t("scope_national")
            if scope.code is None
            else Landsdeel(scope.code).label
            if scope.kind == "landsdeel"
            else Topsector(scope.code).label
        )
        by_kind[scope.kind]["options"].append({"value": scope.text, "label": label, "selected": scope == chosen})
    return groups


def scope_pairs(scope: Scope) -> list[tuple[str, str]]:
    """The scope as a link's query: nothing for national, the page's default."""
    return [] if scope.code is None else [("scope", scope.text)]


def by_urgency(items: Sequence[Progress]) -> list[Progress]:
    """Indicators with a target first, the furthest behind first; those without one after (each in key order)."""
    return sorted(items, key=lambda item: STATUS_ORDER.index(item.status or "none"))


def status_summary(items: Sequence[Progress]) -> list[dict[str, Any]]:
    """How many indicators have each status (those present), the most urgent first."""
    counts = {status: sum((item.status or "none") == status for item in items) for status in STATUS_ORDER}
    return [
        {"status": status, "count": count, "sign": STATUS_SIGNS[status]} for status, count in counts.items() if count
    ]


def name_of(item: Progress, language: str) -> str:
    """The indicator's name in the page's language."""
    return item.name_nl if language == DUTCH else item.name_en


def _goal_index(series: Sequence[SeriesPoint], due_on: date) -> int:
    """The position of the period a target falls due in (-1 when the series does not reach it)."""
    return next((index for index, point in enumerate(series) if point.starts_on <= due_on <= point.ends_on), -1)


def chart_of(item: Progress, language: str, t: Translate) -> charts.Chart | None:
    """The indicator's chart, or None when it has no period to show."""
    if not item.series:
        return None
    target = item.target.value if item.target else None
    return charts.progress_chart(
        [point.period for point in item.series],
        [point.value for point in item.series],
        [point.expected for point in item.series],
        target=target,
        target_text=t("chart_target_text", value=figure(target, item.unit, language, compact=True)),
        goals=[(_goal_index(item.series, goal.due_on), goal.value) for goal in item.targets],
        tick_text=lambda value, step: tick(value, item.unit, language, step),
        whole=item.unit == "count",
    )


def chart_description(item: Progress, language: str, t: Translate) -> str:
    """What the chart shows, in sentences: the periods, the latest figure, the trajectory and the target."""
    if not item.series:
        return t("chart_empty")
    sentences = [t("chart_bars", first=item.series[0].period, last=item.series[-1].period)]
    latest = next((point for point in reversed(item.series) if point.value is not None), None)
    sentences.append(
        t("chart_latest", value=figure(latest.value, item.unit, language), period=latest.period)
        if latest is not None
        else t("chart_empty")
    )
    if any(point.expected is not None for point in item.series):
        sentences.append(t("chart_trajectory"))
    if item.target is not None:
        sentences.append(t("chart_target", target=target_text(item, language, t)))
    sentences.append(t("chart_table"))
    return " ".join(sentences)


def target_text(item: Progress, language: str, t: Translate) -> str:
    """The target worked towards, with its date: 8.500 uiterlijk 31 december 2030."""
    if item.target is None:
        return ""
    value = figure(item.target.value, item.unit, language, compact=True)
    return t("value_by", value=value, date=day(item.target.due_on, language))


def indicator_view(item: Progress, language: str, t: Translate) -> dict[str, Any]:
    """One indicator's card: names, figures in its unit, status, chart with its description, and its table."""
    status = item.status or "none"
    baseline = (
        t("value_on", value=figure(item.baseline.value, item.unit, language), date=day(item.baseline.on, language))
        if item.baseline
        else ""
    )
    return {
        "key": item.indicator,
        "name": name_of(item, language),
        "unit": item.unit,
        "actual": item.actual,
        "actual_text": figure(item.actual, item.unit, language, compact=True),
        "target_text": target_text(item, language, t),
        "expected_text": figure(item.expected, item.unit, language, compact=True) if item.expected is not None else "",
        "baseline_text": baseline,
        "status": status,
        "sign": STATUS_SIGNS[status],
        "chart": chart_of(item, language, t),
        "description": chart_description(item, language, t),
        "has_expected": any(point.expected is not None for point in item.series),
        "rows": [
            {
                "period": point.period,
                "value": point.value,
                "value_text": figure(point.value, item.unit, language),
                "expected_text": figure(point.expected, item.unit, language),
            }
            for point in item.series
        ],
    }


def part_view(part: Part, unit: str, scope: Scope, language: str, t: Translate) -> dict[str, Any]:
    """One part of a figure: what kind it is, what it is (a programme's figure names its scope), and its value."""
    label = scope_label(scope, t) if part.kind == "observation" else part.label
    return {
        "code": part.kind,
        "kind": t(f"part_{part.kind}"),
        "label": label,
        "period": part.period or "",
        "revision": part.revision if part.revision is not None else "",
        "source": part.source or part.source_note or "",
        "value": part.value,
        "value_text": figure(part.value, unit, language),
    }


def term_view(side: str, term: RatioTerm, described: Progress | None, language: str) -> dict[str, Any]:
    """One side of a ratio: its indicator's name and figure in that indicator's unit."""
    unit = described.unit if described else "count"
    return {
        "side": side,
        "key": term.indicator,
        "name": name_of(described, language) if described else term.indicator,
        "value_text": figure(term.value, unit, language),
    }


def default_period(periods: Sequence[ReportingPeriod], today: date) -> ReportingPeriod | None:
    """Completeness's first period: the latest required one past its deadline, else today's, else the latest."""
    passed = [period for period in periods if period.reports_required and period.deadline < today]
    running = [period for period in periods if period.starts_on <= today <= period.ends_on]
    started = [period for period in periods if period.starts_on <= today]
    for candidates in (passed, running, started, list(periods[:1])):
        if candidates:
            return max(candidates, key=lambda period: period.starts_on)
    return None


def period_options(periods: Sequence[ReportingPeriod], today: date, chosen: str | None) -> list[dict[str, Any]]:
    """The periods that have started (and the chosen one), newest first, for a select."""
    shown = [period for period in periods if period.starts_on <= today or period.period_id == chosen]
    return [
        {"value": period.period_id, "label": period.period_id, "selected": period.period_id == chosen}
        for period in sorted(shown, key=lambda period: period.starts_on, reverse=True)
    ]


def totals_view(totals: CompletenessTotals, language: str) -> dict[str, Any]:
    """The totals with their shares written out."""
    return {
        **totals.model_dump(),
        "share_on_time_text": percent(totals.share_on_time, language),
        "share_reported_text": percent(totals.share_reported, language),
        "shares": {
            state: percent(getattr(totals, state) / totals.expected if totals.expected else None, language)
            for state in STATES
        },
    }


def expected_view(row: ExpectedReport, language: str) -> dict[str, Any]:
    """One expected community's reporting, with the landsdeel's label and moments in words."""
    return {
        "id": str(row.community_id),
        "name": row.name,
        "landsdeel": Landsdeel(row.landsdeel).label if row.landsdeel in Landsdeel._value2member_map_ else row.landsdeel,
        "state": row.state,
        "submitted": moment(row.first_submitted_at, language) if row.first_submitted_at else "",
        "noticed": moment(row.overdue_noticed_at, language) if row.overdue_noticed_at else "",
    }
