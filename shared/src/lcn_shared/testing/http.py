"""A service served over real HTTP in a test, for clients that need a socket (a browser, schemathesis)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx
import uvicorn
from fastapi import FastAPI

from lcn_shared.embedded import free_port
from lcn_shared.settings import ServiceConfig
from lcn_shared.testing.fixtures import wait_until


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
