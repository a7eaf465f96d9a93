"""Group commit: a lone item is written at once, items that arrive meanwhile share the next batch, and an
item that fails its batch fails alone."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import cast

import pytest

from lcn_shared.group_commit import GroupCommit
from lcn_shared.runtime import ServiceRuntime


class Runtime:
    """Stands in for a service's runtime: the queue is kept per runtime object."""


class Writer:
    """A flush that records its batches, can be held at its start, and refuses the item "bad" in a batch."""

    def __init__(self, *, held: bool = False) -> None:
        self.batches: list[list[str]] = []
        self.release = asyncio.Event()
        if not held:
            self.release.set()

    async def flush(self, runtime: ServiceRuntime, items: Sequence[str]) -> list[str | Exception]:
        self.batches.append(list(items))
        await self.release.wait()
        if "bad" in items and len(items) > 1:
            raise RuntimeError("the batch fails as a whole")
        return [ValueError(item) if item == "bad" else item.upper() for item in items]


async def submit_all(
    commit: GroupCommit[str, str], runtime: ServiceRuntime, items: Sequence[str]
) -> list[asyncio.Future[str]]:
    """Submit the items together, then let the first batch start."""
    futures = [asyncio.ensure_future(commit.submit(runtime, item)) for item in items]
    await asyncio.sleep(0)
    return futures


@pytest.fixture
def runtime() -> ServiceRuntime:
    return cast(ServiceRuntime, Runtime())


async def test_a_lone_item_is_written_at_once_in_a_batch_of_its_own(runtime: ServiceRuntime) -> None:
    writer = Writer()
    commit = GroupCommit(writer.flush)
    assert await commit.submit(runtime, "a") == "A"
    assert await commit.submit(runtime, "b") == "B"
    assert writer.batches == [["a"], ["b"]]


async def test_items_that_arrive_while_a_batch_is_written_share_the_next_batch(runtime: ServiceRuntime) -> None:
    writer = Writer(held=True)
    commit = GroupCommit(writer.flush)
    [first] = await submit_all(commit, runtime, "a")
    later = await submit_all(commit, runtime, "bcd")
    assert commit.waiting(runtime) == 3
    writer.release.set()
    assert [await first, *[await one for one in later]] == ["A", "B", "C", "D"]
    assert writer.batches == [["a"], ["b", "c", "d"]]
    assert commit.waiting(runtime) == 0


async def test_a_batch_never_exceeds_its_maximum(runtime: ServiceRuntime) -> None:
    writer = Writer(held=True)
    commit = GroupCommit(writer.flush, max_batch=2)
    futures = await submit_all(commit, runtime, "abcde")
    writer.release.set()
    assert [await one for one in futures] == list("ABCDE")
    assert writer.batches == [["a", "b"], ["c", "d"], ["e"]]


async def test_an_item_that_fails_its_batch_fails_alone_and_the_others_are_written(runtime: ServiceRuntime) -> None:
    writer = Writer(held=True)
    commit = GroupCommit(writer.flush)
    futures = await submit_all(commit, runtime, ["a", "bad", "c"])
    writer.release.set()
    results = await asyncio.gather(*futures, return_exceptions=True)
    assert results[0] == "A"
    assert isinstance(results[1], ValueError)
    assert results[2] == "C"
    assert writer.batches == [["a", "bad", "c"], ["a"], ["bad"], ["c"]]


async def test_a_cancelled_request_does_not_stop_its_batch(runtime: ServiceRuntime) -> None:
    writer = Writer(held=True)
    commit = GroupCommit(writer.flush)
    [cancelled] = await submit_all(commit, runtime, "a")
    other = asyncio.ensure_future(commit.submit(runtime, "b"))
    cancelled.cancel()
    writer.release.set()
    assert await other == "B"
    assert writer.batches == [["a"], ["b"]]


async def test_runtimes_never_share_a_batch() -> None:
    writer = Writer(held=True)
    commit = GroupCommit(writer.flush)
    one, two = cast(ServiceRuntime, Runtime()), cast(ServiceRuntime, Runtime())
    futures = [asyncio.ensure_future(commit.submit(runtime, item)) for runtime, item in ((one, "a"), (two, "b"))]
    await asyncio.sleep(0)
    writer.release.set()
    assert [await one for one in futures] == ["A", "B"]
    assert sorted(writer.batches) == [["a"], ["b"]]
