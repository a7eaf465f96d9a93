"""Every scope's figures, computed once per change of what they are made of (`lcn_shared.kept`).

Computing a scope's figures reads every community and every approved report (about half a second for the whole
network at 10,000 communities and 50,000 reports); they change only when a statement changes one of their source
tables, which moves the figures' version on (a trigger, `progress/models.py`). So each process keeps the figures
of each scope and day with the version they were computed at, and reads the version (one indexed row) on each
request: the same version serves the kept figures, a newer one computes them again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_monitor.scopes import Scope
from lcn_shared.kept import PerDatabase

if TYPE_CHECKING:
    from lcn_monitor.progress.service import Figures, ScopeInputs

# A network has a few dozen scopes (national, five landsdelen, the top sectors); a day's figures replace the last.
MAX_KEPT = 256


@dataclass(frozen=True)
class Computed:
    """A scope's inputs and figures on a day."""

    inputs: ScopeInputs
    figures: dict[str, Figures]


_FIGURES: PerDatabase[Computed] = PerDatabase(max_entries=MAX_KEPT)


async def kept_figures(
    session: AsyncSession, *, scope: Scope, today: date, compute: Callable[[], Awaitable[Computed]]
) -> Computed:
    """The scope's figures today, computed (`compute`) again only when their sources changed since."""
    version = await figures_version(session)
    return (await _FIGURES.of(session).get((scope.text, today), version=(version,), make=compute)).value


async def figures_version(session: AsyncSession) -> int:
    """The current version of the figures' sources."""
    found = await session.exec(text("SELECT version FROM figures_version"))  # type: ignore[call-overload]
    return int(found.scalar_one())
