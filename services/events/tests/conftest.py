"""Fixtures of the events service's tests: sessions on the test's events database, and a running service."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from lcn_shared.clock import ManualClock
from lcn_shared.db import SessionFactory, create_engine, create_session_factory
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import run_service, service_config
from services.events.tests.builders import NOW, events_on


@pytest.fixture
async def sessions(platform: PlatformSettings) -> AsyncIterator[SessionFactory]:
    """Sessions on the test's own events database."""
    engine = create_engine(platform.database_url_for("events"))
    try:
        yield create_session_factory(engine)
    finally:
        await engine.dispose()


@pytest.fixture
def clock() -> ManualClock:
    """The service's clock: early December 2026, while next year is planned."""
    return ManualClock(NOW)


@pytest.fixture
async def events(platform: PlatformSettings, clock: ManualClock) -> AsyncIterator[httpx.AsyncClient]:
    """A running events service on the test's clock (its relay off: outbox rows stay to be looked at)."""
    config = service_config(platform, "events", relay_enabled=False)
    async with run_service(events_on(clock), config) as (_, client):
        yield client
