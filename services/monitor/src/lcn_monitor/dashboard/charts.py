"""The dashboard's charts as geometry: a bar per period, the trajectory's line, the target's line and the targets'
markers, scaled into an SVG view box. Pure functions; the templates draw the SVG from what they return."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 640, 260
TOP, RIGHT, BOTTOM = 22.0, 12.0, 30.0  # room for the target's label, the last bar, and the periods below
CHAR_WIDTH, FONT_GAP = 7.0, 10.0  # a label's width at the charts' 12px type, roughly, and its space around
BAR_SHARE = 0.62  # of a period's slot; the rest separates the bars
TICKS = 4


@dataclass(frozen=True)
class Tick:
    """A value on the vertical axis: where its grid line is and what it says."""

    y: float
    text: str


@dataclass(frozen=True)
class Bar:
    """One period's figure as a bar."""

    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Label:
    """A period's name under the horizontal axis."""

    x: float
    text: str


@dataclass(frozen=True)
class Marker:
    """A point: on the trajectory, or a target at the period it is due in."""

    x: float
    y: float


@dataclass(frozen=True)
class Chart:
    """Everything a template draws: the plot's edges, the axis, the bars, the lines and the markers."""

    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    ticks: list[Tick]
    labels: list[Label]
    bars: list[Bar]
    trajectory: list[str]  # polyline points, one string per unbroken run of the trajectory
    trajectory_markers: list[Marker]
    target_y: float | None
    target_text: str
    goals: list[Marker]


def nice_step(rough: float, *, whole: bool = False) -> float:
    """The round step (1, 2, 2.5 or 5 times a power of ten) at or above `rough`; for counts a whole one (no 2.5)."""
    if rough <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(rough))
    factors = (1.0, 2.0, 5.0, 10.0) if whole and power < 10 else (1.0, 2.0, 2.5, 5.0, 10.0)
    step = next(factor * power for factor in factors if rough <= factor * power * (1 + 1e-9))
    return max(step, 1.0) if whole else step


def axis(highest: float, *, whole: bool) -> tuple[float, float]:
    """The axis's step and its top (a whole number of steps at or above `highest`); whole numbers for counts."""
    step = nice_step(max(highest, 0.0) / TICKS, whole=whole)
    top = max(step, math.ceil(highest / step - 1e-9) * step)
    return step, top


def _round(value: float) -> float:
    """A coordinate to a tenth of a pixel: short SVG, no visible difference."""
    return round(value, 1)


def label_step(labels: Sequence[str], plot_width: float) -> int:
    """Every how many periods a name fits under the axis without overlapping the next."""
    if not labels:
        return 1
    widest = max(len(text) for text in labels) * CHAR_WIDTH + FONT_GAP
    return max(1, math.ceil(widest / (plot_width / len(labels))))


def runs(values: Sequence[float | None]) -> list[list[int]]:
    """The positions of each unbroken run of values (None breaks a run)."""
    found: list[list[int]] = []
    for index, value in enumerate(values):
        if value is None:
            continue
        if found and found[-1][-1] == index - 1:
            found[-1].append(index)
        else:
            found.append([index])
    return found


def progress_chart(
    periods: Sequence[str],
    values: Sequence[float | None],
    expected: Sequence[float | None],
    *,
    target: float | None,
    target_text: str,
    goals: Sequence[tuple[int, float]],
    tick_text: Callable[[float, float], str],
    whole: bool,
) -> Chart:
    """Bars of `values`, the trajectory through `expected`, the target's line and a marker per (index, value) goal."""
    shown = [value for value in (*values, *expected, target, *(value for _, value in goals)) if value is not None]
    step, top_value = axis(max(shown, default=0.0), whole=whole)
    ticks_at = [step * index for index in range(round(top_value / step) + 1)]
    texts = [tick_text(value, step) for value in ticks_at]
    left = max(len(text) for text in texts) * CHAR_WIDTH + FONT_GAP
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    plot_width, plot_height = right - left, bottom - TOP

    def y_of(value: float) -> float:
        return _round(bottom - plot_height * max(value, 0.0) / top_value)

    slot = plot_width / max(len(periods), 1)

    def x_of(index: int) -> float:
        return _round(left + slot * (index + 0.5))

    bars = [
        Bar(
            _round(x_of(index) - slot * BAR_SHARE / 2),
            y_of(value),
            _round(slot * BAR_SHARE),
            _round(bottom - y_of(value)),
        )
        for index, value in enumerate(values)
        if value is not None
    ]
    every = label_step(periods, plot_width)
    # Counted back from the last period, so the most recent one is always named.
    labels = [Label(x_of(index), text) for index, text in enumerate(periods) if (len(periods) - 1 - index) % every == 0]
    trajectory = [" ".join(f"{x_of(index)},{y_of(expected[index] or 0.0)}" for index in run) for run in runs(expected)]
    markers = [Marker(x_of(index), y_of(value)) for index, value in enumerate(expected) if value is not None]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=_round(left),
        top=TOP,
        right=right,
        bottom=bottom,
        ticks=[Tick(y_of(value), text) for value, text in zip(ticks_at, texts, strict=True)],
        labels=labels,
        bars=bars,
        trajectory=trajectory,
        trajectory_markers=markers,
        target_y=y_of(target) if target is not None else None,
        target_text=target_text,
        goals=[Marker(x_of(index), y_of(value)) for index, value in goals if 0 <= index < len(periods)],
    )
