"""How an indicator's figure adds up per period, apart from the database: report sums per period, a programme's own
observation standing for a period, cumulative sums from the baseline on, and ratios.

A period's report figure is the programme's observation for the scope when there is one (its own total, which
already holds what its communities reported), else the sum of the counted reports; no report and no observation
is no figure (None), not zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class PeriodSpan:
    """A reporting period as the figures see it: its id, dates, and the day its figure is taken (its end, or today
    for the running one)."""

    period_id: str
    starts_on: date
    ends_on: date

    def as_of(self, today: date) -> date:
        """The day the period's figure stands for."""
        return min(self.ends_on, today)


def report_value(row: Mapping[str, Any], fields: Sequence[str]) -> int:
    """One report's (or one sum's) value for an indicator: its fields added, a field not reported as nothing."""
    return sum(int(row.get(name) or 0) for name in fields)


def reported_per_period(
    sums: Iterable[Mapping[str, Any]], *, fields: Sequence[str], kinds: Sequence[str]
) -> dict[str, int]:
    """Per period, the indicator's sum over report sums grouped by (period, community kinds): a group counts when
    the indicator takes every kind, or when one of the group's kinds is one it takes."""
    wanted = set(kinds)
    totals: dict[str, int] = {}
    for row in sums:
        if wanted and not wanted.intersection(row["kinds"] or ()):
            continue
        totals[row["period_id"]] = totals.get(row["period_id"], 0) + report_value(row, fields)
    return totals


def per_period(
    periods: Sequence[PeriodSpan], reported: Mapping[str, float], observed: Mapping[str, float]
) -> dict[str, float | None]:
    """Each period's figure: the observation, else the reports' sum, else None."""
    return {period.period_id: observed.get(period.period_id, reported.get(period.period_id)) for period in periods}


def in_cumulation(period: PeriodSpan, baseline_on: date | None) -> bool:
    """Whether a period adds to a cumulative figure: it ends after the baseline's date (every period without one)."""
    return baseline_on is None or period.ends_on > baseline_on


def cumulative(
    periods: Sequence[PeriodSpan],
    values: Mapping[str, float | None],
    *,
    baseline_value: float,
    baseline_on: date | None,
) -> dict[str, float | None]:
    """Each period's running total from the baseline: the baseline's value plus every figure since; None before
    the first period that adds to it."""
    running: float | None = None
    totals: dict[str, float | None] = {}
    for period in periods:
        if in_cumulation(period, baseline_on):
            running = (baseline_value if running is None else running) + (values.get(period.period_id) or 0)
        totals[period.period_id] = running
    return totals


def latest(periods: Sequence[PeriodSpan], values: Mapping[str, float | None], today: date) -> float | None:
    """The figure of the most recent period that has started by `today` and has one."""
    started = [period for period in periods if period.starts_on <= today]
    return next((value for period in reversed(started) if (value := values.get(period.period_id)) is not None), None)


def latest_period(periods: Sequence[PeriodSpan], values: Mapping[str, float | None], today: date) -> str | None:
    """The id of the period `latest` takes its figure from."""
    started = [period for period in periods if period.starts_on <= today]
    return next((period.period_id for period in reversed(started) if values.get(period.period_id) is not None), None)


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """The quotient, or None when either is missing or the denominator is zero."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator
