"""The community endpoints: listings without merged ids, filters, the public view, and 308 for merged ids."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from lcn_monitor.communities import service
from lcn_monitor.main import create_app as create_monitor
from lcn_shared.db import SessionFactory
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import run_service, service_config
from services.monitor.tests.communities.builders import (
    apply,
    create_membership_changed,
    create_merged,
    create_registered,
    create_status_changed,
)


async def register(sessions: SessionFactory, **changes: Any) -> UUID:
    """Project a `registered` event; return the community id."""
    event = create_registered(**changes)
    await apply(sessions, service.project_registered, event)
    return event.community_id


async def test_listing_leaves_out_merged_ids_and_filters(platform: PlatformSettings, sessions: SessionFactory) -> None:
    """`landsdeel`, `topsector` and `status` filter; a merged-away id is never listed."""
    noord = await register(sessions, name="A Noord energie", landsdeel="noord", topsectors=["energie"])
    oost = await register(sessions, name="B Oost htsm", landsdeel="oost", topsectors=["htsm"], primary_topsector=None)
    ended = await register(sessions, name="C Noord ended", landsdeel="noord", topsectors=["htsm"])
    merged = await register(sessions, name="D merged", landsdeel="noord", topsectors=["energie"])
    await apply(sessions, service.project_status_changed, create_status_changed(ended, 2, "active", "ended"))
    await apply(sessions, service.project_merged, create_merged(noord, merged, 2))
    async with run_service(create_monitor, service_config(platform, "monitor")) as (_, monitor):

        async def listed(**filters: str) -> list[str]:
            response = await monitor.get("/v1/communities", params=filters)
            assert response.status_code == 200, response.text
            body = response.json()
            assert body["count"] == len(body["data"])
            return [community["community_id"] for community in body["data"]]

        assert await listed() == [str(noord), str(oost), str(ended)]
        assert await listed(landsdeel="noord") == [str(noord), str(ended)]
        assert await listed(topsector="htsm") == [str(oost), str(ended)]
        assert await listed(status="ended") == [str(ended)]
        assert await listed(landsdeel="noord", topsector="energie", status="active") == [str(noord)]
        assert (await monitor.get("/v1/communities", params={"landsdeel": "atlantis"})).status_code == 422


async def test_public_view_shows_the_new_fields_and_partners(
    platform: PlatformSettings, sessions: SessionFactory
) -> None:
    """Kinds, status, province, version and the partners as a list by name."""
    community_id = await register(sessions)
    organisation_id = uuid.uuid4()
    joined = create_membership_changed(community_id, 2, organisation_id, "added", "lead")
    await apply(sessions, service.project_membership_changed, joined)
    async with run_service(create_monitor, service_config(platform, "monitor")) as (_, monitor):
        response = await monitor.get(f"/v1/communities/{community_id}")
    assert response.status_code == 200, response.text
    community = response.json()
    assert (community["kind"], community["kinds"]) == ("civ", ["civ", "fieldlab"])
    assert (community["status"], community["province"], community["version"]) == ("active", "drenthe", 2)
    assert community["partners"] == [
        {
            "organisation_id": str(organisation_id),
            "name": "Hanzehogeschool",
            "type": "school-hbo",
            "role": "lead",
            "can_edit": True,
        }
    ]
    assert "merged_into" not in community


async def test_a_merged_id_answers_308_to_the_end_of_its_merge_chain(
    platform: PlatformSettings, sessions: SessionFactory
) -> None:
    """A into B, B into C: GET A and GET B both redirect permanently to C; unknown ids are 404."""
    first, second, third = [await register(sessions) for _ in range(3)]
    await apply(sessions, service.project_merged, create_merged(second, first, 2))
    await apply(sessions, service.project_merged, create_merged(third, second, 2))
    async with run_service(create_monitor, service_config(platform, "monitor")) as (_, monitor):
        for merged in (first, second):
            response = await monitor.get(f"/v1/communities/{merged}")
            assert response.status_code == 308
            assert response.headers["location"].endswith(f"/v1/communities/{third}")
        followed = await monitor.get(f"/v1/communities/{first}", follow_redirects=True)
        missing = await monitor.get(f"/v1/communities/{uuid.uuid4()}")
    assert (followed.status_code, followed.json()["community_id"]) == (200, str(third))
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
