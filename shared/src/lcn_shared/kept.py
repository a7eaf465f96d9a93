"""Values made once per version of what they are made of, and kept in the process until that version moves on.

Some answers are expensive to make and the same between changes: a scope's figures in the monitor, the network's
calendar feed and the year view in the events service. Each caller reads a cheap version of the answer's sources
(a counter row, an aggregate) on every request and asks for the value at that version: a kept value at least as
new is served, anything older is made again. Reading the version *before* making the value means a kept value is
never older than its version: a change committing in between only makes the next request make it again. Concurrent
requests for one key wait for one making. A version is a tuple of integers that each only grow, so "at least as
new" is every part at least as large.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict, defaultdict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

V = TypeVar("V")
Version = tuple[int, ...]


@dataclass(frozen=True)
class Kept(Generic[V]):
    """A value and the version of its sources it was made at."""

    version: Version
    value: V


def as_new(kept: Version, asked: Version) -> bool:
    """True when a value kept at `kept` is at least as new as `asked` (every part only ever grows)."""
    return len(kept) == len(asked) and all(have >= want for have, want in zip(kept, asked, strict=True))


class KeptValues(Generic[V]):
    """The values one process keeps for one database, the least recently asked dropped past `max_entries`."""

    def __init__(self, *, max_entries: int) -> None:
        self.max_entries = max_entries
        self._kept: OrderedDict[Hashable, Kept[V]] = OrderedDict()
        self._making: defaultdict[Hashable, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def get(self, key: Hashable, *, version: Version, make: Callable[[], Awaitable[V]]) -> Kept[V]:
        """The value of `key` at `version` or newer, made (`make`) again only when the kept one is older."""
        kept = self._kept.get(key)
        if kept is None or not as_new(kept.version, version):
            async with self._making[key]:
                kept = self._kept.get(key)  # made meanwhile by the request this one waited for?
                if kept is None or not as_new(kept.version, version):
                    kept = Kept(version, await make())
                    self._kept[key] = kept
        self._kept.move_to_end(key)
        while len(self._kept) > self.max_entries:
            dropped, _ = self._kept.popitem(last=False)
            self._making.pop(dropped, None)
        return kept


class PerDatabase(Generic[V]):
    """One KeptValues per database engine: a service's values are its database's (tests run many in a process)."""

    def __init__(self, *, max_entries: int = 64) -> None:
        self.max_entries = max_entries
        self._caches: WeakKeyDictionary[AsyncEngine, KeptValues[V]] = WeakKeyDictionary()

    def of(self, session: AsyncSession) -> KeptValues[V]:
        """The values kept for the database the session reads."""
        engine = session.bind
        assert isinstance(engine, AsyncEngine), "sessions are bound to the service's engine"
        if (cache := self._caches.get(engine)) is None:
            cache = self._caches[engine] = KeptValues(max_entries=self.max_entries)
        return cache
