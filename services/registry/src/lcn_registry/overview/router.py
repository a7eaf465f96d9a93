"""HTTP endpoints of the distribution overview and of the record exports (open to read)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse
from sqlalchemy.ext.asyncio import AsyncEngine

from lcn_registry.overview import service
from lcn_registry.overview.schemas import CsvParams, Distribution
from lcn_registry.search.schemas import CommunityFilterParams
from lcn_registry.search.service import resolve_filter
from lcn_shared.db import SessionDep
from lcn_shared.problems import problem_responses

router = APIRouter(tags=["overview"])
PROBLEMS = problem_responses(422)
FilterParams = Annotated[CommunityFilterParams, Query()]
CsvQuery = Annotated[CsvParams, Query()]
CSV = "text/csv; charset=utf-8"
GEOJSON = "application/geo+json"


def _engine(request: Request) -> AsyncEngine:
    """The service's engine: a stream outlives the request's unit of work, so it takes its own connection."""
    engine: AsyncEngine | None = request.app.state.runtime.engine
    assert engine is not None, "the lifespan has not started"
    return engine


def _attachment(filename: str) -> dict[str, str]:
    """Headers that make a browser save the response under `filename`."""
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


@router.get("/overview/distribution", response_model=Distribution, responses=PROBLEMS)
async def get_distribution(params: FilterParams, session: SessionDep) -> Distribution:
    """How the filtered communities spread: landsdeel x primary top sector (cells add up to `total`), per value."""
    return await service.distribution(session, community_filter=await resolve_filter(session, params=params))


@router.get(
    "/overview/distribution.csv",
    response_class=Response,
    responses={200: {"content": {CSV: {}}}, **PROBLEMS},
)
async def get_distribution_csv(params: CsvQuery, session: SessionDep) -> Response:
    """The landsdeel x top sector matrix as CSV (UTF-8 with a BOM), with a totals column and a totals row."""
    overview = await service.distribution(session, community_filter=await resolve_filter(session, params=params))
    body = service.matrix_csv(overview.by_landsdeel_topsector, separator=params.separator)
    return Response(body, media_type=CSV, headers=_attachment("distribution.csv"))


@router.get(
    "/exports/communities.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {CSV: {}}}, **PROBLEMS},
)
async def export_communities_csv(params: CsvQuery, request: Request, session: SessionDep) -> StreamingResponse:
    """The filtered communities as CSV (UTF-8 with a BOM), one a line, lists joined with `; `, streamed; text that a
    spreadsheet would run as a formula starts with an apostrophe."""
    community_filter = await resolve_filter(session, params=params)  # the session reads only to check names
    rows = service.communities_csv(_engine(request), community_filter=community_filter, separator=params.separator)
    return StreamingResponse(rows, media_type=CSV, headers=_attachment("communities.csv"))


@router.get(
    "/exports/communities.geojson",
    response_class=StreamingResponse,
    responses={200: {"content": {GEOJSON: {}}}, **PROBLEMS},
)
async def export_communities_geojson(params: FilterParams, request: Request, session: SessionDep) -> StreamingResponse:
    """The filtered communities as a GeoJSON FeatureCollection; without coordinates, `geometry` is null."""
    community_filter = await resolve_filter(session, params=params)  # the session reads only to check names
    features = service.communities_geojson(_engine(request), community_filter=community_filter)
    return StreamingResponse(features, media_type=GEOJSON, headers=_attachment("communities.geojson"))
