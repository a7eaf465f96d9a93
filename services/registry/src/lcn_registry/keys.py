"""The registry's check on new API keys (`keys` of its `ServicePlugin`): it owns organisations and feed sources."""

from __future__ import annotations

import re
from dataclasses import replace

from lcn_registry.feeds.schemas import FEED_SOURCE_PATTERN
from lcn_registry.organisations import repository
from lcn_shared.auth.validation import KeyRefused, KeyRequest
from lcn_shared.db import create_engine, create_session_factory
from lcn_shared.settings import PlatformSettings

SERVICE = "registry"


async def validate_key(platform: PlatformSettings, request: KeyRequest) -> KeyRequest:
    """A feed key names a source the feeds API accepts; a partner key an organisation the registry holds."""
    if request.feed_source is not None and not re.fullmatch(FEED_SOURCE_PATTERN, request.feed_source):
        raise KeyRefused(
            f"{request.feed_source!r} is not a feed source the registry accepts: lowercase letters, digits and "
            "hyphens, optionally followed by ':' and a region (katapult, regional:utrecht)"
        )
    if request.organisation_id is None:
        return request
    engine = create_engine(platform.database_url_for(SERVICE), pool_size=1)
    try:
        async with create_session_factory(engine)() as session:
            organisation = await repository.get(session, request.organisation_id)
    except Exception as error:
        raise KeyRefused(f"cannot check the organisation in the registry's database: {error}") from error
    finally:
        await engine.dispose()
    if organisation is None:
        raise KeyRefused(
            f"the registry has no organisation {request.organisation_id}; "
            "register it first (POST /v1/organisations) and use the id it answers with"
        )
    return replace(request, organisation_name=request.organisation_name or organisation.name)
