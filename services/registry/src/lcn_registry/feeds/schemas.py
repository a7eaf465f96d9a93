"""The record a feed delivers, parsed leniently: feeds name things their own way."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal, Self, TypeVar
from uuid import UUID

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from lcn_registry.communities.schemas import NL_LATITUDE, NL_LONGITUDE, PlausibleDate, check_record
from lcn_registry.feeds.wire import ImportMode as ImportMode
from lcn_registry.feeds.wire import Outcome as Outcome
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
    MembershipRole,
    OrganisationType,
    Phase,
    ProblemCategory,
    Province,
    SocietalChallenge,
    TargetGroup,
    Term,
    Topsector,
)

LIST_SEPARATOR = re.compile(r"\s*[;|]\s*")
T = TypeVar("T", bound=Term)
PARTNER_PATTERN = re.compile(r"^(?P<name>[^\[\(]+?)\s*(?:\[(?P<type>[^\]]+)\])?\s*(?:\((?P<role>[^)]+)\))?$")


def _split(value: Any) -> Any:
    """A CSV cell `a; b` becomes a list; empty cells become empty lists."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part for part in LIST_SEPARATOR.split(value.strip()) if part]
    return value


def _blank_to_none(value: Any) -> Any:
    """Empty CSV cells are absent values."""
    return None if isinstance(value, str) and not value.strip() else value


def _terms(vocabulary: type[T]) -> Any:
    """A list of terms of `vocabulary`, accepting codes, labels and the aliases feeds use."""

    def parse(value: Any) -> list[T]:
        terms = [item if isinstance(item, vocabulary) else vocabulary.parse(str(item)) for item in _split(value)]
        return list(dict.fromkeys(terms))  # each term once, in the feed's order

    return Annotated[list[vocabulary], BeforeValidator(parse)]  # type: ignore[valid-type]


def _term(vocabulary: type[T]) -> Any:
    """An optional term of `vocabulary`, accepting codes, labels and aliases."""

    def parse(value: Any) -> T | None:
        value = _blank_to_none(value)
        return None if value is None or isinstance(value, vocabulary) else vocabulary.parse(str(value))

    return Annotated[vocabulary | None, BeforeValidator(parse)]


class FeedPartner(BaseModel):
    """A partner as a feed names it."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    name: str = Field(min_length=2, max_length=200)
    type: _term(OrganisationType) = None  # type: ignore[valid-type]
    role: _term(MembershipRole) = MembershipRole.PARTNER  # type: ignore[valid-type]

    @classmethod
    def parse_cell(cls, text: str) -> Self:
        """`Name [type] (role)`, as CSV feeds write a partner."""
        found = PARTNER_PATTERN.match(text.strip())
        if not found:
            raise ValueError(f"cannot read partner {text!r}; write `Name [type] (role)`")
        return cls.model_validate({key: value for key, value in found.groupdict().items() if value})


def _partners(value: Any) -> Any:
    """Partners as a list of objects, or as a CSV cell `A (lead); B [company-mkb]`."""
    if isinstance(value, str) or value is None:
        return [FeedPartner.parse_cell(part) for part in _split(value)]
    return value


class FeedRecord(BaseModel):
    """One community as one feed describes it; `external_id` is the feed's own id for it."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    external_id: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=2, max_length=200)
    kinds: _terms(CommunityKind) = Field(min_length=1)  # type: ignore[valid-type]
    education_levels: _terms(EducationLevel) = []  # type: ignore[valid-type]
    topsectors: _terms(Topsector) = []  # type: ignore[valid-type]
    societal_challenges: _terms(SocietalChallenge) = []  # type: ignore[valid-type]
    key_technologies: _terms(KeyTechnology) = []  # type: ignore[valid-type]
    landsdeel: _term(Landsdeel) = None  # type: ignore[valid-type]
    province: _term(Province) = None  # type: ignore[valid-type]
    municipality: Annotated[str | None, BeforeValidator(_blank_to_none)] = Field(None, max_length=100)
    latitude: Annotated[float | None, BeforeValidator(_blank_to_none)] = None
    longitude: Annotated[float | None, BeforeValidator(_blank_to_none)] = None
    learning_functions: _terms(LearningFunction) = []  # type: ignore[valid-type]
    learning_forms: _terms(LearningForm) = []  # type: ignore[valid-type]
    problem_categories: _terms(ProblemCategory) = []  # type: ignore[valid-type]
    target_groups: _terms(TargetGroup) = []  # type: ignore[valid-type]
    phase: _term(Phase) = None  # type: ignore[valid-type]
    status: _term(CommunityStatus) = None  # type: ignore[valid-type]
    start_date: Annotated[PlausibleDate | None, BeforeValidator(_blank_to_none)] = None
    end_date: Annotated[PlausibleDate | None, BeforeValidator(_blank_to_none)] = None
    website: Annotated[str | None, BeforeValidator(_blank_to_none)] = Field(None, max_length=300)
    description: Annotated[str | None, BeforeValidator(_blank_to_none)] = Field(None, max_length=5000)
    funding_sources: _terms(FundingSource) = []  # type: ignore[valid-type]
    partners: Annotated[list[FeedPartner], BeforeValidator(_partners)] = Field(default_factory=list, max_length=200)
    synthetic: bool = Field(False, description="Marks generated demonstration data.")

    @field_validator("latitude")
    @classmethod
    def _latitude_in_nl(cls, latitude: float | None) -> float | None:
        """Coordinates must lie in the Netherlands."""
        if latitude is not None and not NL_LATITUDE[0] <= latitude <= NL_LATITUDE[1]:
            raise ValueError(f"latitude {latitude} is outside the Netherlands")
        return latitude

    @field_validator("longitude")
    @classmethod
    def _longitude_in_nl(cls, longitude: float | None) -> float | None:
        """Coordinates must lie in the Netherlands."""
        if longitude is not None and not NL_LONGITUDE[0] <= longitude <= NL_LONGITUDE[1]:
            raise ValueError(f"longitude {longitude} is outside the Netherlands")
        return longitude

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        """The rules of every community record; the landsdeel follows from the province when absent."""
        check_record(self.__dict__)
        if self.landsdeel is None:
            self.landsdeel = LANDSDEEL_OF_PROVINCE[self.province]
        return self


FEED_SOURCE_PATTERN = r"^[a-z0-9][a-z0-9-]{1,40}(:[a-z0-9][a-z0-9-]{0,60})?$"
Link = Literal["new-community", "linked", "review"]


class JobCreate(BaseModel):
    """How a delivery's records are meant: changes only, or the source's full list."""

    model_config = ConfigDict(extra="forbid")

    mode: ImportMode = Field(
        "upsert", description="`snapshot`: records missing from the delivery are withdrawn by the source."
    )


class RecordResult(BaseModel):
    """What became of one record of a delivery."""

    position: int
    external_id: str | None
    outcome: Outcome
    reason: str | None = None
    community_id: UUID | None = None
    link: Link | None = Field(None, description="For added records: a new community, linked, or queued for review.")


NextCursor = Annotated[str | None, Field(description="Pass as `cursor` for the next page; null on the last page.")]


class WithdrawalPublic(BaseModel):
    """A source record a snapshot withdraws (or would withdraw), and its community."""

    model_config = ConfigDict(from_attributes=True)

    external_id: str
    community_id: UUID


class WithdrawalsPage(BaseModel):
    """A page of the records a snapshot job withdraws: for a held job those it would withdraw."""

    data: list[WithdrawalPublic]
    next_cursor: NextCursor


class WouldWithdraw(WithdrawalsPage):
    """What a held snapshot would withdraw if confirmed: the count, why it was held, the first records."""

    count: int
    reason: str
    held_at: datetime
    confirm: str = Field(description="How to apply the withdrawals (or cancel the job instead).")


JobState = Literal["open", "held", "completed", "cancelled"]


class JobPublic(BaseModel):
    """An import job with its counts."""

    model_config = ConfigDict(from_attributes=True)

    job_id: UUID
    feed_source: str
    mode: str
    state: JobState = Field(
        description="`held`: a snapshot that would withdraw too much waits for `?confirm_withdrawals=true` or a cancel."
    )
    received: int
    counts: dict[str, int]
    created_by: str
    created_at: datetime
    completed_at: datetime | None
    would_withdraw: WouldWithdraw | None = Field(None, description="Set while the job is held.")


class JobsPage(BaseModel):
    """A page of a source's jobs, newest first."""

    data: list[JobPublic]
    next_cursor: NextCursor


class BatchPublic(BaseModel):
    """The per-record results of one delivered batch, and the job so far."""

    job: JobPublic
    results: list[RecordResult]


class ResultsPublic(BaseModel):
    """A page of a job's per-record results."""

    data: list[RecordResult]
    next_cursor: NextCursor


class SourceRecordPublic(BaseModel):
    """What one source says about a community (lineage), and how it was linked."""

    model_config = ConfigDict(from_attributes=True)

    feed_source: str
    external_id: str
    community_id: UUID
    state: str
    raw: dict[str, Any] | None = Field(
        description="The record as delivered (it can name contact people): only for the source's own key, "
        "a coordinator or an admin; null for anyone else."
    )
    record: dict[str, Any]
    match: dict[str, Any]
    first_seen_at: datetime
    last_seen_at: datetime
    withdrawn_at: datetime | None


class LineagePublic(BaseModel):
    """A community's sources and where each field's value came from."""

    community_id: UUID
    provenance: dict[str, Any]
    sources: list[SourceRecordPublic]


class FeedSourcePublic(BaseModel):
    """A feed source and its records."""

    feed_source: str
    active_records: int
    withdrawn_records: int
    last_job: JobPublic | None


class SourcesPage(BaseModel):
    """A page of feed sources, by name."""

    data: list[FeedSourcePublic]
    next_cursor: NextCursor
