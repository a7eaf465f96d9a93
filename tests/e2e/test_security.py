"""Acceptance (security): writes need a key of the right role; bad bodies get 422; nothing is left behind."""

from __future__ import annotations

import uuid

import pytest

from lcn_registry.main import create_app as create_registry
from lcn_shared.auth import Role
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import fetch, run_service, service_config
from tests.e2e.flow import create_community

PROBLEM_JSON = "application/problem+json"


async def assert_nothing_written(platform: PlatformSettings) -> None:
    """No community row and no outbox event exist."""
    assert (await fetch(platform, "registry", "SELECT count(*) AS n FROM community"))[0]["n"] == 0
    assert (await fetch(platform, "registry", "SELECT count(*) AS n FROM outbox_message"))[0]["n"] == 0


@pytest.mark.parametrize(
    ("authorization", "role", "status"),
    [
        (None, None, 401),
        ("Bearer lcn_000000000000_not-a-real-key", None, 401),
        ("Basic dXNlcjpwYXNz", None, 401),
        ("key", Role.CONFERENCE_TEAM, 403),
    ],
    ids=["no-key-401", "unknown-key-401", "wrong-scheme-401", "wrong-role-403"],
)
async def test_write_without_the_right_key_is_refused_and_leaves_nothing(  # type: ignore[no-untyped-def]
    platform: PlatformSettings, api_key, authorization: str | None, role: Role | None, status: int
) -> None:
    """401 without a valid key, 403 for a role that may not register communities."""
    if role is not None:
        authorization = f"Bearer {await api_key(role)}"
    headers = {"Authorization": authorization} if authorization else {}
    async with run_service(create_registry, service_config(platform, "registry")) as (_, registry):
        response = await registry.post("/v1/communities", json=create_community(), headers=headers)
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["status"] == status
    await assert_nothing_written(platform)


@pytest.mark.parametrize(
    "body",
    [
        {"name": "Energy College", "kinds": ["civ"], "landsdeel": "atlantis", "topsectors": []},
        {"name": "E", "kinds": ["civ"], "landsdeel": "noord"},
        {"name": "Energy College", "kinds": ["civ"], "landsdeel": "noord", "topsectors": ["energie", "energie"]},
        {"name": "Energy College", "kinds": ["civ"], "landsdeel": "noord", "owner": "someone else"},
        ["not", "an", "object"],
    ],
    ids=["unknown-landsdeel", "name-too-short", "duplicate-topsector", "unknown-field", "not-an-object"],
)
async def test_malformed_body_gets_422_problem_and_leaves_nothing(  # type: ignore[no-untyped-def]
    platform: PlatformSettings, api_key, body: object
) -> None:
    """A malformed body with a valid key: 422 problem+json naming the field; no row, no event."""
    key = await api_key(Role.PARTNER, organisation_id=uuid.uuid4())
    async with run_service(create_registry, service_config(platform, "registry")) as (_, registry):
        response = await registry.post("/v1/communities", json=body, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    problem = response.json()
    assert problem["title"] == "Request validation failed"
    assert problem["errors"], problem
    await assert_nothing_written(platform)


async def test_invalid_json_and_oversized_bodies_are_4xx(platform: PlatformSettings, api_key) -> None:  # type: ignore[no-untyped-def]
    """Broken JSON is 422 and a body over the limit is 413, both problem+json, never 500."""
    headers = {"Authorization": f"Bearer {await api_key(Role.COORDINATOR)}", "Content-Type": "application/json"}
    config = service_config(platform, "registry", max_body_bytes=1000)
    async with run_service(create_registry, config) as (_, registry):
        broken = await registry.post("/v1/communities", content=b'{"name": ', headers=headers)
        oversized = await registry.post("/v1/communities", content=b"{" + b" " * 2000 + b"}", headers=headers)
    assert broken.status_code == 422
    assert oversized.status_code == 413
    assert oversized.headers["content-type"] == PROBLEM_JSON
    await assert_nothing_written(platform)
