"""Small helpers for the demo loader's HTTP calls: a caller with its key, checked answers, and whole listings."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

T = TypeVar("T")
R = TypeVar("R")
IN_FLIGHT = 4  # requests at once: enough to overlap the round trips, gentle on a shared machine


class DemoLoadError(RuntimeError):
    """A service refused a demo step; the message names the request and the answer."""


def checked(response: httpx.Response, *accepted: int) -> httpx.Response:
    """The response when its status is one of `accepted` (200 or 201 by default); DemoLoadError otherwise."""
    if response.status_code not in (accepted or (200, 201)):
        request = response.request
        raise DemoLoadError(f"{request.method} {request.url}: {response.status_code} {response.text[:800]}")
    return response


@dataclass(frozen=True)
class Caller:
    """A client of one service with one API key."""

    client: httpx.AsyncClient
    key: str

    def headers(self, etag: str | None = None) -> dict[str, str]:
        """The Authorization header, and If-Match when an ETag is given."""
        return {"Authorization": f"Bearer {self.key}"} | ({"If-Match": etag} if etag else {})

    async def get(self, path: str, **params: Any) -> httpx.Response:
        """A checked GET."""
        return checked(await self.client.get(path, params=params, headers=self.headers()))

    async def post(
        self, path: str, body: Any = None, *, etag: str | None = None, params: dict[str, str] | None = None
    ) -> httpx.Response:
        """A checked POST of a JSON body."""
        return checked(await self.client.post(path, json=body, params=params, headers=self.headers(etag)))

    async def pages(self, path: str, **params: Any) -> list[dict[str, Any]]:
        """Every item of a cursor-paged listing."""
        items: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            page = (await self.get(path, **params, **({"cursor": cursor} if cursor else {}))).json()
            items += page["data"]
            cursor = page.get("next_cursor")
            if not cursor:
                return items


async def each(items: Iterable[T], step: Callable[[T], Awaitable[R]]) -> list[R]:
    """Run `step` on every item, a few at a time, in order of the items."""
    gate = asyncio.Semaphore(IN_FLIGHT)

    async def gated(item: T) -> R:
        async with gate:
            return await step(item)

    return list(await asyncio.gather(*(gated(item) for item in items)))
