"""Group commit: concurrent requests that write the same kind of thing share one transaction.

Each request submits its item and waits. While one batch is being written, new items queue; when
it is done, the next batch takes everything that queued meanwhile ("smart batching"). So a lone
request is written at once, with no timer to wait for, and under load one transaction, one round
trip per table and one fsync serve many requests (ADR 0018).

A batch is all or nothing. When it fails as a whole, its items are tried again one by one, so a
request that cannot be written fails alone and the others are still written.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar
from weakref import WeakKeyDictionary

from lcn_shared.runtime import ServiceRuntime

log = logging.getLogger(__name__)

Item = TypeVar("Item")
Result = TypeVar("Result")
Flush = Callable[[ServiceRuntime, Sequence[Item]], Awaitable[Sequence[Result | Exception]]]


@dataclass
class _Queue(Generic[Item, Result]):
    """The items of one runtime waiting for the next batch, and whether a batch is being written."""

    waiting: list[tuple[Item, asyncio.Future[Result]]] = field(default_factory=list)
    writing: bool = False


class GroupCommit(Generic[Item, Result]):
    """Writes items in batches through `flush`, which answers each item with its result or its error."""

    def __init__(self, flush: Flush[Item, Result], *, max_batch: int = 64) -> None:
        self._flush = flush
        self._max_batch = max_batch
        # Per runtime (one per app), so apps in one process, as in tests, never share a batch.
        self._queues: WeakKeyDictionary[ServiceRuntime, _Queue[Item, Result]] = WeakKeyDictionary()

    async def submit(self, runtime: ServiceRuntime, item: Item) -> Result:
        """Write `item` with whatever else is waiting; its result, or its error raised here."""
        queue = self._queues.setdefault(runtime, _Queue())
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        queue.waiting.append((item, future))
        if not queue.writing:
            queue.writing = True
            # A task of its own: the batch must finish even if the request that started it is cancelled.
            asyncio.get_running_loop().create_task(self._write_all(runtime, queue))
        return await asyncio.shield(future)

    def waiting(self, runtime: ServiceRuntime) -> int:
        """How many items wait for the next batch (the one being written not counted)."""
        queue = self._queues.get(runtime)
        return len(queue.waiting) if queue else 0

    async def _write_all(self, runtime: ServiceRuntime, queue: _Queue[Item, Result]) -> None:
        """Write batches until nothing waits."""
        batch: list[tuple[Item, asyncio.Future[Result]]] = []
        try:
            while queue.waiting:
                batch, queue.waiting = queue.waiting[: self._max_batch], queue.waiting[self._max_batch :]
                await self._write(runtime, batch)
        except BaseException:  # cancelled at shutdown: no request may wait for ever
            for _, future in [*batch, *queue.waiting]:
                if not future.done():
                    future.set_exception(RuntimeError("the service stopped before the write was confirmed"))
            queue.waiting.clear()
            raise
        finally:
            queue.writing = False

    async def _write(self, runtime: ServiceRuntime, batch: list[tuple[Item, asyncio.Future[Result]]]) -> None:
        """Write one batch; if it fails as a whole and holds more than one item, write them one by one."""
        try:
            results = await self._flush(runtime, [item for item, _ in batch])
        except Exception as exc:
            if len(batch) == 1:
                results = [exc]
            else:
                log.info("a batch of %d failed (%s); writing its items one by one", len(batch), exc)
                for one in batch:
                    await self._write(runtime, [one])
                return
        for (_, future), result in zip(batch, results, strict=True):
            if future.done():
                continue
            if isinstance(result, Exception):
                future.set_exception(result)
            else:
                future.set_result(result)
