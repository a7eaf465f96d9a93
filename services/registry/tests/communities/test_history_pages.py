"""A community's history pages, newest first, with an opaque cursor bound to the community."""

from __future__ import annotations

from lcn_shared.settings import PlatformSettings
from services.registry.tests.communities.builders import (
    IssueKey,
    assert_problem,
    create_community,
    create_partner,
    patch_community,
    running_registry,
)
from services.registry.tests.pages import walk


async def test_history_pages_newest_first_and_refuses_another_communitys_cursor(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Following `next_cursor` gives every change once, newest first, as one long page does; a garbage cursor,
    or one of another community's history, is a 400."""
    owner = await create_partner(api_key)
    async with running_registry(platform) as client:
        community = await create_community(client, owner)
        other = await create_community(client, owner, name="Skillslab Zorg")
        path = f"/v1/communities/{community['community_id']}/history"
        for version in range(1, 5):
            patched = await patch_community(
                client,
                owner,
                community["community_id"],
                {"description": f"Versie {version + 1}"},
                if_match=f'"{version}"',
            )
            assert patched.status_code == 200, patched.text
        whole = (await client.get(path)).json()
        paged, pages = await walk(client, path, {"limit": 2})
        cursor = (await client.get(path, params={"limit": 2})).json()["next_cursor"]
        elsewhere = await client.get(f"/v1/communities/{other['community_id']}/history", params={"cursor": cursor})
        garbage = await client.get(path, params={"cursor": cursor[:-4]})
    assert whole["next_cursor"] is None
    assert paged == whole["data"]
    assert [change["version"] for change in paged] == [5, 4, 3, 2, 1]
    assert pages == 3
    assert_problem(elsewhere, 400)
    assert_problem(garbage, 400)
