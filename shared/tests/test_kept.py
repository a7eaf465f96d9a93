"""Values kept per version of their sources: served while current, made again once, dropped when least used."""

from __future__ import annotations

import asyncio

from lcn_shared.kept import KeptValues, as_new


def maker(made: list[str], value: str, *, pause: float = 0.0):  # type: ignore[no-untyped-def]
    """A `make` that records each call."""

    async def make() -> str:
        made.append(value)
        await asyncio.sleep(pause)
        return value

    return make


async def test_a_value_is_served_as_kept_until_its_version_moves_on() -> None:
    kept: KeptValues[str] = KeptValues(max_entries=4)
    made: list[str] = []

    first = await kept.get("year", version=(1, 10), make=maker(made, "a"))
    again = await kept.get("year", version=(1, 10), make=maker(made, "b"))
    newer = await kept.get("year", version=(1, 11), make=maker(made, "c"))

    assert (first.value, again.value, newer.value) == ("a", "a", "c")
    assert made == ["a", "c"]
    assert newer.version == (1, 11)


async def test_a_request_that_read_an_older_version_is_served_the_newer_value() -> None:
    kept: KeptValues[str] = KeptValues(max_entries=4)
    made: list[str] = []
    await kept.get("feed", version=(2, 20), make=maker(made, "new"))

    late = await kept.get("feed", version=(2, 19), make=maker(made, "old"))

    assert late.value == "new"
    assert made == ["new"]


async def test_concurrent_requests_for_one_key_wait_for_one_making() -> None:
    kept: KeptValues[str] = KeptValues(max_entries=4)
    made: list[str] = []

    answers = await asyncio.gather(
        *(kept.get("year", version=(1,), make=maker(made, f"v{n}", pause=0.01)) for n in range(5))
    )

    assert made == ["v0"]
    assert {answer.value for answer in answers} == {"v0"}


async def test_past_its_size_the_least_recently_asked_is_dropped() -> None:
    kept: KeptValues[str] = KeptValues(max_entries=2)
    made: list[str] = []
    await kept.get("a", version=(1,), make=maker(made, "a1"))
    await kept.get("b", version=(1,), make=maker(made, "b1"))
    await kept.get("a", version=(1,), make=maker(made, "a2"))  # "a" asked last: "b" goes next

    await kept.get("c", version=(1,), make=maker(made, "c1"))
    await kept.get("a", version=(1,), make=maker(made, "a3"))
    await kept.get("b", version=(1,), make=maker(made, "b2"))

    assert made == ["a1", "b1", "c1", "b2"]


def test_a_version_is_as_new_only_when_every_part_is() -> None:
    assert as_new((3, 5), (3, 5))
    assert as_new((4, 6), (3, 5))
    assert not as_new((4, 4), (3, 5))
    assert not as_new((3,), (3, 0))
