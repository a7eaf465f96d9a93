"""Where an indicator should be on a date, and what its actual says about that: on track, at risk, off track or
reached. Pure functions, so the rules are tested apart from the database.

The trajectory runs from the baseline through each target's own intermediate points to that target, then on
to the next target: straight lines between the points, unless a target gives points of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

Status = Literal["on_track", "at_risk", "off_track", "reached"]


@dataclass(frozen=True)
class Point:
    """A value the indicator should have (or had) on a date."""

    on: date
    value: float


@dataclass(frozen=True)
class Goal:
    """A target: a value by a date, with the points the trajectory passes on its way there."""

    due_on: date
    value: float
    trajectory: tuple[Point, ...] = ()


def trajectory(baseline: Point | None, goals: Sequence[Goal]) -> list[Point]:
    """Every point of the trajectory in date order: the baseline, then each goal's points and the goal itself."""
    points = [baseline] if baseline is not None else []
    for goal in sorted(goals, key=lambda goal: goal.due_on):
        points += [point for point in goal.trajectory if not points or point.on > points[-1].on]
        points.append(Point(goal.due_on, goal.value))
    return points


def expected_at(points: Sequence[Point], day: date) -> float | None:
    """The trajectory's value on `day`: interpolated between points, the first point's before it, the last's
    after it; None without a baseline before the first goal (there is no line to follow yet)."""
    if not points:
        return None
    if day <= points[0].on:
        return points[0].value
    for before, after in zip(points, points[1:], strict=False):
        if day <= after.on:
            share = (day - before.on).days / (after.on - before.on).days
            return before.value + (after.value - before.value) * share
    return points[-1].value


def current_goal(goals: Sequence[Goal], day: date) -> Goal | None:
    """The goal the indicator works towards on `day`: the first one not yet due, else the last one."""
    ordered = sorted(goals, key=lambda goal: goal.due_on)
    return next((goal for goal in ordered if goal.due_on >= day), ordered[-1] if ordered else None)


def status(
    *,
    actual: float | None,
    baseline: Point | None,
    goals: Sequence[Goal],
    day: date,
    higher_is_better: bool,
    tolerance: float,
) -> tuple[Status | None, float | None]:
    """The status on `day` and the trajectory's expected value then (None without a goal or an actual).

    Reached when the actual meets the current goal; on track when it meets the trajectory; at risk when it
    is behind by at most `tolerance` of the way from baseline to goal; off track when further behind, or when
    the goal's date has passed unmet. Without a baseline there is no line: short of the goal is on track until
    its date and off track after it."""
    goal = current_goal(goals, day)
    if goal is None or actual is None:
        return None, None
    sign = 1.0 if higher_is_better else -1.0
    if sign * (actual - goal.value) >= 0:
        return "reached", goal.value
    points = trajectory(baseline, goals)
    if day > goal.due_on:
        return "off_track", goal.value
    if baseline is None:
        return "on_track", None
    expected = expected_at(points, day)
    assert expected is not None, "a trajectory with a baseline has points"
    if sign * (actual - expected) >= 0:
        return "on_track", expected
    allowed = tolerance * abs(goal.value - baseline.value)
    return ("at_risk" if sign * (actual - expected) >= -allowed else "off_track"), expected
