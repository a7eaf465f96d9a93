"""The distribution overview: the landsdeel x topsector matrix, counts per value, and how they were counted."""

from __future__ import annotations

from pydantic import BaseModel, Field

from lcn_registry.search.schemas import CommunityFilterParams, FacetValue
from lcn_shared.spreadsheets import CsvSeparator

NO_TOPSECTOR = "none"
NO_TOPSECTOR_LABEL = "Geen topsector"
COUNTING = {
    "total": "Communities matching the filters, each counted once.",
    "by_landsdeel_topsector": (
        "Each community is counted once: the row is its landsdeel, the column its primary top sector "
        f"(`{NO_TOPSECTOR}` when it has none). The cells add up to the row and column totals, and those to `total`."
    ),
    "by_kind": (
        "Per value: a community of two kinds counts under both, so the values may add up to more than `total`; "
        "`without_value` counts the communities with no value."
    ),
    "by_key_technology": "Per value, as for by_kind: a community counts once under each of its key technologies.",
    "by_education_level": "Per value, as for by_kind: a community counts once under each of its education levels.",
}


class CsvParams(CommunityFilterParams):
    """The filters of a CSV download, and its separator."""

    separator: CsvSeparator = Field(
        CsvSeparator.COMMA, description="`semicolon` for Excel with Dutch regional settings."
    )


class DistributionMatrix(BaseModel):
    """Communities per landsdeel (rows) and primary top sector (columns); `cells[row][column]`."""

    rows: list[str] = Field(description="Landsdeel codes.")
    row_labels: list[str]
    columns: list[str] = Field(description=f"Top sector codes, then `{NO_TOPSECTOR}`.")
    column_labels: list[str]
    cells: list[list[int]]
    row_totals: list[int]
    column_totals: list[int]
    total: int


class ValueDistribution(BaseModel):
    """How many communities hold each value of a multi-valued field (a community once per value)."""

    values: list[FacetValue]
    without_value: int = Field(description="Communities that hold no value of the field.")


class Distribution(BaseModel):
    """How the filtered communities spread over regions, top sectors, kinds, key technologies and levels."""

    total: int
    by_landsdeel_topsector: DistributionMatrix
    by_kind: ValueDistribution
    by_key_technology: ValueDistribution
    by_education_level: ValueDistribution
    counting: dict[str, str] = Field(default_factory=lambda: dict(COUNTING))
