"""Schemathesis against every service's OpenAPI document, each service served over HTTP on a real database."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from lcn_shared.auth.keys import Role
from lcn_shared.embedded import free_port
from lcn_shared.plugins import find_service, service_names
from lcn_shared.settings import PlatformSettings, ServiceConfig
from lcn_shared.testing.fixtures import service_config, wait_until

CHECKS = "not_a_server_error,negative_data_rejection,ignored_auth,content_type_conformance"
# Bounded and derandomized: the same cases every run, a few minutes for every service on two cores.
MAX_EXAMPLES = "15"
SCHEMATHESIS = str(Path(sys.executable).with_name("st"))
CONFIG = Path(__file__).with_name("schemathesis.toml")


@asynccontextmanager
async def served(factory: Callable[[ServiceConfig], FastAPI], config: ServiceConfig) -> AsyncIterator[str]:
    """Serve the app with uvicorn on a free port of this process; yield its base URL once it is ready."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(factory(config), host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    base_url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base_url) as client:

            async def ready() -> bool:
                try:
                    return (await client.get("/health/ready")).status_code == 200
                except httpx.TransportError:
                    return False

            await wait_until(ready, timeout=60, what=f"{config.name} ready")
        yield base_url
    finally:
        server.should_exit = True
        await task


@pytest.mark.timeout(900)  # the registry's run takes one to three minutes, depending on what else the cores do
@pytest.mark.parametrize("name", service_names())  # every registered service, new ones included
async def test_acceptance_bad_input_schemathesis_finds_no_failure(
    platform: PlatformSettings, api_key: Callable[..., Awaitable[str]], name: str, tmp_path: Path
) -> None:
    """Schemathesis's server-error, negative-data, auth and content-type checks pass on every operation."""
    key = await api_key(Role.COORDINATOR)  # the coordinator may call every operation of every service
    async with served(find_service(name).create_app, service_config(platform, name)) as base_url:
        process = await asyncio.create_subprocess_exec(
            SCHEMATHESIS,
            "--config-file",
            str(CONFIG),
            "run",
            f"{base_url}/openapi.json",
            "--checks",
            CHECKS,
            "--header",
            f"Authorization: Bearer {key}",
            "--max-examples",
            MAX_EXAMPLES,
            "--generation-deterministic",
            "--workers",
            "2",
            "--request-timeout",
            "30",  # two cores shared with the databases and the broker: slow is not wrong here
            "--no-color",
            "--report",
            "junit",
            "--report-dir",
            str(tmp_path),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            cwd=tmp_path,
        )
        output, _ = await process.communicate()
    (tmp_path / "schemathesis.txt").write_bytes(output)
    assert process.returncode == 0, output.decode()
