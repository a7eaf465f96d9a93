"""No request waits for a worker thread: FastAPI runs a plain `def` dependency or endpoint in its threadpool, a
thread hop on every request (the kit's clock dependency was one, on every write of every service)."""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Iterator

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from lcn_shared.plugins import find_service, service_names
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import service_config


def on_a_thread(call: object) -> bool:
    """True when FastAPI would run `call` in its threadpool: a plain function (or callable object) that is neither a
    coroutine nor a generator of either kind; classes are models FastAPI builds, not calls it makes."""
    if call is None or inspect.isclass(call):
        return False
    function = call if inspect.isfunction(call) or inspect.ismethod(call) else getattr(call, "__call__", call)  # noqa: B004
    return not (
        inspect.iscoroutinefunction(function)
        or inspect.isasyncgenfunction(function)
        or inspect.isgeneratorfunction(function)
    )


def api_routes(routes: Iterable[BaseRoute]) -> Iterator[APIRoute]:
    """The API routes, those of included routers too (FastAPI keeps an included router whole, not its routes)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif (included := getattr(route, "original_router", None)) is not None:
            yield from api_routes(included.routes)


def calls(dependant: Dependant) -> Iterator[object]:
    """The dependant's call and every call among its dependencies."""
    yield dependant.call
    for dependency in dependant.dependencies:
        yield from calls(dependency)


@pytest.mark.parametrize("name", service_names())
def test_every_dependency_and_endpoint_runs_on_the_event_loop(name: str, platform: PlatformSettings) -> None:
    app = find_service(name).create_app(service_config(platform, name))
    threaded = sorted(
        {
            f"{route.path}: {getattr(call, '__qualname__', call)}"
            for route in api_routes(app.routes)
            for call in calls(route.dependant)
            if on_a_thread(call)
        }
    )
    assert sum(1 for _ in api_routes(app.routes)) > 5  # the routes were found
    assert threaded == []
