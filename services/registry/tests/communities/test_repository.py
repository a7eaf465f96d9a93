"""Locking reads of communities, against the test's own registry database."""

from __future__ import annotations

from lcn_registry.communities import repository, service
from lcn_registry.communities.schemas import CommunityCreate
from lcn_shared.auth import Principal, Role
from lcn_shared.db import SessionFactory, unit_of_work
from services.registry.tests.communities.builders import create_community_body

COORDINATOR = Principal(key_id="coordinator-key", role=Role.COORDINATOR)


async def test_locking_read_returns_the_committed_version_even_if_the_session_held_an_older_copy(
    sessions: SessionFactory,
) -> None:
    """A version check after `for_update` must compare against the row as locked, not a stale identity-map copy."""
    async with unit_of_work(sessions) as session:
        data = CommunityCreate.model_validate(create_community_body())
        registered = await service.register_communities(session, [service.NewCommunity(data, COORDINATOR)])
        community_id = registered[0].community_id
    async with unit_of_work(sessions) as reader:
        seen = await repository.get(reader, community_id)
        assert seen is not None
        assert seen.version == 1
        async with unit_of_work(sessions) as writer:
            changed = await service.get_community(writer, community_id=community_id, for_update=True)
            service.record_change(writer, changed, change="updated", actor="test", origin="api", changes={})
        locked = await service.get_community(reader, community_id=community_id, for_update=True)
        assert locked.version == 2
