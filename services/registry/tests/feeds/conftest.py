"""Fixtures of the feed tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from lcn_registry.main import create_app
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import run_service, service_config


@pytest.fixture
async def registry(platform: PlatformSettings) -> AsyncIterator[httpx.AsyncClient]:
    """A running registry (no consumers: feeds need none)."""
    async with run_service(create_app, service_config(platform, "registry", consumers_enabled=False)) as (_, client):
        yield client
