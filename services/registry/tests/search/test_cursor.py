"""Keyset pagination through GET /v1/communities: every row once under every order, and cursors that are refused."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from uuid import UUID

import httpx
import pytest

from lcn_shared.settings import PlatformSettings
from services.registry.tests.search.builders import NOW, PROBLEM_JSON, create_communities, running_registry

# Ties on purpose: equal names (also in another case), equal timestamps, equal relevance.
NAMES = ["Alfa", "alfa", "Beta", "Beta", "Gamma", "delta", "Delta", "Epsilon"]


Seeded = tuple[httpx.AsyncClient, list[dict[str, Any]]]


@pytest.fixture
async def seeded(platform: PlatformSettings) -> AsyncIterator[Seeded]:
    """A running registry with 24 communities whose sort keys tie often, and those rows."""
    async with running_registry(platform) as client:
        rows: list[dict[str, Any]] = [
            {
                "name": NAMES[index % len(NAMES)],
                "kinds": ["fieldlab"] if index % 3 else ["civ"],
                "description": "Energie en energie" if index % 4 == 0 else "Leren over energie",
                "created_at": NOW + timedelta(minutes=index % 5),
                "updated_at": NOW + timedelta(minutes=index % 3),
            }
            for index in range(24)
        ]
        ids = await create_communities(platform, rows)
        yield client, [{**row, "community_id": community_id} for row, community_id in zip(rows, ids, strict=True)]


async def _walk(client: httpx.AsyncClient, params: dict[str, Any]) -> tuple[list[str], int]:
    """Follow next_cursor to the end; the ids in order and the total every page reported."""
    ids: list[str] = []
    totals: set[int] = set()
    cursor = None
    while True:
        response = await client.get("/v1/communities", params={**params, "limit": 5, "cursor": cursor})
        assert response.status_code == 200, response.text
        page = response.json()
        ids += [item["community_id"] for item in page["data"]]
        totals.add(page["total"])
        cursor = page["next_cursor"]
        if cursor is None:
            assert len(totals) == 1
            return ids, totals.pop()


def _expected(rows: list[dict[str, Any]], order: str) -> list[str]:
    """The oracle: rows sorted by the order's key, community_id breaking ties, in the order's direction."""
    field = order.lstrip("-")

    def key(row: dict[str, Any]) -> tuple[Any, UUID]:
        value = row["name"].lower() if field == "name" else row[field]
        return value, row["community_id"]  # Python orders UUIDs by their bytes, as PostgreSQL does

    return [str(row["community_id"]) for row in sorted(rows, key=key, reverse=order.startswith("-"))]


@pytest.mark.parametrize("kinds", [None, "fieldlab"])
async def test_cursor_walks_every_row_exactly_once_under_each_sort(seeded: Seeded, kinds: str | None) -> None:
    """Pages of 5 follow each other without duplicates or gaps, ties included, filtered or not."""
    registry, all_rows = seeded
    rows = [row for row in all_rows if kinds is None or kinds in row["kinds"]]
    filters = {"kind": kinds} if kinds else {}
    for order in ("name", "-name", "updated_at", "-updated_at", "created_at", "-created_at"):
        ids, total = await _walk(registry, {**filters, "sort": order})
        assert ids == _expected(rows, order), order
        assert total == len(rows)
    ids, total = await _walk(registry, {**filters, "q": "energie"})  # relevance: two ranks, many ties
    twice = [row for row in rows if row["description"].startswith("Energie en")]
    once = [row for row in rows if row not in twice]
    assert ids == _expected(twice, "-community_id") + _expected(once, "-community_id")
    assert total == len(rows)


def _tampered(cursor: str) -> str:
    """The same cursor with one byte of its payload changed."""
    raw = bytearray(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    raw[10] ^= 0x01
    return base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


async def test_invalid_cursor_is_a_400_problem(seeded: Seeded) -> None:
    """A cursor that is not base64, was edited, or belongs to other filters or another order is refused."""
    registry, _ = seeded
    first = await registry.get("/v1/communities", params={"limit": 2, "sort": "name"})
    cursor = first.json()["next_cursor"]
    assert cursor is not None
    refused = [
        {"cursor": "not a cursor!", "sort": "name"},
        {"cursor": "eyJrIjoxfQ", "sort": "name"},  # valid base64url, no checksum
        {"cursor": _tampered(cursor), "sort": "name"},
        {"cursor": cursor, "sort": "-name"},
        {"cursor": cursor, "sort": "name", "kind": "civ"},
    ]
    for params in refused:
        response = await registry.get("/v1/communities", params={"limit": 2, **params})
        assert response.status_code == 400, params
        assert response.headers["content-type"] == PROBLEM_JSON
        assert response.json()["type"].endswith("/invalid-cursor")
    accepted = await registry.get("/v1/communities", params={"limit": 2, "sort": "name", "cursor": cursor})
    assert accepted.status_code == 200
