"""API keys: only a digest is stored; unknown, altered and revoked keys do not authenticate."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from lcn_shared.auth.keys import ApiKey, Role, create_key, digest, find_principal
from lcn_shared.db import create_engine, create_session_factory, unit_of_work
from lcn_shared.settings import IDENTITY, PlatformSettings


async def test_key_is_stored_hashed_and_resolves_to_its_principal(platform: PlatformSettings) -> None:
    """The database holds the SHA-256 of the key, never the key; the key finds its partner principal."""
    engine = create_engine(platform.database_url_for(IDENTITY), pool_size=1)
    factory = create_session_factory(engine)
    organisation_id = uuid.uuid4()
    try:
        async with unit_of_work(factory) as session:
            key = await create_key(session, role=Role.PARTNER, organisation_id=organisation_id, organisation_name="ROC")
        async with factory() as session:
            (stored,) = (await session.exec(select(ApiKey))).all()
            assert stored.key_hash == digest(key)
            assert key not in {stored.key_hash, stored.key_id, stored.label}
            principal = await find_principal(session, key)
            assert principal is not None
            assert (principal.role, principal.organisation_id) == (Role.PARTNER, organisation_id)
            assert await find_principal(session, key[:-1] + ("A" if key[-1] != "A" else "B")) is None
            assert await find_principal(session, "lcn_unknown_secret") is None
            assert await find_principal(session, "Bearer nonsense") is None
        async with unit_of_work(factory) as session:
            stored = (await session.exec(select(ApiKey))).one()
            stored.revoked_at = datetime.now(UTC)
            session.add(stored)
        async with factory() as session:
            assert await find_principal(session, key) is None
    finally:
        await engine.dispose()


async def test_partner_keys_need_an_organisation_and_others_must_not_have_one(platform: PlatformSettings) -> None:
    """A partner is always bound to its organisation; other roles never are."""
    engine = create_engine(platform.database_url_for(IDENTITY), pool_size=1)
    try:
        async with create_session_factory(engine)() as session:
            with pytest.raises(ValueError, match="organisation"):
                await create_key(session, role=Role.PARTNER)
            with pytest.raises(ValueError, match="organisation"):
                await create_key(session, role=Role.COORDINATOR, organisation_id=uuid.uuid4())
    finally:
        await engine.dispose()
