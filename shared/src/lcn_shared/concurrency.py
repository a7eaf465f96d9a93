"""Optimistic concurrency over HTTP: versions as entity tags, `If-Match` as the caller's version."""

from __future__ import annotations

import re

from fastapi.responses import JSONResponse
from pydantic import BaseModel

from lcn_shared.problems import PreconditionFailed, PreconditionRequired

_ENTITY_TAG = re.compile(r'^"(\d{1,18})"$')


def etag(version: int) -> str:
    """The strong entity tag of a version."""
    return f'"{version}"'


def expected_version(if_match: str | None) -> int | None:
    """The version an `If-Match` header names; None for `*`. A change without If-Match gets 428."""
    if if_match is None:
        raise PreconditionRequired("Send `If-Match` with the ETag you read, so that no change is overwritten unseen.")
    if if_match.strip() == "*":
        return None
    found = _ENTITY_TAG.match(if_match.strip())
    if found is None:
        # Weak tags (W/"..") never match under If-Match's strong comparison (RFC 9110, 13.1.1).
        raise PreconditionFailed(f"If-Match {if_match!r} matches no current version; send the ETag you read.")
    return int(found.group(1))


def versioned(body: BaseModel, *, version: int, status_code: int = 200, location: str | None = None) -> JSONResponse:
    """A versioned aggregate as JSON with its ETag (and Location when created)."""
    headers = {"ETag": etag(version)} | ({"Location": location} if location else {})
    return JSONResponse(body.model_dump(mode="json"), status_code=status_code, headers=headers)
