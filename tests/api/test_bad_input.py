"""Bad input from outside gets a 4xx problem+json on every service: NUL bytes, integer overflows, lax JSON."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from fastapi.routing import APIRoute
from pydantic import BaseModel, StrictBool, StrictFloat

from lcn_events.main import EVENTS
from lcn_events.main import create_app as create_events
from lcn_monitor.main import MONITOR
from lcn_monitor.main import create_app as create_monitor
from lcn_notify.main import NOTIFY
from lcn_registry.main import REGISTRY
from lcn_registry.main import create_app as create_registry
from lcn_shared.app import ServiceDefinition
from lcn_shared.auth.keys import Role
from lcn_shared.hygiene import lax_scalars
from lcn_shared.problems import PROBLEM_JSON
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import run_service, service_config
from lcn_shared.testing.problems import assert_problem
from services.registry.tests.communities.builders import create_community_body
from services.registry.tests.feeds.builders import create_record

KeyFactory = Callable[..., Awaitable[str]]


@pytest.fixture
async def registry(platform: PlatformSettings) -> AsyncIterator[httpx.AsyncClient]:
    """A running registry."""
    async with run_service(create_registry, service_config(platform, "registry")) as (_, client):
        yield client


async def test_acceptance_bad_input_nul_in_json_body_query_and_path_is_422(
    registry: httpx.AsyncClient, api_key: KeyFactory
) -> None:
    """A NUL (or an unpaired surrogate) anywhere in a request is refused before it reaches PostgreSQL."""
    headers = {"Authorization": f"Bearer {await api_key(Role.COORDINATOR)}"}
    response = await registry.post("/v1/communities", json=create_community_body(name="a\u0000b"), headers=headers)
    assert assert_problem(response)["errors"] == [
        {
            "loc": ["body", "name"],
            "msg": "Text may not contain NUL characters or unpaired surrogates.",
            "type": "string_unsafe",
        }
    ]
    surrogate = json.dumps(create_community_body(name="Energy \ud800 College")).encode()
    response = await registry.post(
        "/v1/communities", content=surrogate, headers=headers | {"Content-Type": "application/json"}
    )
    assert_problem(response)
    for query in ("q=%00x", "municipality=%00x", "kind=civ&q=ok%00"):
        assert_problem(await registry.get(f"/v1/communities?{query}"))
    assert_problem(await registry.get("/v1/organisations?name=%00x"))
    assert_problem(await registry.get("/v1/feeds/katapult/records/KAT%001", headers=headers))
    # A backslash followed by `u0000` is text like any other: only the escape itself is a NUL.
    response = await registry.post(
        "/v1/communities", json=create_community_body(name="Energy \\u0000 College"), headers=headers
    )
    assert response.status_code == 201, response.text
    assert response.json()["name"] == "Energy \\u0000 College"


async def test_acceptance_bad_input_nul_is_refused_on_every_service(platform: PlatformSettings) -> None:
    """The kit refuses a NUL in the query of a service with no text parameter of its own."""
    for name, factory in (("monitor", create_monitor), ("events", create_events)):
        async with run_service(factory, service_config(platform, name), wait_ready=False) as (_, client):
            assert_problem(await client.get("/health/live?x=%00"))


async def test_acceptance_bad_input_integer_overflows_are_422(
    platform: PlatformSettings, registry: httpx.AsyncClient, api_key: KeyFactory
) -> None:
    """The monitor's offset and a job's results page are bounded before they reach the database."""
    async with run_service(create_monitor, service_config(platform, "monitor")) as (_, monitor):
        assert_problem(await monitor.get("/v1/communities?offset=9223372036854775808"))
        assert_problem(await monitor.get("/v1/communities?offset=2147483648"))
        assert (await monitor.get("/v1/communities?offset=2147483647")).status_code == 200
    key = await api_key(Role.FEED, feed_source="katapult")
    job = await registry.post("/v1/feeds/katapult/jobs", json={}, headers={"Authorization": f"Bearer {key}"})
    assert job.status_code == 201, job.text
    results, headers = f"/v1/feeds/katapult/jobs/{job.json()['job_id']}/results", {"Authorization": f"Bearer {key}"}
    assert_problem(await registry.get(f"{results}?limit=2147483648", headers=headers))
    # The cursor is opaque (ADR 0023): a number that it never issued is a 400, not a position.
    assert_problem(await registry.get(f"{results}?cursor=21027623356552", headers=headers), status=400)
    assert (await registry.get(f"{results}?limit=1000", headers=headers)).status_code == 200


def _csv(records: list[dict[str, str]]) -> str:
    """Records as a CSV delivery."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(records[0]))
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue()


@pytest.mark.parametrize("media_type", ["application/json", "application/x-ndjson", "text/csv"])
async def test_acceptance_bad_input_feed_row_with_nul_is_rejected_alone(
    registry: httpx.AsyncClient, api_key: KeyFactory, media_type: str
) -> None:
    """A feed record holding a NUL is rejected with a reason; the delivery's other records import."""
    key = await api_key(Role.FEED, feed_source="katapult")
    good = create_record("KAT-1", partners=[])
    bad = create_record("KAT-2", name="CIV\u0000Zorg", partners=[])
    if media_type == "text/csv":
        rows = [
            {name: str(value) for name, value in record.items() if isinstance(value, str)} for record in (good, bad)
        ]
        rows = [{**row, "kinds": "Fieldlab", "topsectors": "HTSM"} for row in rows]
        body = _csv(rows)
    elif media_type == "application/json":
        body = json.dumps([good, bad])
    else:
        body = "\n".join(json.dumps(record) for record in (good, bad))
    response = await registry.post(
        "/v1/feeds/katapult/imports",
        content=body.encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": media_type},
    )
    assert response.status_code == 201, response.text
    first, second = response.json()["results"]
    assert first["outcome"] == "added"
    assert second["outcome"] == "rejected"
    assert "name holds a NUL character" in second["reason"]


async def test_acceptance_bad_input_json_booleans_and_numbers_are_strict(
    registry: httpx.AsyncClient, api_key: KeyFactory
) -> None:
    """`0` is not `false` and `"52.1"` is not a latitude in a JSON body; query parameters stay text."""
    headers = {"Authorization": f"Bearer {await api_key(Role.COORDINATOR)}"}
    membership = f"/v1/communities/{uuid.uuid4()}/organisations/{uuid.uuid4()}"
    response = await registry.put(membership, json={"role": "partner", "can_edit": 0}, headers=headers)
    assert assert_problem(response)["errors"][0]["loc"] == ["body", "can_edit"]  # type: ignore[index]
    body = create_community_body(latitude="52.1", longitude=6.9)
    assert_problem(await registry.post("/v1/communities", json=body, headers=headers))
    body = create_community_body(latitude=53, longitude=6.9)  # a JSON integer is a number
    assert (await registry.post("/v1/communities", json=body, headers=headers)).status_code == 201
    assert (await registry.get("/v1/communities?synthetic=false")).status_code == 200


@pytest.mark.parametrize("factory", [create_registry, create_monitor, create_events])
def test_acceptance_bad_input_openapi_documents_problem_json_errors(factory: Callable[[], object]) -> None:
    """Every documented 4xx and 5xx response is problem+json, as the services send it (readiness aside)."""
    document = factory().openapi()  # type: ignore[attr-defined]
    errors = [
        (path, status, sorted(response.get("content", {})))
        for path, operations in document["paths"].items()
        for operation in operations.values()
        for status, response in operation["responses"].items()
        if status[0] in "45" and path != "/health/ready"
    ]
    assert {tuple(content) for _, _, content in errors} <= {(PROBLEM_JSON,)}
    assert errors or factory is create_events  # the events shell has no operation of its own yet
    readiness = document["paths"]["/health/ready"]["get"]["responses"]["503"]
    assert list(readiness["content"]) == ["application/json"]  # it answers its checks, not a problem
    assert "HTTPValidationError" not in document["components"]["schemas"]
    problem_schemas = [
        response["content"][PROBLEM_JSON].get("schema")
        for operations in document["paths"].values()
        for operation in operations.values()
        for response in operation["responses"].values()
        if PROBLEM_JSON in response.get("content", {})
    ]
    assert all(schema == {"$ref": "#/components/schemas/Problem"} for schema in problem_schemas)


def test_acceptance_bad_input_region_rule_is_in_the_request_schema() -> None:
    """A client built from the OpenAPI document learns that a landsdeel or a province is required."""
    schema = create_registry().openapi()["components"]["schemas"]["CommunityCreate"]
    assert [branch["required"] for branch in schema["anyOf"]] == [["landsdeel"], ["province"]]


@pytest.mark.parametrize("definition", [REGISTRY, MONITOR, EVENTS, NOTIFY], ids=lambda definition: definition.name)
def test_acceptance_bad_input_json_bodies_take_no_lax_scalars(definition: ServiceDefinition) -> None:
    """Every JSON body a service validates takes booleans and numbers strictly (new services too)."""
    lax = {
        route.path: lax_scalars(route.body_field.field_info.annotation)
        for router in definition.routers
        for route in router.routes
        if isinstance(route, APIRoute) and route.body_field is not None
    }
    assert {path: fields for path, fields in lax.items() if fields} == {}


def test_lax_scalars_finds_lax_fields_in_nested_models() -> None:
    """The guard above can fail: it names a lax bool, int or float however deep it sits."""

    class Inner(BaseModel):
        count: int
        weight: StrictFloat | None = None

    class Body(BaseModel):
        flag: bool
        strict_flag: StrictBool
        items: list[Inner]

    assert lax_scalars(Body) == ["flag", "items.count"]


async def test_acceptance_bad_input_streamed_body_over_the_limit_is_413(registry: httpx.AsyncClient) -> None:
    """A body sent without Content-Length that outgrows the limit gets 413, not FastAPI's 400."""

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(200):
            yield b" " * 10_000

    response = await registry.post("/v1/organisations", content=chunks(), headers={"Content-Type": "application/json"})
    assert_problem(response, 413)
