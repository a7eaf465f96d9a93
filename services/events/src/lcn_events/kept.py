"""The public answers that are expensive and the same between changes, kept per version of what they show
(`lcn_shared.kept`): the network's calendar feed, and the year and month views as the public sees them.

A feed or a year view of 2,000 events reads and renders in the better part of a second; between changes it is the
same bytes. The version of the public events (how many, and the sum of their versions) moves with every change
either can show; the views also show organisers' names, so theirs adds the directory's organisations (how many, and
the sum of when each was named: a rename names it later). Callers who see drafts get their answer made anew.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Header
from fastapi.responses import Response
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_events.directory.repository import organisations_version
from lcn_events.feeds.repository import public_version
from lcn_shared.kept import PerDatabase

# Answers kept per process (each combination of view, filters and day is one); the least recently asked goes first.
MAX_KEPT = 64


IfNoneMatch = Annotated[
    str | None, Header(max_length=2000, description="The ETag of the answer you have: 304 while it is current.")
]


def matches(if_none_match: str | None, tag: str) -> bool:
    """True when `If-None-Match` names the tag, or `*` (RFC 9110, 13.1.2: weak comparison)."""
    if if_none_match is None:
        return False
    named = {found.strip().removeprefix("W/") for found in if_none_match.split(",")}
    return "*" in named or tag in named


def entity_tag(body: bytes) -> str:
    """The strong ETag of a body: a digest of its bytes."""
    return f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'


@dataclass(frozen=True)
class Body:
    """An answer's bytes and their ETag."""

    content: bytes
    etag: str

    @classmethod
    def of(cls, content: bytes) -> Body:
        """The body with its ETag."""
        return cls(content, entity_tag(content))


_BODIES: PerDatabase[Body] = PerDatabase(max_entries=MAX_KEPT)


async def public_body(
    session: AsyncSession, *, key: Hashable, make: Callable[[], Awaitable[bytes]], shows_names: bool = False
) -> Body:
    """The answer `key` as the public sees it, made (`make`) again only when what it shows changed since it was
    kept; `shows_names` when it shows organisers' names, so a rename makes it again too."""
    version: tuple[int, ...] = await public_version(session)
    if shows_names:
        version += await organisations_version(session)

    async def made() -> Body:
        return Body.of(await make())

    return (await _BODIES.of(session).get(key, version=version, make=made)).value


def conditional(body: Body, *, media_type: str, if_none_match: str | None, headers: dict[str, str]) -> Response:
    """The body with its ETag, or 304 without one when the caller has it."""
    headers = headers | {"ETag": body.etag}
    if matches(if_none_match, body.etag):
        return Response(status_code=304, headers=headers)
    return Response(body.content, media_type=media_type, headers=headers)
