"""The URLs of named routes, found once per app rather than on every call.

`request.url_for(name, ...)` asks every route of the app in turn whether it is `name` (each router that is not
raises and is caught), on every call: with a service's few dozen routes that was about a quarter of a registration's
CPU, which answers with four URLs. Here each route's path is found once per router and name, with a marker in place
of each parameter, and later calls only fill the markers in.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Router

# The kept paths live on the router itself (a router compares by its routes, so it cannot key a dictionary) and go
# with it.
PATHS_ATTRIBUTE = "_lcn_route_paths"


def _marker(parameter: str) -> str:
    """What stands for a parameter in a kept path (no path parameter's value holds NUL)."""
    return f"\x00{parameter}\x00"


def url_of(request: Request, name: str, **path_params: object) -> str:
    """The absolute URL of the route `name` with these path parameters, as `request.url_for` answers it."""
    router: Router = request.scope["router"]
    kept: dict[tuple[str, tuple[str, ...]], str] | None = getattr(router, PATHS_ATTRIBUTE, None)
    if kept is None:
        kept = {}
        setattr(router, PATHS_ATTRIBUTE, kept)
    key = (name, tuple(sorted(path_params)))
    if (path := kept.get(key)) is None:
        path = kept[key] = router.url_path_for(name, **{parameter: _marker(parameter) for parameter in key[1]})
    for parameter, value in path_params.items():
        path = path.replace(_marker(parameter), str(value))
    # What URLPath.make_absolute_url makes of it, without parsing the base URL again: the base (root path
    # included) without its trailing slash, then the path.
    return str(request.base_url).rstrip("/") + path
