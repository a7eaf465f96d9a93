"""Every scope's figures, computed once per change of what they are made of.

Computing a scope's figures reads every community and every approved report (about half a second for the whole
network at 10,000 communities and 50,000 reports); they change only when a statement changes one of their source
tables, which moves the figures' version on (a trigger, `progress/models.py`). So each process keeps the figures
of each scope with the version they were computed at, and reads the version (one indexed row) on each request:
the same version serves the kept figures, a newer one computes them again. Reading the version before computing
means kept figures are never older than their version: a change that commits in between only makes the next
request compute again. Concurrent requests for one scope wait for one computation.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_monitor.scopes import Scope

if TYPE_CHECKING:
    from lcn_monitor.progress.service import Figures, ScopeInputs


@dataclass(frozen=True)
class Computed:
    """A scope's inputs and figures on a day, at a version of their sources."""

    version: int
    today: date
    inputs: ScopeInputs
    figures: dict[str, Figures]


class FiguresCache:
    """The figures of each scope a process has computed, per database."""

    def __init__(self) -> None:
        self._kept: dict[str, Computed] = {}
        self._computing: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def figures(
        self,
        session: AsyncSession,
        *,
        scope: Scope,
        today: date,
        compute: Callable[[], Awaitable[tuple[ScopeInputs, dict[str, Figures]]]],
    ) -> Computed:
        """The scope's figures today, computed (`compute`) again only when their sources changed since."""
        version = await figures_version(session)
        kept = self._kept.get(scope.text)
        if kept is not None and (kept.version, kept.today) == (version, today):
            return kept
        async with self._computing[scope.text]:
            kept = self._kept.get(scope.text)
            if kept is not None and kept.today == today and kept.version >= version:
                return kept  # computed meanwhile by the request this one waited for
            inputs, found = await compute()
            computed = Computed(version, today, inputs, found)
            self._kept[scope.text] = computed
            return computed


_CACHES: WeakKeyDictionary[AsyncEngine, FiguresCache] = WeakKeyDictionary()


def cache_of(session: AsyncSession) -> FiguresCache:
    """The cache of the database the session reads (one per engine: tests run many services in one process)."""
    engine = session.bind
    assert isinstance(engine, AsyncEngine), "sessions are bound to the service's engine"
    return _CACHES.setdefault(engine, FiguresCache())


async def figures_version(session: AsyncSession) -> int:
    """The current version of the figures' sources."""
    found = await session.exec(text("SELECT version FROM figures_version"))  # type: ignore[call-overload]
    return int(found.scalar_one())
