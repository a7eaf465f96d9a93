"""Good practices as the API reads and writes them: strict bodies, the list's filters, the views and the facets."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime
from typing import Annotated, Any, Literal, Self, TypeVar
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic.json_schema import SkipJsonSchema

from lcn_monitor.indicators.schemas import KEY_PATTERN
from lcn_shared.contracts.vocabulary import (
    Landsdeel,
    LearningFunction,
    ProblemCategory,
    SuccessFactor,
    TargetGroup,
    Topsector,
)
from lcn_shared.spreadsheets import CsvSeparator

# No whitespace stripping before validation: what the OpenAPI document says is what is accepted (the service trims).
STRICT = ConfigDict(extra="forbid")
Curation = Literal["submitted", "published", "featured", "hidden"]
CuratedState = Literal["published", "featured", "hidden"]
Item = TypeVar("Item", bound=Hashable)
MAX_TEXT = 5000
MAX_INDICATORS = 20
# http or https, a host name, an optional port, then anything but white space: what the OpenAPI document says.
LINK_PATTERN = r"^https?://[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(?::[0-9]{1,5})?(?:[/?#]\S*)?$"


def _distinct(values: list[Item]) -> list[Item]:
    """The values, each named once."""
    if len(set(values)) != len(values):
        raise ValueError("name each value once")
    return values


Distinct = AfterValidator(_distinct)
UNIQUE: dict[str, Any] = {"uniqueItems": True}
VISIBLE = r"\S"  # at least one character that is not white space
Title = Annotated[str, StringConstraints(min_length=3, max_length=200, pattern=VISIBLE)]
LongText = Annotated[str, StringConstraints(min_length=10, max_length=MAX_TEXT, pattern=VISIBLE)]
Link = Annotated[
    str, StringConstraints(max_length=2000, pattern=LINK_PATTERN), Field(description="An http or https URL.")
]
Note = Annotated[str, StringConstraints(min_length=3, max_length=1000, pattern=VISIBLE)]
IndicatorKey = Annotated[str, StringConstraints(pattern=KEY_PATTERN)]
ProblemCategories = Annotated[
    list[ProblemCategory], Field(min_length=1, max_length=len(ProblemCategory), json_schema_extra=UNIQUE), Distinct
]
SuccessFactors = Annotated[
    list[SuccessFactor], Field(max_length=len(SuccessFactor), json_schema_extra=UNIQUE), Distinct
]
LearningFunctions = Annotated[
    list[LearningFunction], Field(max_length=len(LearningFunction), json_schema_extra=UNIQUE), Distinct
]
TargetGroups = Annotated[list[TargetGroup], Field(max_length=len(TargetGroup), json_schema_extra=UNIQUE), Distinct]
IndicatorKeys = Annotated[
    list[IndicatorKey],
    Field(max_length=MAX_INDICATORS, json_schema_extra=UNIQUE, description="Keys of /v1/indicators."),
    Distinct,
]


class PracticeCreate(BaseModel):
    """A new good practice of a community; it waits as `submitted` until a coordinator curates it."""

    model_config = STRICT

    community_id: UUID
    title: Title
    summary: LongText = Field(description="What the practice is and how it works.")
    problem_categories: ProblemCategories = Field(description="The problems it addresses (at least one).")
    success_factors: SuccessFactors = Field(default_factory=list, description="The must-haves it shows.")
    learning_functions: LearningFunctions = Field(default_factory=list)
    target_groups: TargetGroups = Field(default_factory=list)
    lessons_learned: LongText
    link: Link | None = None
    indicator_keys: IndicatorKeys = Field(default_factory=list)


class PracticeUpdate(BaseModel):
    """A merge patch: absent fields stay, `link: null` removes the link; the other fields cannot be removed."""

    model_config = STRICT

    title: Title | SkipJsonSchema[None] = None
    summary: LongText | SkipJsonSchema[None] = None
    problem_categories: ProblemCategories | SkipJsonSchema[None] = None
    success_factors: SuccessFactors | SkipJsonSchema[None] = None
    learning_functions: LearningFunctions | SkipJsonSchema[None] = None
    target_groups: TargetGroups | SkipJsonSchema[None] = None
    lessons_learned: LongText | SkipJsonSchema[None] = None
    link: Link | None = None
    indicator_keys: IndicatorKeys | SkipJsonSchema[None] = None

    @model_validator(mode="after")
    def _no_removals(self) -> Self:
        """Only the link may be null; the other fields hold a value, so they change but are never removed."""
        removed = sorted(name for name in self.model_fields_set if name != "link" and getattr(self, name) is None)
        if removed:
            raise ValueError(f"{', '.join(removed)} cannot be removed (null); send a value")
        return self


class CurationIn(BaseModel):
    """A coordinator's decision: publish, feature or hide the practice; hiding says why, for its editors."""

    model_config = STRICT

    state: CuratedState
    note: Note | None = None

    @model_validator(mode="after")
    def _hidden_with_reason(self) -> Self:
        """A hidden practice carries the reason, so its editors know what to change."""
        if self.state == "hidden" and self.note is None:
            raise ValueError("say why the practice is hidden (`note`)")
        return self


class PracticeFilterParams(BaseModel):
    """Filters as query parameters: repeated values are OR within a field, fields are AND."""

    model_config = ConfigDict(extra="forbid")

    q: str | None = Field(
        None,
        min_length=1,
        max_length=200,
        description="Dutch full text (web-search syntax) on title, summary, lessons.",
    )
    community_id: UUID | None = Field(None, description="Practices counting under this community (or its survivor).")
    landsdeel: Landsdeel | None = Field(None, description="Practices of communities in this landsdeel.")
    topsector: Topsector | None = Field(None, description="Practices of communities serving this top sector.")
    problem_category: list[ProblemCategory] = Field([], max_length=len(ProblemCategory))
    success_factor: list[SuccessFactor] = Field([], max_length=len(SuccessFactor))
    learning_function: list[LearningFunction] = Field([], max_length=len(LearningFunction))
    target_group: list[TargetGroup] = Field([], max_length=len(TargetGroup))
    indicator: str | None = Field(None, pattern=KEY_PATTERN, description="Practices linked to this indicator.")
    curation: Curation | None = Field(None, description="Only practices in this curation state (that you may see).")


class PracticeListParams(PracticeFilterParams):
    """A page of the list: the filters, page size, cursor and facets."""

    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=500, description="`next_cursor` of the page before.")
    facets: bool = Field(False, description="Count the practices per value of each vocabulary, under the filters.")


class PracticeCsvParams(PracticeFilterParams):
    """The filters of a CSV download, and its separator."""

    separator: CsvSeparator = Field(
        CsvSeparator.COMMA, description="`semicolon` for Excel with Dutch regional settings."
    )


class PracticePublic(BaseModel):
    """A good practice as the API shows it."""

    practice_id: UUID
    community_id: UUID = Field(description="The community as written.")
    survivor_id: UUID = Field(description="The community it counts under (itself unless merged away).")
    community_name: str
    landsdeel: str
    title: str
    summary: str
    problem_categories: list[str]
    success_factors: list[str]
    learning_functions: list[str]
    target_groups: list[str]
    lessons_learned: str
    link: str | None
    indicator_keys: list[str]
    curation: Curation
    curation_note: str | None
    curated_by: str | None
    curated_at: datetime | None
    changed_since_curation: bool = Field(description="Edited after a coordinator last curated it.")
    version: int
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime


class FacetValue(BaseModel):
    """How many practices under the filters hold one value."""

    code: str
    label: str
    count: int


class PracticeFacets(BaseModel):
    """Per vocabulary, every value with its count under the current filters (a practice once per value)."""

    total: int = Field(description="Practices matching the filters.")
    problem_category: list[FacetValue]
    success_factor: list[FacetValue]
    learning_function: list[FacetValue]
    target_group: list[FacetValue]


class PracticesPublic(BaseModel):
    """A page of practices: `next_cursor` is null on the last page; facets only when asked for."""

    data: list[PracticePublic]
    next_cursor: str | None
    facets: PracticeFacets | None = None


class PracticeChangePublic(BaseModel):
    """One entry of a practice's history."""

    change_id: int
    version: int
    change: str
    changes: dict[str, Any]
    actor: str
    changed_at: datetime


class PracticeChangesPublic(BaseModel):
    """A page of a practice's history, oldest first."""

    data: list[PracticeChangePublic]
    next_cursor: str | None
