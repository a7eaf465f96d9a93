"""Every figure explained: the communities, organisations or landsdelen a registry figure counts, and the approved
report revisions (or a programme's observation, and the baseline) a report figure adds up; the parts' values add
up to the figure shown."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_monitor.indicators.models import Indicator
from lcn_monitor.progress import figures, repository
from lcn_monitor.progress.figures import PeriodSpan
from lcn_monitor.progress.schemas import Explanation, Part, RatioTerm
from lcn_monitor.progress.service import ScopeInputs, computed_figures
from lcn_monitor.scopes import Scope
from lcn_shared.problems import NotFound, UnprocessableContent


async def _registry_parts(session: AsyncSession, indicator: Indicator, inputs: ScopeInputs, on: date) -> list[Part]:
    """The communities (or landsdelen, or organisations) counted on `on`: one each."""
    measure = repository.Measure.of(indicator.definition)
    kind = {"communities_started_since": "community", "landsdelen_covered": "landsdeel"}.get(
        measure.name, "organisation"
    )
    rows = await repository.registry_parts(session, measure=measure, scope=inputs.scope, on=on)
    return [
        Part(
            kind=kind,
            value=1,
            label=row["name"],
            community_id=row["communities"][0] if kind == "community" else None,
            communities=row["communities"],
        )
        for row in rows
    ]


def _periods_of(
    indicator: Indicator, inputs: ScopeInputs, values: dict[str, float | None], period: str | None
) -> list[PeriodSpan]:
    """The periods a report figure adds up: the one asked for, or today's (every period since the baseline for a
    cumulative figure, the latest with a figure otherwise)."""
    started = inputs.started()
    baseline = inputs.baselines.get(indicator.key)
    if indicator.aggregation == "cumulative":
        last = next((span for span in started if span.period_id == period), None) if period else None
        upto = started if last is None else started[: started.index(last) + 1]
        return [span for span in upto if figures.in_cumulation(span, baseline.on if baseline else None)]
    chosen = period or figures.latest_period(started, values, inputs.today)
    return [span for span in started if span.period_id == chosen]


async def _report_parts(
    session: AsyncSession, indicator: Indicator, inputs: ScopeInputs, spans: list[PeriodSpan]
) -> list[Part]:
    """Per period the programme's observation, or each counted report with what it adds; and the baseline of a
    cumulative figure."""
    fields, observed = indicator.definition["fields"], inputs.observations.get(indicator.key, {})
    parts: list[Part] = []
    baseline = inputs.baselines.get(indicator.key)
    if indicator.aggregation == "cumulative" and baseline is not None and baseline.value:
        parts.append(Part(kind="baseline", value=baseline.value, label="Nulmeting", source_note=baseline.source_note))
    reported = [span.period_id for span in spans if span.period_id not in observed]
    rows = await repository.report_parts(
        session, scope=inputs.scope, kinds=indicator.definition["kinds"], period_ids=reported
    )
    for span in spans:
        if span.period_id in observed:
            parts.append(
                Part(
                    kind="observation",
                    value=observed[span.period_id].value,
                    label=inputs.scope.text,
                    period=span.period_id,
                    source_note=observed[span.period_id].source_note,
                )
            )
    for row in rows:
        if all(row.get(name) is None for name in fields):
            continue  # a report without this indicator's figures adds nothing to it
        parts.append(_report_part(row, fields))
    return parts


def _report_part(row: dict[str, Any], fields: list[str]) -> Part:
    """One counted report as a part: its value for the indicator, its approved revision and where it counts."""
    return Part(
        kind="report",
        value=figures.report_value(row, fields),
        label=row["community_name"],
        period=row["period_id"],
        report_id=row["report_id"],
        revision=row["approved_revision"],
        source=row["source"],
        community_id=row["survivor_id"],
        reported_on=row["community_id"],
    )


async def explain(
    session: AsyncSession, *, key: str, scope: Scope, period: str | None, today: date, limit: int, after: int | None
) -> Explanation:
    """The figure of an indicator in a scope (today's, or a period's) with a page of the parts it is made of,
    `limit` parts after the first `after`."""
    computed = await computed_figures(session, scope=scope, today=today)
    inputs, found = computed.inputs, computed.figures
    indicator = next((item for item in inputs.indicators if item.key == key), None)
    if indicator is None:
        raise NotFound(f"No indicator {key!r}.")
    if period is not None and period not in {span.period_id for span in inputs.started()}:
        raise UnprocessableContent(f"No reporting period {period!r} has started by {today}.")
    value = found[indicator.key].actual if period is None else found[indicator.key].per_period.get(period)
    terms: dict[str, RatioTerm] = {}
    parts: list[Part] = []
    if indicator.source == "ratio":
        for side in ("numerator", "denominator"):
            term = indicator.definition[side]
            figure = found[term].actual if period is None else found[term].per_period.get(period)
            terms[side] = RatioTerm(indicator=term, value=figure)
    elif indicator.source == "registry":
        on = next((span.as_of(today) for span in inputs.started() if span.period_id == period), today)
        parts = await _registry_parts(session, indicator, inputs, on)
    else:
        spans = _periods_of(indicator, inputs, found[indicator.key].per_period, period)
        parts = await _report_parts(session, indicator, inputs, spans)
    start = after or 0
    shown = parts[start : start + limit]
    return Explanation(
        indicator=indicator.key,
        scope=scope.text,
        period=period,
        value=value,
        parts_total=value or 0.0 if indicator.source == "ratio" else sum(part.value for part in parts),
        parts_count=len(parts),
        parts=shown,
        next_cursor=None if start + limit >= len(parts) else str(start + limit),
        **terms,
    )
