"""Progress, live: every indicator's actual, trajectory, status and series in a scope, read from the read model and
the counted reports at the moment of asking, so a registry change shows as soon as its event is projected.

One request reads the definitions once, each registry measure once (all its dates in one statement) and the
report sums once (every period and kind in one statement), whatever the number of indicators.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_monitor.indicators import repository as indicators
from lcn_monitor.indicators.models import Baseline, Indicator, Observation, Target
from lcn_monitor.periods import repository as periods
from lcn_monitor.progress import figures, repository, trajectory
from lcn_monitor.progress.cache import Computed, kept_figures
from lcn_monitor.progress.figures import PeriodSpan
from lcn_monitor.progress.schemas import BaselineShown, Progress, SeriesPoint, TargetShown
from lcn_monitor.progress.trajectory import Goal, Point
from lcn_monitor.scopes import Scope

Values = dict[str, float | None]


@dataclass
class ScopeInputs:
    """What every indicator's progress in one scope is computed from, read once."""

    scope: Scope
    today: date
    indicators: list[Indicator]
    spans: list[PeriodSpan]
    baselines: dict[str, Baseline] = field(default_factory=dict)
    targets: dict[str, list[Target]] = field(default_factory=dict)
    observations: dict[str, dict[str, Observation]] = field(default_factory=dict)
    report_sums: list[dict[str, Any]] = field(default_factory=list)

    def started(self) -> list[PeriodSpan]:
        """The periods that have begun by today."""
        return [span for span in self.spans if span.starts_on <= self.today]


@dataclass(frozen=True)
class Figures:
    """An indicator's figure per period (running totals for a cumulative one) and today."""

    per_period: Values
    actual: float | None


async def scope_inputs(session: AsyncSession, *, scope: Scope, today: date) -> ScopeInputs:
    """Definitions, baselines, targets, observations and periods for the scope, and its report sums when an
    indicator needs them."""
    found = ScopeInputs(
        scope=scope,
        today=today,
        indicators=await indicators.all_indicators(session),
        spans=[
            PeriodSpan(period.period_id, period.starts_on, period.ends_on)
            for period in await periods.all_periods(session)
        ],
    )
    found.baselines = {row.indicator_key: row for row in await indicators.baselines(session) if row.scope == scope.text}
    for target in await indicators.targets(session):
        if target.scope == scope.text:
            found.targets.setdefault(target.indicator_key, []).append(target)
    for observation in await indicators.observations(session):
        if observation.scope == scope.text:
            found.observations.setdefault(observation.indicator_key, {})[observation.period_id] = observation
    if any(indicator.source == "reports" for indicator in found.indicators):
        found.report_sums = await repository.report_sums(session, scope=scope)
    return found


async def _registry_figures(session: AsyncSession, indicator: Indicator, inputs: ScopeInputs) -> Figures:
    """The measure on each started period's last day (today for the running one) and today."""
    started = inputs.started()
    dates = sorted({span.as_of(inputs.today) for span in started} | {inputs.today})
    measure = repository.Measure.of(indicator.definition)
    series = await repository.registry_series(session, measure=measure, scope=inputs.scope, dates=dates)
    return Figures({span.period_id: series.get(span.as_of(inputs.today)) for span in started}, series[inputs.today])


def _report_figures(indicator: Indicator, inputs: ScopeInputs) -> Figures:
    """Per period the observation or the counted reports' sum; cumulative ones run on from the baseline."""
    definition = indicator.definition
    reported = figures.reported_per_period(inputs.report_sums, fields=definition["fields"], kinds=definition["kinds"])
    started = inputs.started()
    observed = {period_id: row.value for period_id, row in inputs.observations.get(indicator.key, {}).items()}
    values = figures.per_period(started, reported, observed)
    if indicator.aggregation == "cumulative":
        baseline = inputs.baselines.get(indicator.key)
        values = figures.cumulative(
            started,
            values,
            baseline_value=baseline.value if baseline else 0.0,
            baseline_on=baseline.on if baseline else None,
        )
    return Figures(values, figures.latest(started, values, inputs.today))


async def all_figures(session: AsyncSession, inputs: ScopeInputs) -> dict[str, Figures]:
    """Every indicator's figures in the scope; ratios from their terms' figures."""
    found: dict[str, Figures] = {}
    for indicator in inputs.indicators:
        if indicator.source == "registry":
            found[indicator.key] = await _registry_figures(session, indicator, inputs)
        elif indicator.source == "reports":
            found[indicator.key] = _report_figures(indicator, inputs)
    for indicator in inputs.indicators:
        if indicator.source == "ratio":
            top, bottom = found[indicator.definition["numerator"]], found[indicator.definition["denominator"]]
            per_period = {
                span.period_id: figures.ratio(top.per_period.get(span.period_id), bottom.per_period.get(span.period_id))
                for span in inputs.started()
            }
            found[indicator.key] = Figures(per_period, figures.ratio(top.actual, bottom.actual))
    return found


def _goals(targets: Sequence[Target]) -> list[Goal]:
    """Targets as the trajectory rules take them."""
    return [
        Goal(
            target.due_on,
            target.value,
            tuple(Point(date.fromisoformat(point["on"]), point["value"]) for point in target.trajectory),
        )
        for target in targets
    ]


def progress_of(indicator: Indicator, found: Figures, inputs: ScopeInputs) -> Progress:
    """One indicator's progress: actual, baseline, targets, expected value, status and series to its target."""
    baseline = inputs.baselines.get(indicator.key)
    targets = sorted(inputs.targets.get(indicator.key, []), key=lambda target: target.due_on)
    start = Point(baseline.on, baseline.value) if baseline else None
    goals = _goals(targets)
    points = trajectory.trajectory(start, goals)
    status, expected = trajectory.status(
        actual=found.actual,
        baseline=start,
        goals=goals,
        day=inputs.today,
        higher_is_better=indicator.direction == "higher",
        tolerance=indicator.tolerance,
    )
    goal = trajectory.current_goal(goals, inputs.today)
    horizon = max([inputs.today, *(target.due_on for target in targets)])
    series = [
        SeriesPoint(
            period=span.period_id,
            starts_on=span.starts_on,
            ends_on=span.ends_on,
            value=found.per_period.get(span.period_id),
            expected=trajectory.expected_at(points, span.ends_on) if points and start else None,
        )
        for span in inputs.spans
        if span.starts_on <= horizon and (start is None or span.ends_on > start.on)
    ]
    shown = [
        TargetShown(value=target.value, due_on=target.due_on, source_note=target.source_note) for target in targets
    ]
    return Progress(
        indicator=indicator.key,
        name_nl=indicator.name_nl,
        name_en=indicator.name_en,
        unit=indicator.unit,
        direction=indicator.direction,
        source=indicator.source,
        aggregation=indicator.aggregation,
        scope=inputs.scope.text,
        as_of=inputs.today,
        actual=found.actual,
        baseline=BaselineShown(value=baseline.value, on=baseline.on, source_note=baseline.source_note)
        if baseline
        else None,
        target=next((item for item in shown if goal and item.due_on == goal.due_on), None),
        targets=shown,
        expected=expected if status is not None else None,
        status=status,
        series=series,
    )


async def computed_figures(session: AsyncSession, *, scope: Scope, today: date) -> Computed:
    """Every indicator's inputs and figures in the scope today, kept until their sources change (`cache`)."""

    async def compute() -> Computed:
        inputs = await scope_inputs(session, scope=scope, today=today)
        return Computed(inputs, await all_figures(session, inputs))

    return await kept_figures(session, scope=scope, today=today, compute=compute)


async def scope_progress(
    session: AsyncSession, *, scope: Scope, today: date, keys: Sequence[str] | None = None
) -> list[Progress]:
    """The progress of every indicator (or those named) in the scope today, by key."""
    computed = await computed_figures(session, scope=scope, today=today)
    return [
        progress_of(indicator, computed.figures[indicator.key], computed.inputs)
        for indicator in computed.inputs.indicators
        if keys is None or indicator.key in keys
    ]
