"""HTTP endpoints of a source's mapping (versioned, with ETags) and of the dry run that tries one (ADR 0022)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, status
from fastapi.responses import JSONResponse

from lcn_registry.feeds import mappings
from lcn_registry.feeds.models import FeedMappingVersion
from lcn_registry.feeds.preview import preview
from lcn_registry.feeds.schemas import (
    FEED_SOURCE_PATTERN,
    FeedMapping,
    MappingPublic,
    MappingVersionsPublic,
    PreviewPublic,
    PreviewRequest,
)
from lcn_registry.feeds.service import authorise_source
from lcn_shared.auth import Principal, Role, require
from lcn_shared.concurrency import etag, expected_version
from lcn_shared.cursors import InvalidCursor, decode_cursor, encode_cursor
from lcn_shared.db import SessionDep
from lcn_shared.deliveries import read_delivery
from lcn_shared.hygiene import INT32_MAX
from lcn_shared.problems import NotFound, PreconditionFailed, problem_responses

router = APIRouter(tags=["feeds"])
READ_PROBLEMS = problem_responses(400, 401, 403, 404, 422)
WRITE_PROBLEMS = problem_responses(401, 403, 412, 422, 428)


async def source_principal(
    feed_source: Annotated[str, Path(pattern=FEED_SOURCE_PATTERN, description="e.g. katapult, regional:utrecht")],
    principal: Annotated[Principal, Depends(require(Role.FEED, Role.COORDINATOR))],
) -> Principal:
    """A coordinator, or the source's own feed key (403 for another source's)."""
    authorise_source(principal, feed_source)
    return principal


SourcePrincipal = Annotated[Principal, Depends(source_principal)]
IfMatch = Annotated[str | None, Header(description='The ETag you read, e.g. `"3"`; required to change a mapping.')]
IfNoneMatch = Annotated[str | None, Header(description="`*` to create the source's first mapping.")]


def _answer(stored: FeedMappingVersion, *, status_code: int = status.HTTP_200_OK) -> JSONResponse:
    """A mapping version with its ETag."""
    public = MappingPublic.model_validate(stored)
    return JSONResponse(public.model_dump(mode="json"), status_code=status_code, headers={"ETag": etag(stored.version)})


@router.get("/feeds/{feed_source}/mapping", response_model=MappingPublic, responses=READ_PROBLEMS)
async def get_mapping(feed_source: str, session: SessionDep, _: SourcePrincipal) -> JSONResponse:
    """The source's current mapping, with its ETag for a change."""
    stored = await mappings.current(session, feed_source)
    if stored is None:
        raise NotFound(f"{feed_source} has no mapping; its files use the registry's own field names.")
    return _answer(stored)


@router.put(
    "/feeds/{feed_source}/mapping",
    response_model=MappingPublic,
    responses={201: {"model": MappingPublic, "description": "The source's first mapping."}, **WRITE_PROBLEMS},
)
async def put_mapping(
    feed_source: str,
    mapping: FeedMapping,
    session: SessionDep,
    principal: SourcePrincipal,
    if_match: IfMatch = None,
    if_none_match: IfNoneMatch = None,
) -> JSONResponse:
    """Store a new version of the source's mapping; imports opened from now on read their files through it.

    The first mapping takes `If-None-Match: *`, every later one `If-Match` with the ETag read (412 when it
    changed meanwhile). Unknown fields, two columns for one field, or an alias of no known term are a 422."""
    create_only = if_none_match is not None and if_match is None
    if create_only and if_none_match.strip() != "*":  # type: ignore[union-attr]
        raise PreconditionFailed("If-None-Match takes only `*` here: create the mapping if there is none.")
    stored = await mappings.store(
        session,
        feed_source=feed_source,
        mapping=mapping,
        principal=principal,
        expected_version=None if create_only else expected_version(if_match),
        create_only=create_only,
    )
    return _answer(stored, status_code=status.HTTP_201_CREATED if stored.version == 1 else status.HTTP_200_OK)


@router.get("/feeds/{feed_source}/mapping/versions", response_model=MappingVersionsPublic, responses=READ_PROBLEMS)
async def mapping_versions(
    feed_source: str,
    session: SessionDep,
    _: SourcePrincipal,
    cursor: Annotated[str | None, Query(max_length=1000, description="The `next_cursor` of the previous page.")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> MappingVersionsPublic:
    """Every version of the source's mapping, newest first (old versions stay readable)."""
    tag = f"mapping-versions:{feed_source}"
    before = None
    if cursor is not None:
        before = decode_cursor(cursor, tag=tag).get("v")
        if not isinstance(before, int) or isinstance(before, bool) or not 1 <= before <= INT32_MAX:
            raise InvalidCursor("The cursor does not hold a valid position.")
    rows = await mappings.versions(session, feed_source, before=before, limit=limit)
    last = rows[-1].version if len(rows) == limit else None
    return MappingVersionsPublic(
        data=[MappingPublic.model_validate(row) for row in rows],
        next_cursor=encode_cursor({"v": last}, tag=tag) if last is not None else None,
    )


@router.get("/feeds/{feed_source}/mapping/versions/{version}", response_model=MappingPublic, responses=READ_PROBLEMS)
async def mapping_version(
    feed_source: str, version: Annotated[int, Path(ge=1, le=INT32_MAX)], session: SessionDep, _: SourcePrincipal
) -> JSONResponse:
    """One version of the source's mapping, as an import job that used it read its files."""
    stored = await mappings.version(session, feed_source, version)
    if stored is None:
        raise NotFound(f"{feed_source} has no mapping version {version}.")
    return _answer(stored)


@router.post(
    "/feeds/{feed_source}/preview", response_model=PreviewPublic, responses=problem_responses(401, 403, 413, 415, 422)
)
async def preview_delivery(
    feed_source: str,
    data: PreviewRequest,
    session: SessionDep,
    _: SourcePrincipal,
    limit: Annotated[int, Query(ge=1, le=200, description="How many records to show.")] = 20,
) -> PreviewPublic:
    """A dry run: the delivery read, mapped and validated as an import would, without writing anything.

    Through the `mapping` sent, else the source's stored one. Each record says what an import would do with it
    now (added, updated, unchanged, or rejected with the reason); `hint` says what is probably wrong when every
    record would be rejected."""
    rows = read_delivery(data.content, data.content_type)
    stored = None if data.mapping is not None else await mappings.current(session, feed_source)
    mapping = data.mapping or (FeedMapping.model_validate(stored.mapping) if stored is not None else None)
    return await preview(
        session,
        feed_source=feed_source,
        rows=rows,
        mapping=mapping,
        mapping_version=stored.version if stored is not None else None,
        limit=limit,
    )
