"""Checks on a key before it is issued, by the services that own what it names (`ServicePlugin.keys`).

The kit knows no organisations or feed sources; a service that does registers an async function
`(platform, request) -> request` that raises `KeyRefused` or returns the request, completed if it can
(the organisation's name, say).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import cast
from uuid import UUID

from lcn_shared.auth.keys import Role
from lcn_shared.settings import PlatformSettings


class KeyRefused(ValueError):
    """The key would name something that does not exist, or that its owner does not accept."""


@dataclass(frozen=True)
class KeyRequest:
    """What a new key is to speak for."""

    role: Role
    organisation_id: UUID | None = None
    organisation_name: str | None = None
    feed_source: str | None = None


KeyValidator = Callable[[PlatformSettings, KeyRequest], Awaitable[KeyRequest]]


def validators() -> dict[str, KeyValidator]:
    """The registered services' key checks, by service name."""
    from lcn_shared.plugins import service_plugins

    checks = {plugin.name: plugin.load_keys() for plugin in service_plugins()}
    return {name: cast(KeyValidator, check) for name, check in checks.items() if check is not None}


async def validate_key_request(platform: PlatformSettings, request: KeyRequest) -> KeyRequest:
    """Run every installed validator in turn; raise `KeyRefused` when one refuses."""
    if (request.role is Role.PARTNER) != (request.organisation_id is not None):
        raise KeyRefused("a partner key needs an organisation, and only a partner key has one")
    if (request.role is Role.FEED) != (request.feed_source is not None):
        raise KeyRefused("a feed key needs a feed source, and only a feed key has one")
    for validate in validators().values():
        request = await validate(platform, request)
    return request
