"""Plausibility warnings: figures that are allowed but look wrong next to the community's previous period.

They never block a report; they are stored with the submitted revision and shown to the reviewer, who knows
whether a tenfold jump is a typing error or a programme that took off.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lcn_monitor.figures import FIGURE_LABELS, FIGURES

JUMP_FACTOR = 10
# Below this a tenfold jump is ordinary growth (2 companies becoming 20), not a sign of an extra zero.
JUMP_FLOOR = 20


def warnings(
    figures: Mapping[str, int | None], previous: Mapping[str, int | None] | None, *, previous_period: str | None
) -> list[dict[str, Any]]:
    """The warnings for `figures` against the counted figures of the community's previous period."""
    if previous is None or previous_period is None:
        return []
    found: list[dict[str, Any]] = []
    for name in FIGURES:
        value, before = figures.get(name), previous.get(name)
        if value is None or before is None:
            continue
        label = FIGURE_LABELS[name][0]
        if before > 0 and value >= JUMP_FACTOR * before and value >= JUMP_FLOOR:
            found.append(
                _warning(
                    name,
                    "tenfold-rise",
                    f"{label}: {value} is ten times or more {before} in {previous_period}",
                    before,
                    value,
                )
            )
        elif value > 0 and before >= JUMP_FACTOR * value and before >= JUMP_FLOOR:
            found.append(
                _warning(
                    name,
                    "tenfold-drop",
                    f"{label}: {value} is a tenth or less of {before} in {previous_period}",
                    before,
                    value,
                )
            )
    return found


def _warning(field: str, code: str, message: str, previous: int, value: int) -> dict[str, Any]:
    """One warning as the revision stores it."""
    return {"field": field, "code": code, "message": message, "previous": previous, "value": value}
