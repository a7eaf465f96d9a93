"""Rules of the overview: the distribution matrix, and the CSV and GeoJSON renderings of exports."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_registry.overview import repository
from lcn_registry.overview.schemas import (
    NO_TOPSECTOR,
    NO_TOPSECTOR_LABEL,
    Distribution,
    DistributionMatrix,
    ValueDistribution,
)
from lcn_registry.search.repository import PUBLIC_COLUMNS
from lcn_registry.search.schemas import CONTROLLED_BY_PARAMETER, CommunityFilter
from lcn_registry.search.service import cached_counts, facet_values, value_counts
from lcn_shared.contracts.vocabulary import Landsdeel, Topsector
from lcn_shared.spreadsheets import CsvSeparator, csv_cell, csv_file

EXPORT_COLUMNS = tuple(column.name for column in PUBLIC_COLUMNS)
GEOMETRY_COLUMNS = ("latitude", "longitude")


async def distribution(session: AsyncSession, *, community_filter: CommunityFilter) -> Distribution:
    """The distribution of the filtered communities."""
    total, grouped = await cached_counts(
        session, community_filter=community_filter, groups=repository.DISTRIBUTION_GROUPS
    )
    return Distribution(
        total=total,
        by_landsdeel_topsector=landsdeel_topsector_matrix(grouped[repository.MATRIX], total=total),
        by_kind=_per_value("kind", grouped[("kinds",)]),
        by_key_technology=_per_value("key_technology", grouped[("key_technologies",)]),
        by_education_level=_per_value("education_level", grouped[("education_levels",)]),
    )


def landsdeel_topsector_matrix(counts: dict[tuple[Any, ...], int], *, total: int) -> DistributionMatrix:
    """Every landsdeel by every top sector plus `none`; a stored code outside the vocabulary gets its own line."""
    cell_counts = {(landsdeel, topsector or NO_TOPSECTOR): n for (landsdeel, topsector), n in counts.items()}
    rows = _codes([term.value for term in Landsdeel], (landsdeel for landsdeel, _ in cell_counts))
    columns = [
        *_codes([term.value for term in Topsector], (t for _, t in cell_counts if t != NO_TOPSECTOR)),
        NO_TOPSECTOR,
    ]
    cells = [[cell_counts.get((row, column), 0) for column in columns] for row in rows]
    return DistributionMatrix(
        rows=rows,
        row_labels=[_label(Landsdeel, row) for row in rows],
        columns=columns,
        column_labels=[NO_TOPSECTOR_LABEL if c == NO_TOPSECTOR else _label(Topsector, c) for c in columns],
        cells=cells,
        row_totals=[sum(line) for line in cells],
        column_totals=[sum(line[index] for line in cells) for index in range(len(columns))],
        total=total,
    )


def _codes(known: list[str], found: Iterable[str]) -> list[str]:
    """The vocabulary's codes in order, then any other code found in the data."""
    return [*known, *sorted(set(found) - set(known))]


def _label(vocabulary: type[Landsdeel] | type[Topsector], code: str) -> str:
    """The vocabulary's label of a code, or the code itself when the vocabulary lacks it."""
    return next((term.label for term in vocabulary if term.value == code), code)


def _per_value(parameter: str, counts: dict[tuple[Any, ...], int]) -> ValueDistribution:
    """Counts per value of a list field, and the communities without a value."""
    return ValueDistribution(
        values=facet_values(CONTROLLED_BY_PARAMETER[parameter], value_counts(counts)),
        without_value=counts.get((None,), 0),
    )


def matrix_csv(matrix: DistributionMatrix, *, separator: CsvSeparator) -> str:
    """The matrix for spreadsheets: labelled header, one line per landsdeel with its total, a totals line."""
    buffer, writer = csv_file(separator)
    writer.writerow(["Landsdeel", *matrix.column_labels, "Totaal"])
    for label, cells, row_total in zip(matrix.row_labels, matrix.cells, matrix.row_totals, strict=True):
        writer.writerow([label, *cells, row_total])
    writer.writerow(["Totaal", *matrix.column_totals, matrix.total])
    return buffer.getvalue()


async def communities_csv(
    engine: AsyncEngine, *, community_filter: CommunityFilter, separator: CsvSeparator
) -> AsyncIterator[str]:
    """The export as CSV, one community a line, written batch by batch."""
    buffer, writer = csv_file(separator)
    writer.writerow(EXPORT_COLUMNS)
    async for batch in repository.stream_communities(engine, community_filter=community_filter):
        writer.writerows([csv_cell(row[name]) for name in EXPORT_COLUMNS] for row in batch)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def _json_default(value: Any) -> str:
    """Identifiers and dates as JSON strings."""
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def feature(row: RowMapping) -> dict[str, Any]:
    """One community as a GeoJSON Feature: a Point [longitude, latitude], or a null geometry without coordinates."""
    latitude, longitude = row["latitude"], row["longitude"]
    geometry = None
    if latitude is not None and longitude is not None:
        geometry = {"type": "Point", "coordinates": [longitude, latitude]}
    properties = {name: row[name] for name in EXPORT_COLUMNS if name not in GEOMETRY_COLUMNS}
    return {"type": "Feature", "id": str(row["community_id"]), "geometry": geometry, "properties": properties}


async def communities_geojson(engine: AsyncEngine, *, community_filter: CommunityFilter) -> AsyncIterator[str]:
    """The export as an RFC 7946 FeatureCollection, written batch by batch."""
    yield '{"type":"FeatureCollection","features":['
    separator = ""
    async for batch in repository.stream_communities(engine, community_filter=community_filter):
        features = ",".join(json.dumps(feature(row), default=_json_default, ensure_ascii=False) for row in batch)
        yield separator + features
        separator = ","
    yield "]}"
