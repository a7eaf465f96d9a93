"""The overview as pages (HTML, public, outside the OpenAPI): the distribution under the API's filters, and the
communities behind each of its numbers."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import Field, StringConstraints

from lcn_registry.overview import repository, service
from lcn_registry.overview.page_messages import MESSAGES
from lcn_registry.overview.schemas import NO_TOPSECTOR, DistributionMatrix, ValueDistribution
from lcn_registry.search.schemas import (
    CONTROLLED_BY_PARAMETER,
    CONTROLLED_FIELDS,
    CommunityFilter,
    CommunityFilterParams,
    ControlledField,
)
from lcn_registry.search.service import resolve_filter
from lcn_shared.contracts.vocabulary import Term, Topsector
from lcn_shared.db import ReadSessionDep
from lcn_shared.pages import Pages, page_link, query_model
from lcn_shared.problems import UnprocessableContent

router = APIRouter(include_in_schema=False)
PAGES = Pages(templates=Path(__file__).with_name("templates"), messages=MESSAGES)
OVERVIEW_PATH = "/overview"
LIST_PATH = "/overview/communities"
API_DISTRIBUTION = "/v1/overview/distribution"
API_DISTRIBUTION_CSV = "/v1/overview/distribution.csv"
API_EXPORT_CSV = "/v1/exports/communities.csv"
HEAT_STEPS = 5  # colour steps above zero; the page's legend shows each
PAGE_SIZE = 50
PRIMARY_TOPSECTOR = "primary_topsector"  # a cell's column: a community's first top sector, or `none`
# The per-value tables: the distribution's field (also the heading's message) and the parameter of a value's link.
PER_VALUE = (("by_kind", "kind"), ("by_key_technology", "key_technology"), ("by_education_level", "education_level"))
COLUMN_PARAMETER = {controlled.column: controlled.parameter for controlled in CONTROLLED_FIELDS}
Pairs = list[tuple[str, str]]
CellCondition = Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,40}:[a-z0-9-]{1,100}$")]


class CellParams(CommunityFilterParams):
    """The communities behind one number of the overview: the overview's filters, and the number's own conditions.

    `cell` is `parameter:code`, repeated, each a condition that must hold besides the filters (`landsdeel:noord`,
    `primary_topsector:none`, `kind:civ`): the filters take any of their values, so a cell cannot be one more.
    """

    cell: list[CellCondition] = Field([], max_length=3)
    page: int = Field(1, ge=1, le=100_000)


@router.get(OVERVIEW_PATH, response_class=HTMLResponse)
async def overview_page(request: Request, session: ReadSessionDep) -> HTMLResponse:
    """The distribution as a page: the heat table, the counts per value, the filter form and the downloads."""
    try:
        community_filter = await resolve_filter(session, params=query_model(request, CommunityFilterParams))
    except UnprocessableContent as error:
        return PAGES.problem(request, error, back=page_link(request, OVERVIEW_PATH))
    distribution = await service.distribution(session, community_filter=community_filter)
    pairs = filter_pairs(community_filter)
    return PAGES.render(
        request,
        "overview/overview.html",
        total=distribution.total,
        matrix=matrix_view(distribution.by_landsdeel_topsector, pairs),
        per_value=[per_value_view(key, parameter, getattr(distribution, key), pairs) for key, parameter in PER_VALUE],
        filters=filter_form(community_filter),
        pairs=pairs,
        heat_steps=range(HEAT_STEPS + 1),
        paths={"overview": OVERVIEW_PATH, "list": LIST_PATH},
        api={"json": API_DISTRIBUTION, "matrix_csv": API_DISTRIBUTION_CSV, "export_csv": API_EXPORT_CSV},
    )


@router.get(LIST_PATH, response_class=HTMLResponse)
async def communities_page(request: Request, session: ReadSessionDep) -> HTMLResponse:
    """The communities behind one number of the overview, by name, a page at a time."""
    try:
        params = query_model(request, CellParams)
        community_filter = await resolve_filter(
            session, params=CommunityFilterParams(**params.model_dump(exclude={"cell", "page"}))
        )
        cell = resolve_cell(params.cell)
    except UnprocessableContent as error:
        return PAGES.problem(request, error, back=page_link(request, OVERVIEW_PATH))
    total, rows = await repository.cell_page(
        session,
        community_filter=community_filter,
        cell=[(_column(parameter), None if code == NO_TOPSECTOR else code) for parameter, code in cell],
        offset=(params.page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    pairs = filter_pairs(community_filter)
    here = cell_link(pairs, *cell)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    return PAGES.render(
        request,
        "overview/communities.html",
        total=total,
        rows=[community_view(row) for row in rows],
        choice=[*choice_view(cell), *choice_view(pairs)],
        page=params.page,
        pages=pages,
        previous=[*here, ("page", str(params.page - 1))] if params.page > 1 else None,
        next=[*here, ("page", str(params.page + 1))] if params.page < pages else None,
        back=page_link(request, OVERVIEW_PATH, pairs),
        paths={"list": LIST_PATH},
    )


def resolve_cell(conditions: list[str]) -> list[tuple[str, str]]:
    """`parameter:code` conditions as (parameter, vocabulary code); unknown ones are a 422 that names them."""
    resolved: list[tuple[str, str]] = []
    unknown: list[str] = []
    for condition in conditions:
        parameter, _, code = condition.partition(":")
        no_topsector = parameter == PRIMARY_TOPSECTOR and code == NO_TOPSECTOR
        if no_topsector or _term(parameter, code) is not None:
            resolved.append((parameter, code))
        else:
            unknown.append(condition)
    if unknown:
        allowed = [f"{name}:<code>" for name in (*CONTROLLED_BY_PARAMETER, PRIMARY_TOPSECTOR)]
        raise UnprocessableContent(
            "Unknown cell conditions; see /v1/vocabularies for the codes.",
            errors=[{"parameter": "cell", "invalid": unknown, "allowed": allowed}],
        )
    return resolved


def _term(parameter: str, code: str) -> Term | None:
    """The vocabulary term of a code for a cell condition or filter parameter; None when there is none."""
    controlled = CONTROLLED_BY_PARAMETER.get(parameter)
    vocabulary = Topsector if parameter == PRIMARY_TOPSECTOR else controlled.vocabulary if controlled else None
    if vocabulary is None:
        return None
    try:
        return vocabulary(code)
    except ValueError:
        return None


def _column(parameter: str) -> str:
    """The community column a cell condition tests."""
    return PRIMARY_TOPSECTOR if parameter == PRIMARY_TOPSECTOR else CONTROLLED_BY_PARAMETER[parameter].column


def filter_pairs(community_filter: CommunityFilter) -> Pairs:
    """The filters as query parameters in their canonical form (codes, not labels): what every link carries on."""
    pairs = [(COLUMN_PARAMETER[column], code) for column, codes in community_filter.codes.items() for code in codes]
    pairs += [("municipality", municipality) for municipality in community_filter.municipalities]
    pairs += [("partner", str(partner)) for partner in community_filter.partners]
    pairs += [("source", source) for source in community_filter.sources]
    if community_filter.synthetic is not None:
        pairs.append(("synthetic", str(community_filter.synthetic).lower()))
    if community_filter.text is not None:
        pairs.append(("q", community_filter.text))
    return pairs


def cell_link(pairs: Pairs, *conditions: tuple[str, str]) -> Pairs:
    """The query of the list behind a number: the filters plus the number's own conditions."""
    return [*pairs, *(("cell", f"{parameter}:{code}") for parameter, code in conditions)]


def heat_step(count: int, most: int) -> int:
    """0 for none, else 1..HEAT_STEPS in proportion to the largest cell."""
    return 0 if count <= 0 or most <= 0 else max(1, math.ceil(HEAT_STEPS * count / most))


def matrix_view(matrix: DistributionMatrix, pairs: Pairs) -> dict[str, Any]:
    """The heat table: each cell's count, colour step and link; the totals with theirs."""
    most = max((count for line in matrix.cells for count in line), default=0)
    columns = [{"code": code, "label": label} for code, label in zip(matrix.columns, matrix.column_labels, strict=True)]
    rows = [
        {
            "code": row,
            "label": label,
            "total": total,
            "params": cell_link(pairs, ("landsdeel", row)),
            "cells": [
                {
                    "count": count,
                    "step": heat_step(count, most),
                    "column": column["label"],
                    "none": column["code"] == NO_TOPSECTOR,
                    "params": cell_link(pairs, ("landsdeel", row), (PRIMARY_TOPSECTOR, column["code"])),
                }
                for column, count in zip(columns, cells, strict=True)
            ],
        }
        for row, label, cells, total in zip(
            matrix.rows, matrix.row_labels, matrix.cells, matrix.row_totals, strict=True
        )
    ]
    column_totals = [
        {"count": total, "params": cell_link(pairs, (PRIMARY_TOPSECTOR, column["code"]))}
        for column, total in zip(columns, matrix.column_totals, strict=True)
    ]
    return {"columns": columns, "rows": rows, "column_totals": column_totals, "total": matrix.total}


def per_value_view(key: str, parameter: str, counts: ValueDistribution, pairs: Pairs) -> dict[str, Any]:
    """One per-value table: each value's label, count and link, and the communities without a value."""
    values = [
        {"label": value.label, "count": value.count, "params": cell_link(pairs, (parameter, value.code))}
        for value in counts.values
    ]
    return {"key": key, "values": values, "without_value": counts.without_value}


def filter_form(community_filter: CommunityFilter) -> dict[str, Any]:
    """The filter form's state: every controlled field with its options ticked, and the free fields' values."""
    groups = [
        _option_group(controlled, community_filter.codes.get(controlled.column, ())) for controlled in CONTROLLED_FIELDS
    ]
    return {
        "groups": groups,
        "municipality": next(iter(community_filter.municipalities), ""),
        "partner": str(next(iter(community_filter.partners), "")),
        "source": next(iter(community_filter.sources), ""),
        "synthetic": "" if community_filter.synthetic is None else str(community_filter.synthetic).lower(),
        "q": community_filter.text or "",
    }


def _option_group(controlled: ControlledField, chosen: tuple[str, ...]) -> dict[str, Any]:
    """One controlled field as a group of check boxes, its chosen codes ticked."""
    options = [
        {"code": term.value, "label": term.label, "checked": term.value in chosen} for term in controlled.vocabulary
    ]
    return {"parameter": controlled.parameter, "options": options, "chosen": len(chosen)}


def label_of(parameter: str, code: str) -> str:
    """The vocabulary label of a code (the code itself when the vocabulary lacks it or the field has none)."""
    term = _term(parameter, code)
    return term.label if term is not None else code


def choice_view(conditions: list[tuple[str, str]]) -> list[dict[str, str]]:
    """What the list shows: each condition's field and its value's label (`none`: no top sector)."""
    return [
        {"parameter": parameter, "code": code, "label": "" if code == NO_TOPSECTOR else label_of(parameter, code)}
        for parameter, code in conditions
    ]


def community_view(row: Any) -> dict[str, Any]:
    """One community of the list, with labels instead of codes."""
    return {
        "id": str(row["community_id"]),
        "name": row["name"],
        "municipality": row["municipality"] or "",
        "landsdeel": label_of("landsdeel", row["landsdeel"]),
        "topsectors": [label_of("topsector", code) for code in row["topsectors"]],
        "kinds": [label_of("kind", code) for code in row["kinds"]],
        "status": label_of("status", row["status"]),
    }
