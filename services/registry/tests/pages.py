"""Following a list's pages in tests: every list of the API is `{data, next_cursor}`."""

from __future__ import annotations

from typing import Any

import httpx


async def walk(client: httpx.AsyncClient, path: str, params: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """Follow `next_cursor` to the end: every item in order, and how many pages it took."""
    items: list[dict[str, Any]] = []
    cursor, pages = None, 0
    while True:
        response = await client.get(path, params=params | ({"cursor": cursor} if cursor else {}))
        assert response.status_code == 200, response.text
        items += response.json()["data"]
        cursor, pages = response.json()["next_cursor"], pages + 1
        if cursor is None:
            return items, pages
