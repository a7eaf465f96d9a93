"""Acceptance (Operator): revoked keys stop working everywhere, /docs needs no network, errors are quotable."""

from __future__ import annotations

import logging
import time
from contextlib import AsyncExitStack
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from fastapi import APIRouter

from lcn_events.main import create_app as create_events
from lcn_monitor.main import create_app as create_monitor
from lcn_notify.main import create_app as create_notify
from lcn_registry.main import create_app as create_registry
from lcn_shared.app import ServiceDefinition, create_service_app
from lcn_shared.auth import Role
from lcn_shared.settings import PlatformSettings, ServiceConfig
from lcn_shared.testing.fixtures import run_service, service_config, wait_until
from tests.e2e.flow import run_lcn

FACTORIES = {"registry": create_registry, "monitor": create_monitor, "events": create_events, "notify": create_notify}


async def test_acceptance_operator_revoked_key_gets_401_on_every_service_within_5s(  # type: ignore[no-untyped-def]
    platform: PlatformSettings, api_key
) -> None:
    """`lcn keys revoke` with all four services running and the key cached in each: 401 everywhere within 5 s."""
    key = await api_key(Role.COORDINATOR)
    headers = {"Authorization": f"Bearer {key}"}
    async with AsyncExitStack() as stack:
        clients = {
            name: (await stack.enter_async_context(run_service(factory, service_config(platform, name))))[1]
            for name, factory in FACTORIES.items()
        }
        for name, client in clients.items():
            answer = await client.get("/v1/me", headers=headers)
            assert answer.status_code == 200, (name, answer.text)
            assert answer.json()["role"] == "coordinator"

        code, output = await run_lcn(platform, "keys", "revoke", key.split("_")[1][:6])
        assert code == 0, output
        revoked_at = time.monotonic()

        async def refused_everywhere() -> bool:
            answers = [await client.get("/v1/me", headers=headers) for client in clients.values()]
            return all(answer.status_code == 401 for answer in answers)

        await wait_until(refused_everywhere, timeout=5, what="401 on every service", interval=0.1)
        assert time.monotonic() - revoked_at <= 5
        for client in clients.values():
            problem = (await client.get("/v1/me", headers=headers)).json()
            assert problem["detail"] == "The API key is unknown or revoked."


class AssetLinks(HTMLParser):
    """Every URL a page loads: scripts, stylesheets, icons, images."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Collect src and href."""
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.urls.append(value)


@pytest.mark.parametrize("name", list(FACTORIES))
async def test_acceptance_operator_docs_load_every_asset_from_the_service_itself(
    platform: PlatformSettings, name: str
) -> None:
    """/docs references only same-origin assets, each answers 200, and the page points at the service's OpenAPI."""
    async with run_service(FACTORIES[name], service_config(platform, name), wait_ready=False) as (_, client):
        page = await client.get("/docs")
        assert page.status_code == 200
        links = AssetLinks()
        links.feed(page.text)
        assert len(links.urls) >= 3, links.urls  # script, stylesheet, icon
        for url in links.urls:
            assert not urlsplit(url).netloc, f"{url} is loaded from another host"
            assert (await client.get(url)).status_code == 200, url
        assert "'/openapi.json'" in page.text
        assert "//" not in page.text.replace("<!DOCTYPE html>", "")  # no scheme-relative or absolute URL
        assert (await client.get("/openapi.json")).status_code == 200


async def test_unhandled_error_is_logged_once_with_its_trace_id_in_the_problem_and_the_access_log(
    platform: PlatformSettings, caplog: pytest.LogCaptureFixture
) -> None:
    """A handler that crashes: one log record with the traceback, a 500 problem+json carrying its trace id."""
    router = APIRouter()

    @router.get("/crash")
    async def crash() -> None:
        raise RuntimeError("the handler broke")

    definition = ServiceDefinition(name="events", title="LCN crash test", description="crashes", routers=[router])

    def factory(config: ServiceConfig) -> object:
        return create_service_app(definition, config)

    async with run_service(factory, service_config(platform, "events")) as (_, client):  # type: ignore[arg-type]
        caplog.clear()
        with caplog.at_level(logging.INFO):
            answer = await client.get("/v1/crash")  # an exception escaping the app would be raised here
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    trace_id = problem["trace_id"]
    assert len(trace_id) == 32
    assert answer.headers["x-trace-id"] == trace_id
    with_traceback = [record for record in caplog.records if record.exc_info]
    assert len(with_traceback) == 1, [record.getMessage() for record in with_traceback]
    assert getattr(with_traceback[0], "trace_id", None) == trace_id
    access = [record for record in caplog.records if record.name == "lcn.access"]
    assert [(r.method, r.path, r.status, r.trace_id) for r in access] == [  # type: ignore[attr-defined]
        ("GET", "/v1/crash", 500, trace_id)
    ]
    assert access[0].duration_ms >= 0  # type: ignore[attr-defined]


async def test_access_log_skips_probes_at_info(platform: PlatformSettings, caplog: pytest.LogCaptureFixture) -> None:
    """Probes and scrapes are not logged at INFO; API calls are, with their status."""
    async with run_service(create_notify, service_config(platform, "notify")) as (_, client):
        caplog.clear()
        with caplog.at_level(logging.INFO):
            await client.get("/health/live")
            await client.get("/v1/me")
    assert [(r.path, r.status) for r in caplog.records if r.name == "lcn.access"] == [  # type: ignore[attr-defined]
        ("/v1/me", 401)
    ]
