"""The filters of a community search (query parameters), its validated form, the page and the facets."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from lcn_registry.communities.models import LIST_FIELDS
from lcn_registry.communities.schemas import CommunityPublic
from lcn_shared.contracts.vocabulary import (
    CommunityKind,
    CommunityStatus,
    EducationLevel,
    FundingSource,
    KeyTechnology,
    Landsdeel,
    LearningForm,
    LearningFunction,
    Phase,
    ProblemCategory,
    Province,
    SocietalChallenge,
    TargetGroup,
    Term,
    Topsector,
)

MAX_VALUES_PER_FIELD = 50
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


@dataclass(frozen=True)
class ControlledField:
    """A query parameter over a controlled column: the column it filters and the vocabulary of its codes."""

    parameter: str
    column: str
    vocabulary: type[Term]

    @property
    def multi_valued(self) -> bool:
        """True for list columns: a community may hold several of its values."""
        return self.column in LIST_FIELDS


CONTROLLED_FIELDS = (
    ControlledField("kind", "kinds", CommunityKind),
    ControlledField("education_level", "education_levels", EducationLevel),
    ControlledField("topsector", "topsectors", Topsector),
    ControlledField("societal_challenge", "societal_challenges", SocietalChallenge),
    ControlledField("key_technology", "key_technologies", KeyTechnology),
    ControlledField("learning_function", "learning_functions", LearningFunction),
    ControlledField("learning_form", "learning_forms", LearningForm),
    ControlledField("problem_category", "problem_categories", ProblemCategory),
    ControlledField("target_group", "target_groups", TargetGroup),
    ControlledField("funding_source", "funding_sources", FundingSource),
    ControlledField("landsdeel", "landsdeel", Landsdeel),
    ControlledField("province", "province", Province),
    ControlledField("phase", "phase", Phase),
    ControlledField("status", "status", CommunityStatus),
)
CONTROLLED_BY_PARAMETER = {controlled.parameter: controlled for controlled in CONTROLLED_FIELDS}

Codes = Annotated[
    list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]],
    Field(max_length=MAX_VALUES_PER_FIELD, description="Codes (or labels, aliases); repeat for OR."),
]
Municipality = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
FeedSourceName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")]


class CommunityFilterParams(BaseModel):
    """Filters as query parameters: repeated values are OR within a field, fields are AND."""

    model_config = ConfigDict(extra="forbid")

    kind: Codes = []
    education_level: Codes = []
    topsector: Codes = []
    societal_challenge: Codes = []
    key_technology: Codes = []
    learning_function: Codes = []
    learning_form: Codes = []
    problem_category: Codes = []
    target_group: Codes = []
    funding_source: Codes = []
    landsdeel: Codes = []
    province: Codes = []
    phase: Codes = []
    status: Codes = []
    municipality: list[Municipality] = Field([], max_length=MAX_VALUES_PER_FIELD, description="Exact, any case.")
    partner: list[UUID] = Field(
        [], max_length=MAX_VALUES_PER_FIELD, description="Organisation ids (members); an unknown id is a 422."
    )
    source: list[FeedSourceName] = Field(
        [],
        max_length=MAX_VALUES_PER_FIELD,
        description="Feed sources with an active record of the community; a source the registry holds no "
        "record of is a 422 listing the known ones.",
    )
    synthetic: bool | None = Field(None, description="Only synthetic (true) or only real (false) communities.")
    q: str | None = Field(
        None, min_length=1, max_length=200, description="Dutch full text on name, municipality and description."
    )


class SortOrder(StrEnum):
    """The orders a search can be sorted in; `-` means descending."""

    NAME = "name"
    NAME_DESC = "-name"
    UPDATED_AT = "updated_at"
    UPDATED_AT_DESC = "-updated_at"
    CREATED_AT = "created_at"
    CREATED_AT_DESC = "-created_at"
    RELEVANCE = "relevance"

    @property
    def descending(self) -> bool:
        """Relevance runs from the best match down; the others by their sign."""
        return self is SortOrder.RELEVANCE or self.value.startswith("-")


class CommunitySearchParams(CommunityFilterParams):
    """A search: the filters plus order, page size, cursor and facets."""

    sort: SortOrder | None = Field(None, description="Default: `relevance` with `q`, else `name`.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(None, max_length=2048, description="`next_cursor` of the previous page.")
    facets: str | None = Field(
        None, max_length=400, description="`true` for every controlled field, or a comma-separated list of fields."
    )


@dataclass(frozen=True)
class CommunityFilter:
    """Validated filters: vocabulary codes per controlled column, the other criteria as given."""

    codes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # column -> codes
    municipalities: tuple[str, ...] = ()
    partners: tuple[UUID, ...] = ()
    sources: tuple[str, ...] = ()
    synthetic: bool | None = None
    text: str | None = None

    def fingerprint(self) -> str:
        """A canonical text of the filters (order-free), so that a cursor continues only the query it came from."""
        canonical = {
            "codes": {column: sorted(codes) for column, codes in sorted(self.codes.items())},
            "municipalities": sorted(self.municipalities),
            "partners": sorted(map(str, self.partners)),
            "sources": sorted(self.sources),
            "synthetic": self.synthetic,
            "text": self.text,
        }
        return json.dumps(canonical, sort_keys=True, ensure_ascii=False)


class FacetValue(BaseModel):
    """How many communities of the result hold one value of a field."""

    code: str
    label: str
    count: int


class CommunityPage(BaseModel):
    """One page of a search: `next_cursor` is null on the last page; facets only when asked for."""

    data: list[CommunityPublic]
    next_cursor: str | None
    total: int = Field(description="Communities matching the filters, on every page.")
    facets: dict[str, list[FacetValue]] | None = Field(
        None, description="Per controlled field, the count of each value under the current filters."
    )
