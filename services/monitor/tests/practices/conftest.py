"""Fixtures of the good practices' tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from lcn_shared.db import SessionFactory, create_engine, create_session_factory
from lcn_shared.settings import PlatformSettings


@pytest.fixture
async def sessions(platform: PlatformSettings) -> AsyncIterator[SessionFactory]:
    """Sessions on the test's own monitor database."""
    engine = create_engine(platform.database_url_for("monitor"))
    try:
        yield create_session_factory(engine)
    finally:
        await engine.dispose()
