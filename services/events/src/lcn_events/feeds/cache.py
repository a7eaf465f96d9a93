"""The network feed's bodies, made once per version of the public events (as the monitor keeps its figures, ADR
0029) and kept with their ETag.

A feed of 2,000 events reads and renders in about a second; between changes it is the same bytes. So each process
keeps each feed (its filters, its day, its host) with the version of the public events it was made at, and reads
that version (one aggregate over the event table) on each request: the same version serves the kept body, another
makes it again. The version is read before the events, so a kept body is never older than its version: a change
committing in between only makes the next request build it again. Concurrent requests for one feed wait for one
build.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import OrderedDict, defaultdict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_events.feeds.repository import public_version

# Feeds kept per process (each combination of filters and day is one); the least recently asked goes first.
MAX_FEEDS = 64


def entity_tag(body: bytes) -> str:
    """The strong ETag of a body: a digest of its bytes."""
    return f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'


@dataclass(frozen=True)
class Kept:
    """A feed's body and ETag, made at a version of the public events."""

    version: tuple[int, int]
    body: bytes
    etag: str


def _as_new(kept: tuple[int, int], asked: tuple[int, int]) -> bool:
    """True when a body kept at `kept` is at least as new as `asked` (both parts only ever grow)."""
    return kept[0] >= asked[0] and kept[1] >= asked[1]


class FeedCache:
    """The feeds one process has made, for one database."""

    def __init__(self) -> None:
        self._kept: OrderedDict[Hashable, Kept] = OrderedDict()
        self._building: defaultdict[Hashable, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def feed(self, session: AsyncSession, *, key: Hashable, build: Callable[[], Awaitable[bytes]]) -> Kept:
        """The feed `key`, built (`build`) again only when the public events changed since it was kept."""
        version = await public_version(session)
        async with self._building[key]:
            kept = self._kept.get(key)
            if kept is None or not _as_new(kept.version, version):
                body = await build()
                kept = Kept(version, body, entity_tag(body))
                self._kept[key] = kept
            self._kept.move_to_end(key)
            while len(self._kept) > MAX_FEEDS:
                dropped, _ = self._kept.popitem(last=False)
                self._building.pop(dropped, None)
            return kept


_CACHES: WeakKeyDictionary[AsyncEngine, FeedCache] = WeakKeyDictionary()


def cache_of(session: AsyncSession) -> FeedCache:
    """The cache of the database the session reads (one per engine: tests run many services in one process)."""
    engine = session.bind
    assert isinstance(engine, AsyncEngine), "sessions are bound to the service's engine"
    return _CACHES.setdefault(engine, FeedCache())
