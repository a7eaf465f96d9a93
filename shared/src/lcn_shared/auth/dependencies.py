"""FastAPI dependencies: authenticate the bearer key, then check the endpoint's roles."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_shared.auth.keys import Principal, Role, digest, find_principal, find_principal_by_id
from lcn_shared.db import SessionFactory
from lcn_shared.problems import Forbidden, Unauthorized

_bearer = HTTPBearer(auto_error=False, description="An API key issued with `lcn keys create`.")
_bearer_dep = Depends(_bearer)


class Authenticator:
    """Resolves keys against the identity database, caching answers briefly to keep writes fast."""

    def __init__(self, session_factory: SessionFactory, *, cache_seconds: float) -> None:
        self.session_factory = session_factory
        self.cache_seconds = cache_seconds
        self._cache: dict[str, tuple[float, Principal | None]] = {}

    async def authenticate(self, key: str) -> Principal | None:
        """The key's principal; a revoked key stops working within `cache_seconds`."""
        return await self._cached(digest(key), lambda session: find_principal(session, key))

    async def principal_of(self, key_id: str) -> Principal | None:
        """The principal of the key with this id (a web session's), None once it is revoked; cached the same way."""
        # A digest is hex, so an id-prefixed entry never collides with a key's.
        return await self._cached(f"id:{key_id}", lambda session: find_principal_by_id(session, key_id))

    async def _cached(
        self, cache_key: str, find: Callable[[AsyncSession], Awaitable[Principal | None]]
    ) -> Principal | None:
        """The cached answer for `cache_key` while fresh, else `find`'s, remembered."""
        now = time.monotonic()
        cached = self._cache.get(cache_key)
        if cached and now - cached[0] < self.cache_seconds:
            return cached[1]
        async with self.session_factory() as session:
            principal = await find(session)
        if len(self._cache) > 10_000:  # bound memory against floods of random keys
            self._cache.clear()
        self._cache[cache_key] = (now, principal)
        return principal


# `openapi_extra` of a route that depends on `identify`: the OpenAPI document then says a key is optional.
OPTIONAL_KEY: dict[str, Any] = {"security": [{}]}


async def identify(
    request: Request, credentials: HTTPAuthorizationCredentials | None = _bearer_dep
) -> Principal | None:
    """A dependency for public reads that show more to some callers: None without a key, 401 for a bad one
    (routes using it pass `openapi_extra=OPTIONAL_KEY`)."""
    if credentials is None:
        return None
    authenticator: Authenticator = request.app.state.authenticator
    principal = await authenticator.authenticate(credentials.credentials)
    if principal is None:
        raise Unauthorized("The API key is unknown or revoked.")
    return principal


def require(*roles: Role) -> Callable[[Request, HTTPAuthorizationCredentials | None], Awaitable[Principal]]:
    """A dependency that admits admins and the given roles: 401 without a valid key, 403 for other roles."""
    allowed = {Role.ADMIN, *roles}

    async def dependency(request: Request, credentials: HTTPAuthorizationCredentials | None = _bearer_dep) -> Principal:
        if credentials is None:
            raise Unauthorized("Send an API key as `Authorization: Bearer <key>`.")
        principal = await identify(request, credentials)
        assert principal is not None  # identify answers None only without credentials
        if principal.role not in allowed:
            raise Forbidden(f"The role {principal.role.value!r} may not do this.")
        return principal

    return dependency
