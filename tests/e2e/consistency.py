"""Does the monitor's read model equal the registry's state? Field by field, through both services' APIs."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

import httpx

# What the monitor keeps of a community, under the same names in both APIs.
COMPARED_FIELDS = (
    "name",
    "kinds",
    "landsdeel",
    "province",
    "municipality",
    "topsectors",
    "primary_topsector",
    "key_technologies",
    "education_levels",
    "status",
    "phase",
    "owner_organisation_id",
    "version",
)
Difference = dict[str, tuple[Any, Any]]  # field -> (registry's value, monitor's value)
CONCURRENCY = 16


async def registry_view(registry: httpx.AsyncClient, community_id: str) -> dict[str, Any]:
    """The registry's community with its partners, as the monitor should hold it."""
    community, members = await asyncio.gather(
        registry.get(f"/v1/communities/{community_id}"), registry.get(f"/v1/communities/{community_id}/organisations")
    )
    community.raise_for_status()
    members.raise_for_status()
    view = {name: community.json()[name] for name in COMPARED_FIELDS}
    view["partners"] = sorted((m["organisation_id"], m["name"], m["role"]) for m in members.json()["data"])
    return view


def monitor_view(row: dict[str, Any]) -> dict[str, Any]:
    """The monitor's community (as its API answers) in the same shape."""
    view = {name: row[name] for name in COMPARED_FIELDS}
    view["partners"] = sorted((p["organisation_id"], p["name"], p["role"]) for p in row["partners"])
    return view


async def monitor_communities(monitor: httpx.AsyncClient, *, page_size: int = 500) -> dict[str, dict[str, Any]]:
    """Every community the monitor lists (merged-away ids are not listed), by id."""
    rows: dict[str, dict[str, Any]] = {}
    offset = 0
    while True:
        response = await monitor.get("/v1/communities", params={"limit": page_size, "offset": offset})
        response.raise_for_status()
        page = response.json()
        rows |= {row["community_id"]: row for row in page["data"]}
        # Advance by what the page held, not by what is collected: while the monitor still applies events,
        # rows move between pages, and an offset of len(rows) could ask for the same page for ever.
        offset += len(page["data"])
        if len(page["data"]) < page_size or offset >= page["count"]:
            return rows


async def differences(
    registry: httpx.AsyncClient, monitor: httpx.AsyncClient, community_ids: Iterable[str]
) -> dict[str, Difference]:
    """Per community, every field where the monitor differs from the registry (empty when they agree)."""
    limit = asyncio.Semaphore(CONCURRENCY)
    held = await monitor_communities(monitor)

    async def compare(community_id: str) -> tuple[str, Difference]:
        async with limit:
            expected = await registry_view(registry, community_id)
        if community_id not in held:
            return community_id, {"(row)": ("present", "missing")}
        actual = monitor_view(held[community_id])
        return community_id, {
            name: (value, actual[name]) for name, value in expected.items() if _normal(value) != _normal(actual[name])
        }

    compared = await asyncio.gather(*(compare(community_id) for community_id in community_ids))
    return {community_id: diff for community_id, diff in compared if diff}


def _normal(value: Any) -> Any:
    """Lists compare as sets where order carries no meaning (kinds, topsectors, ...)."""
    return sorted(value, key=str) if isinstance(value, list) else value
