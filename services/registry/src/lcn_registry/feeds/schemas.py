"""The record a feed delivers, parsed leniently: feeds name things their own way."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from typing import Annotated, Any, Literal, Self, TypeVar, get_args, get_origin
from uuid import UUID

from pydantic import Base64Bytes, BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

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
    """Partners as a list of objects, or as a CSV cell `A (lead); B [company-mkb]` (or a list of such cells)."""
    if isinstance(value, str) or value is None:
        return [FeedPartner.parse_cell(part) for part in _split(value)]
    if isinstance(value, list):
        return [FeedPartner.parse_cell(part) if isinstance(part, str) else part for part in value]
    return value


class FeedRecord(BaseModel):
    """One community as one feed describes it; `external_id` is the feed's own id for it.

    Controlled values may be codes, labels or aliases (see /v1/vocabularies); in CSV a list is one cell,
    `a; b`, and partners are `Name [type] (role); ...`. Fields the registry does not know are ignored."""

    # Documented as it is read (a field with a default is optional), in requests and in answers alike.
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, json_schema_mode_override="validation")

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


def _vocabulary_of(annotation: Any) -> type[Term] | None:
    """The vocabulary a field's values come from (`list[Topsector]`, `Province | None`), if any."""
    for candidate in (annotation, *get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, Term):
            return candidate
    return None


FEED_FIELDS: tuple[str, ...] = tuple(FeedRecord.model_fields)
LIST_FIELDS = frozenset(name for name, info in FeedRecord.model_fields.items() if get_origin(info.annotation) is list)
VOCABULARY_OF_FIELD: dict[str, type[Term]] = {
    name: vocabulary
    for name, info in FeedRecord.model_fields.items()
    if (vocabulary := _vocabulary_of(info.annotation)) is not None
}
# Not a field of the record: the organisation leading the community (penvoerder), added to its partners.
LEAD_PARTNER = "lead_partner"
MAPPING_TARGETS: tuple[str, ...] = (*FEED_FIELDS, LEAD_PARTNER)
SourceName = Annotated[str, Field(min_length=1, max_length=200)]


class FeedMapping(BaseModel):
    """How one source's own files map onto the feed record: its column names, separators and spellings."""

    model_config = ConfigDict(extra="forbid")

    columns: dict[SourceName, str] = Field(
        default_factory=dict,
        max_length=200,
        description=f"The source's column (or JSON key) -> a feed-record field or `{LEAD_PARTNER}` (the penvoerder). "
        "Columns not named here are read under their own name.",
        examples=[{"naam": "name", "plaats": "municipality", "penvoerder": LEAD_PARTNER, "topsector": "topsectors"}],
    )
    separators: dict[str, Annotated[str, Field(min_length=1, max_length=5)]] = Field(
        default_factory=dict,
        max_length=50,
        description="A list field -> the separator the source writes between its values in one cell, "
        'e.g. {"partners": "|"} (without one, `;` and `|` separate).',
    )
    values: dict[str, dict[SourceName, str]] = Field(
        default_factory=dict,
        max_length=50,
        description="A controlled field -> the source's own spellings -> the registry's code (or label), "
        'e.g. {"province": {"N-Brabant": "noord-brabant"}}; spellings are compared ignoring case and accents.',
    )

    @model_validator(mode="after")
    def _known_targets(self) -> Self:
        """Every target is a feed-record field, named once; every alias names a known term (kept as its code)."""
        problems = [
            f"columns.{column}: {target!r} is no feed-record field"
            for column, target in self.columns.items()
            if target not in MAPPING_TARGETS
        ]
        problems += [
            f"columns: {', '.join(column for column, named in self.columns.items() if named == target)} "
            f"all map to {target!r}"
            for target, count in Counter(self.columns.values()).items()
            if count > 1
        ]
        problems += [
            f"separators.{name}: {name!r} is no list field" for name in self.separators if name not in LIST_FIELDS
        ]
        self.values = {name: self._codes(name, aliases, problems) for name, aliases in self.values.items()}
        if problems:
            raise ValueError(f"{'; '.join(problems)} (the fields: {', '.join(MAPPING_TARGETS)})")
        return self

    @staticmethod
    def _codes(name: str, aliases: dict[str, str], problems: list[str]) -> dict[str, str]:
        """A field's aliases with each target as its code; what is not a known term goes to `problems`."""
        vocabulary = VOCABULARY_OF_FIELD.get(name)
        if vocabulary is None:
            problems.append(f"values.{name}: {name!r} is no field with a controlled vocabulary")
            return aliases
        codes = {}
        for spelling, target in aliases.items():
            try:
                codes[spelling] = vocabulary.parse(target).value
            except ValueError as error:
                problems.append(f"values.{name}.{spelling}: {error}")
        return codes


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
    mapping_version: int | None = Field(None, description="The version of the source's mapping the job applies.")
    would_withdraw: WouldWithdraw | None = Field(None, description="Set while the job is held.")


class JobsPage(BaseModel):
    """A page of a source's jobs, newest first."""

    data: list[JobPublic]
    next_cursor: NextCursor


class BatchPublic(BaseModel):
    """The per-record results of one delivered batch, and the job so far."""

    job: JobPublic
    results: list[RecordResult]
    hint: str | None = Field(None, description="When every record was rejected: what is probably wrong.")


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


class MappingPublic(BaseModel):
    """One version of a source's mapping."""

    model_config = ConfigDict(from_attributes=True)

    feed_source: str
    version: int
    mapping: FeedMapping
    created_by: str
    created_at: datetime


class MappingVersionsPublic(BaseModel):
    """A page of a source's mapping versions, newest first."""

    data: list[MappingPublic]
    next_cursor: NextCursor


class PreviewRequest(BaseModel):
    """A delivery to read without importing it, optionally through a mapping not yet stored."""

    model_config = ConfigDict(extra="forbid")

    content_type: str = Field(
        max_length=200,
        description="The delivery's media type, as an import's Content-Type: `text/csv`, `application/json`, ...",
        examples=["text/csv"],
    )
    content: Base64Bytes = Field(description="The delivery as the file holds it (its bytes, base64-encoded).")
    mapping: FeedMapping | None = Field(None, description="A mapping to try instead of the source's stored one.")


class PreviewRow(BaseModel):
    """One record as the registry reads it, and what an import would do with it now."""

    position: int
    external_id: str | None
    outcome: Outcome
    reason: str | None = None
    raw: dict[str, Any] | None = Field(description="The record as delivered.")
    mapped: dict[str, Any] | None = Field(description="The record after the mapping, as it is validated.")
    record: FeedRecord | None = Field(description="The record as the registry reads it (codes, lists, partners).")


class PreviewPublic(BaseModel):
    """A dry run: the first records of a delivery as read, mapped and validated; nothing is written."""

    feed_source: str
    mapping_version: int | None = Field(description="The stored mapping version applied (null: none, or one sent).")
    received: int = Field(description="Records in the delivery (all are read; `rows` holds the first).")
    counts: dict[str, int] = Field(description="What an import would do with every record of the delivery.")
    hint: str | None = Field(description="When every record would be rejected: what is probably wrong.")
    rows: list[PreviewRow]
