"""The dashboard's pure parts: chart geometry (scales, bars, gaps in the trajectory, labels that fit) and how numbers,
amounts, dates and shares are written in Dutch and English."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

import pytest

from lcn_monitor.dashboard import charts
from lcn_monitor.dashboard.formatting import day, figure, moment, number, percent, tick
from lcn_monitor.dashboard.views import default_period
from lcn_monitor.periods.models import ReportingPeriod


def chart(
    periods: Sequence[str] = ("2026-H1", "2026-H2", "2027-H1"),
    values: Sequence[float | None] = (20.0, None, 60.0),
    expected: Sequence[float | None] = (25.0, 50.0, 75.0),
    target: float | None = 100.0,
    goals: Sequence[tuple[int, float]] = ((2, 100.0),),
) -> charts.Chart:
    """A chart of counts: by default three periods with a trajectory and a target of 100."""
    return charts.progress_chart(
        periods,
        values,
        expected,
        target=target,
        target_text="Doel",
        goals=goals,
        tick_text=lambda value, step: number(value, "nl"),
        whole=True,
    )


def test_a_chart_scales_its_bars_lines_and_target_into_the_plot() -> None:
    """The axis runs from 0 to a round value at or above the target; a bar's top is its value's height; a period
    without a figure has no bar; the target's line and marker sit at its value."""
    drawn = chart()
    height = drawn.bottom - drawn.top
    assert [tick.text for tick in drawn.ticks] == ["0", "25", "50", "75", "100"]
    assert drawn.ticks[0].y == drawn.bottom
    assert drawn.ticks[-1].y == drawn.top
    assert len(drawn.bars) == 2
    assert drawn.bars[0].height == pytest.approx(height * 0.2, abs=0.1)
    assert drawn.bars[1].y == pytest.approx(drawn.bottom - height * 0.6, abs=0.1)
    assert drawn.target_y == drawn.top
    assert drawn.goals == [charts.Marker(drawn.labels[-1].x, drawn.top)]
    assert len(drawn.trajectory) == 1
    assert len(drawn.trajectory[0].split()) == 3


def test_a_gap_in_the_trajectory_breaks_its_line_and_no_target_draws_none() -> None:
    """None in the expected values splits the line in runs; without a target there is no dashed line."""
    drawn = chart(expected=(10.0, None, 30.0), target=None, goals=())
    assert len(drawn.trajectory) == 2
    assert drawn.target_y is None
    assert [tick.text for tick in drawn.ticks][-1] == "60"


def test_labels_thin_out_to_fit_and_the_latest_period_is_always_named() -> None:
    """Twenty periods cannot all be named under 640 pixels: every second one is, counted from the last."""
    periods = [f"{2021 + index // 2}-H{index % 2 + 1}" for index in range(20)]
    drawn = chart(periods=periods, values=[1.0] * 20, expected=[None] * 20, goals=())
    named = [label.text for label in drawn.labels]
    assert named[-1] == "2030-H2"
    assert 4 <= len(named) < 20
    assert all(later.x - earlier.x > 50 for earlier, later in zip(drawn.labels, drawn.labels[1:], strict=False))


def test_counts_get_whole_steps_and_ratios_fractions() -> None:
    """Three communities: steps of one; a ratio of 0.9: steps of a quarter."""
    assert charts.axis(3, whole=True) == (1.0, 3.0)
    assert charts.axis(0.9, whole=False) == (0.25, 1.0)
    assert charts.axis(0, whole=True) == (1.0, 1.0)
    assert charts.axis(8500, whole=True) == (2500.0, 10000.0)


@pytest.mark.parametrize(
    ("value", "unit", "language", "compact", "shown"),
    [
        (8500.0, "count", "nl", False, "8.500"),
        (8500.0, "count", "en", False, "8,500"),
        (1234567.0, "count", "nl", True, "1.234.567"),
        (300_000_000.0, "eur", "nl", True, "€ 300 mln"),
        (300_000_000.0, "eur", "en", True, "€300m"),
        (3_750_000.0, "eur", "nl", True, "€ 3,8 mln"),
        (1_500_000_000.0, "eur", "nl", True, "€ 1,5 mld"),
        (250_000.0, "eur", "nl", True, "€ 250.000"),
        (3_750_000.0, "eur", "nl", False, "€ 3.750.000"),
        (151.0, "ratio", "nl", True, "151,00"),
        (0.256, "ratio", "en", True, "0.26"),
        (None, "count", "nl", True, "–"),
    ],
)
def test_figures_are_written_in_their_unit_and_language(
    value: float | None, unit: str, language: str, compact: bool, shown: str
) -> None:
    """Counts with thousands separators, euros in millions from a million on (exact in tables), ratios to two
    decimals; Dutch separators unless English is asked for."""
    assert figure(value, unit, language, compact=compact) == shown


def test_an_axis_of_euros_keeps_one_scale_and_dates_and_shares_read_as_words() -> None:
    """€ 0,5 mln beside € 1 mln (not € 500.000); 31 december 2030; 67%; a moment on Amsterdam's clock."""
    assert [tick(value, "eur", "nl", 500_000) for value in (0, 500_000, 1_000_000)] == ["€ 0", "€ 0,5 mln", "€ 1,0 mln"]
    assert day(date(2030, 12, 31), "nl") == "31 december 2030"
    assert day(date(2030, 12, 31), "en") == "31 December 2030"
    assert percent(2 / 3, "nl") == "67%"
    assert percent(None, "nl") == "–"
    assert moment(datetime(2027, 1, 15, 10, 0, tzinfo=UTC), "nl") == "15 januari 2027, 11:00"


def period(period_id: str, starts: date, ends: date, deadline: date, *, required: bool = True) -> ReportingPeriod:
    """A reporting period."""
    return ReportingPeriod(
        period_id=period_id,
        starts_on=starts,
        ends_on=ends,
        deadline=deadline,
        closes_on=deadline,
        reports_required=required,
        updated_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_completeness_opens_on_the_last_required_period_past_its_deadline_else_the_running_one() -> None:
    """2026-H1 was not required; before 2026-H2's deadline the running period is shown, after it 2026-H2."""
    periods = [
        period("2026-H1", date(2026, 1, 1), date(2026, 6, 30), date(2026, 8, 31), required=False),
        period("2026-H2", date(2026, 7, 1), date(2026, 12, 31), date(2027, 2, 28)),
        period("2027-H1", date(2027, 1, 1), date(2027, 6, 30), date(2027, 8, 31)),
    ]
    chosen = [default_period(periods, today) for today in (date(2027, 1, 15), date(2027, 3, 10), date(2025, 5, 1))]
    assert [found.period_id if found else None for found in chosen] == ["2027-H1", "2026-H2", "2026-H1"]
    assert default_period([], date(2027, 1, 1)) is None
