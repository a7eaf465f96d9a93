"""Loading the demo network into a running registry, through its API, as `lcn dev` does."""

from __future__ import annotations

from typing import Any

import httpx

from lcn_registry.demo.feeds import demo_feeds
from lcn_registry.demo.network import DEMO_LEADS
from lcn_shared.contracts.vocabulary import OrganisationType

# The demo partners' organisation types; their ids come from the demo keys in credentials.json.
DEMO_PARTNER_TYPES = {
    "Brainport Development": OrganisationType.NETWORK,
    "Da Vinci College": OrganisationType.SCHOOL_MBO,
    "Hanzehogeschool Groningen": OrganisationType.SCHOOL_HBO,
}


async def load(services: dict[str, str], credentials: dict[str, Any]) -> str:
    """Register the demo partners under their keys' ids, then deliver both demo feeds; return a summary."""
    feeds = demo_feeds()
    async with httpx.AsyncClient(base_url=services["registry"], timeout=120) as client:
        coordinator = {"Authorization": f"Bearer {credentials['coordinator']}"}
        for partner in credentials["partners"]:
            if partner["name"] in DEMO_LEADS:
                body = {"name": partner["name"], "type": DEMO_PARTNER_TYPES[partner["name"]].value}
                response = await client.put(
                    f"/v1/organisations/{partner['organisation_id']}", json=body, headers=coordinator
                )
                response.raise_for_status()
        keys = {feed["source"]: feed["key"] for feed in credentials["feeds"]}
        counts = {}
        for source, records in (("katapult", feeds.katapult), ("techniekpact", feeds.techniekpact)):
            response = await client.post(
                f"/v1/feeds/{source}/imports",
                params={"mode": "snapshot"},
                json=records,
                headers={"Authorization": f"Bearer {keys[source]}"},
            )
            response.raise_for_status()
            counts[source] = response.json()["job"]["counts"]
    return ", ".join(
        f"{source}: {len(getattr(feeds, source))} records ({tally['added']} added, {tally['linked']} linked, "
        f"{tally['unchanged']} unchanged, {tally['review']} to review)"
        for source, tally in counts.items()
    )
