"""The time a service's rules run on: the system's clock in production, a hand-set one in tests.

Deadlines, reminders and trajectories depend on "now"; reading it through `runtime.clock` (or `ClockDep` in a
route) lets a test move time forward, and across a restart of the service, without sleeping or patching.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Protocol

from fastapi import Depends, Request


class Clock(Protocol):
    """A source of the current time."""

    def now(self) -> datetime:
        """The current moment, timezone-aware."""
        ...


class SystemClock:
    """The machine's clock, in UTC."""

    def now(self) -> datetime:
        """The current moment."""
        return datetime.now(UTC)


class ManualClock:
    """A clock that moves only when told to (tests); several apps may share one, as a restart does."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("a ManualClock needs a timezone-aware start")
        self._now = start

    def now(self) -> datetime:
        """The moment the clock was set to."""
        return self._now

    def set(self, moment: datetime) -> None:
        """Jump to `moment`."""
        if moment.tzinfo is None:
            raise ValueError("set the clock to a timezone-aware moment")
        self._now = moment

    def advance(self, by: timedelta) -> None:
        """Move forward by `by`."""
        self._now += by


async def get_clock(request: Request) -> Clock:
    """FastAPI dependency: the service's clock (async: FastAPI runs a plain `def` dependency on a worker thread,
    a thread hop on every request)."""
    clock: Clock = request.app.state.runtime.clock
    return clock


ClockDep = Annotated[Clock, Depends(get_clock)]
