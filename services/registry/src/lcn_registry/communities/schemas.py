"""The community as the API reads and writes it: base fields, create, update, public views."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, field_validator, model_validator

from lcn_registry.communities.models import LIST_FIELDS
from lcn_registry.communities.regions import check_coordinates, landsdelen_of
from lcn_registry.matching.normalise import normalise_website
from lcn_shared.contracts.vocabulary import (
    LANDSDEEL_OF_PROVINCE,
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
    Topsector,
)

# Latitude and longitude of the Netherlands, generously: a point outside is a data error.
NL_LATITUDE = (50.6, 53.7)
NL_LONGITUDE = (3.2, 7.3)
# `check_record`'s region rule in the request schema, so that a client generated from the OpenAPI document knows it.
REGION_REQUIRED: dict[str, Any] = {
    "anyOf": [
        {"required": [field], "properties": {field: {"not": {"type": "null"}}}} for field in ("landsdeel", "province")
    ]
}
# A community's dates lie well around the era of public-private partnerships: 0001-01-01 or 9999-12-31 is a
# placeholder or a typing error, never a start or an end.
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2100, 12, 31)
PlausibleDate = Annotated[date, Field(ge=EARLIEST_DATE, le=LATEST_DATE, description="Between 1900 and 2100.")]


def _distinct(values: list[Any] | None) -> list[Any] | None:
    """Reject a list that names a value twice (a merge patch's `null` passes)."""
    if values is not None and len(set(values)) != len(values):
        raise ValueError("values must be distinct")
    return values


class CommunityBase(BaseModel):
    """Every field of a community's domain model, by vocabulary code."""

    name: str = Field(min_length=2, max_length=200, description="The community's own name.")
    kinds: list[CommunityKind] = Field(min_length=1, max_length=10, description="What kind(s) of community it is.")
    education_levels: list[EducationLevel] = Field(default_factory=list, max_length=10)
    topsectors: list[Topsector] = Field(default_factory=list, max_length=10)
    primary_topsector: Topsector | None = Field(None, description="The main top sector; the first listed by default.")
    societal_challenges: list[SocietalChallenge] = Field(default_factory=list, max_length=10)
    key_technologies: list[KeyTechnology] = Field(default_factory=list, max_length=15)
    landsdeel: Landsdeel | None = Field(
        None, description="The Techniekpact region; derived from the province if absent."
    )
    province: Province | None = None
    municipality: str | None = Field(None, min_length=2, max_length=100)
    latitude: StrictFloat | None = Field(None, ge=NL_LATITUDE[0], le=NL_LATITUDE[1])
    longitude: StrictFloat | None = Field(None, ge=NL_LONGITUDE[0], le=NL_LONGITUDE[1])
    learning_functions: list[LearningFunction] = Field(default_factory=list, max_length=3)
    learning_forms: list[LearningForm] = Field(default_factory=list, max_length=3)
    problem_categories: list[ProblemCategory] = Field(default_factory=list, max_length=7)
    target_groups: list[TargetGroup] = Field(default_factory=list, max_length=10)
    phase: Phase | None = None
    start_date: PlausibleDate | None = None
    end_date: PlausibleDate | None = None
    website: str | None = Field(None, max_length=300)
    description: str | None = Field(None, max_length=5000)
    funding_sources: list[FundingSource] = Field(default_factory=list, max_length=10)

    _check_distinct = field_validator(*LIST_FIELDS)(_distinct)

    @field_validator("website")
    @classmethod
    def _website(cls, website: str | None) -> str | None:
        """Websites are stored with a scheme."""
        return normalise_website(website)


class CommunityCreate(CommunityBase):
    """A community as a partner or coordinator registers it; it names a landsdeel or a province, or both."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra=REGION_REQUIRED)

    status: CommunityStatus = Field(CommunityStatus.ACTIVE, description="`planned` or `active` at registration.")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        """Region, top sectors, coordinates and dates agree with each other."""
        check_consistency(self.model_dump())
        if self.landsdeel is None and self.province is not None:
            self.landsdeel = LANDSDEEL_OF_PROVINCE[self.province]
        if self.primary_topsector is None and self.topsectors:
            self.primary_topsector = self.topsectors[0]
        if self.status not in (CommunityStatus.PLANNED, CommunityStatus.ACTIVE):
            raise ValueError("a community is registered as planned or active")
        return self


class CommunityUpdate(BaseModel):
    """A JSON merge patch (RFC 7396) of a community: absent fields stay, `null` clears an optional one."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(None, min_length=2, max_length=200)
    kinds: list[CommunityKind] | None = Field(None, min_length=1, max_length=10)
    education_levels: list[EducationLevel] | None = Field(None, max_length=10)
    topsectors: list[Topsector] | None = Field(None, max_length=10)
    primary_topsector: Topsector | None = None
    societal_challenges: list[SocietalChallenge] | None = Field(None, max_length=10)
    key_technologies: list[KeyTechnology] | None = Field(None, max_length=15)
    landsdeel: Landsdeel | None = None
    province: Province | None = None
    municipality: str | None = Field(None, min_length=2, max_length=100)
    latitude: StrictFloat | None = Field(None, ge=NL_LATITUDE[0], le=NL_LATITUDE[1])
    longitude: StrictFloat | None = Field(None, ge=NL_LONGITUDE[0], le=NL_LONGITUDE[1])
    learning_functions: list[LearningFunction] | None = Field(None, max_length=3)
    learning_forms: list[LearningForm] | None = Field(None, max_length=3)
    problem_categories: list[ProblemCategory] | None = Field(None, max_length=7)
    target_groups: list[TargetGroup] | None = Field(None, max_length=10)
    phase: Phase | None = None
    start_date: PlausibleDate | None = None
    end_date: PlausibleDate | None = None
    website: str | None = Field(None, max_length=300)
    description: str | None = Field(None, max_length=5000)
    funding_sources: list[FundingSource] | None = Field(None, max_length=10)

    _website = field_validator("website")(lambda website: normalise_website(website))
    _check_distinct = field_validator(*LIST_FIELDS)(_distinct)

    @model_validator(mode="after")
    def _required_stay(self) -> Self:
        """Name, kinds and landsdeel may change but never be cleared."""
        cleared = [name for name in ("name", "kinds", "landsdeel") if name in self.model_fields_set]
        cleared = [name for name in cleared if getattr(self, name) is None]
        if cleared:
            raise ValueError(f"{', '.join(cleared)} cannot be cleared")
        return self

    def changes(self) -> dict[str, Any]:
        """The fields the patch sets, in the API's JSON representation; `null` empties a list field."""
        changes = self.model_dump(mode="json", include=self.model_fields_set)
        return {name: [] if value is None and name in LIST_FIELDS else value for name, value in changes.items()}


def check_record(values: dict[str, Any]) -> None:
    """Rules every description of a community keeps, from the API or a feed: a region is known,
    coordinates come in pairs and lie in that region, and a community ends after it starts."""
    if values.get("province") is None and values.get("landsdeel") is None:
        raise ValueError("landsdeel or province is required")
    if (values.get("latitude") is None) != (values.get("longitude") is None):
        raise ValueError("latitude and longitude come together")
    check_coordinates(values)
    start, end = values.get("start_date"), values.get("end_date")
    if start is not None and end is not None and end < start:
        raise ValueError("end_date is before start_date")


def check_consistency(values: dict[str, Any]) -> None:
    """Raise ValueError when a community's fields contradict each other."""
    check_record(values)
    province, landsdeel = values.get("province"), values.get("landsdeel")
    if province is not None and landsdeel is not None:
        if Landsdeel(landsdeel) not in landsdelen_of(Province(province)):
            raise ValueError(f"province {province} does not lie in landsdeel {landsdeel}")
    primary, topsectors = values.get("primary_topsector"), values.get("topsectors") or []
    if primary is not None and primary not in topsectors:
        raise ValueError("primary_topsector must be one of topsectors")


class CommunityPublic(BaseModel):
    """A community as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    community_id: UUID
    name: str
    kinds: list[str]
    education_levels: list[str]
    topsectors: list[str]
    primary_topsector: str | None
    societal_challenges: list[str]
    key_technologies: list[str]
    landsdeel: str
    province: str | None
    municipality: str | None
    latitude: float | None
    longitude: float | None
    learning_functions: list[str]
    learning_forms: list[str]
    problem_categories: list[str]
    target_groups: list[str]
    phase: str | None
    status: str
    start_date: date | None
    end_date: date | None
    website: str | None
    description: str | None
    funding_sources: list[str]
    synthetic: bool
    owner_organisation_id: UUID | None
    version: int
    created_at: datetime
    updated_at: datetime


class StatusChange(BaseModel):
    """A move in the community's lifecycle."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    status: CommunityStatus
    reason: str | None = Field(None, max_length=1000)
    absorbed_into: str | None = Field(None, max_length=200, description="The programme it was absorbed into.")

    @model_validator(mode="after")
    def _absorbed_names_programme(self) -> Self:
        """Only an absorbed community names the programme that absorbed it."""
        if (self.status is CommunityStatus.ABSORBED) != (self.absorbed_into is not None):
            raise ValueError("absorbed_into is required for status absorbed, and only then")
        return self


class ChangePublic(BaseModel):
    """One entry of a community's history."""

    model_config = ConfigDict(from_attributes=True)

    change_id: int
    version: int
    change: str
    actor: str
    origin: str
    changes: dict[str, Any]
    changed_at: datetime


class HistoryPublic(BaseModel):
    """A page of a community's history, newest first; `next_cursor` (older changes) is null on the last page."""

    community_id: UUID
    data: list[ChangePublic]
    next_cursor: str | None
