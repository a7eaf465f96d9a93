"""Feed records and deliveries for the feed tests."""

from __future__ import annotations

from typing import Any

import httpx


def create_record(external_id: str, **changes: Any) -> dict[str, Any]:
    """A valid Katapult-style record, with changes."""
    record: dict[str, Any] = {
        "external_id": external_id,
        "name": "Fieldlab Slimme Maakindustrie Twente",
        "kinds": ["Fieldlab"],
        "topsectors": ["HTSM"],
        "province": "Overijssel",
        "municipality": "Enschede",
        "website": "https://www.fieldlab-smi-twente.nl",
        "partners": [
            {"name": "Saxion", "type": "school-hbo", "role": "lead"},
            {"name": "ROC van Twente", "type": "school-mbo", "role": "partner"},
            {"name": "Demcon", "type": "company-large", "role": "partner"},
        ],
    }
    return record | changes


async def deliver(
    client: httpx.AsyncClient,
    key: str,
    feed_source: str,
    records: list[dict[str, Any]],
    *,
    mode: str = "upsert",
    confirm_withdrawals: bool = False,
) -> httpx.Response:
    """Deliver records as one JSON import."""
    return await client.post(
        f"/v1/feeds/{feed_source}/imports",
        params={"mode": mode, "confirm_withdrawals": confirm_withdrawals},
        json=records,
        headers={"Authorization": f"Bearer {key}"},
    )
