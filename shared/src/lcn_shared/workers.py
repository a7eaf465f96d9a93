"""A service's background work besides its consumers and relay: checks that run every few seconds.

`ServiceDefinition(workers=[periodic("overdue-check", check, seconds=...)])` runs each worker in the lifespan,
after the database is ready, and cancels it at shutdown. A job must be safe to run on every replica at once
and again after a crash: it decides what is due from the database (a unique key, a row lock), never from
memory, so running it twice does nothing twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lcn_shared.runtime import ServiceRuntime

log = logging.getLogger(__name__)
Worker = Callable[["ServiceRuntime"], Coroutine[Any, Any, None]]
Job = Callable[["ServiceRuntime"], Awaitable[object]]


def periodic(name: str, job: Job, *, seconds: Callable[[], float]) -> Worker:
    """A worker that runs `job` every `seconds()`; a failing run (the database away, say) is logged, and the
    next one comes as usual."""

    async def run(runtime: ServiceRuntime) -> None:
        while True:
            try:
                await job(runtime)
            except Exception as exc:  # the worker outlives a failed run; the error is the log's, not the process's
                log.warning("%s: %s failed (%s); trying again in %.1fs", runtime.service, name, exc, seconds())
            await asyncio.sleep(seconds())

    run.__name__ = run.__qualname__ = name
    return run
