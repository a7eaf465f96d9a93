"""Events the registry publishes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from lcn_shared.contracts.base import EventContract
from lcn_shared.contracts.vocabulary import (
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
    Topsector,
)

COMMUNITY_TOPIC = "lcn.registry.community"
FEED_TOPIC = "lcn.registry.feed"
REGISTRY_SOURCE = "/lcn/registry"


class CommunityMember(BaseModel):
    """An organisation in a community, as events carry it."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    organisation_id: UUID
    organisation_name: str
    organisation_type: OrganisationType
    role: MembershipRole
    can_edit: bool = Field(
        False, description="Whether the organisation may change the community (a lead always may); absent before v1.1."
    )


class CommunityState(BaseModel):
    """The whole community as it is after the event (event-carried state transfer): a read model takes
    it when its version is newer than what it holds, so it needs no earlier event to be applied first."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    version: int = Field(description="The community's version after this event; newer versions win.")
    name: str
    kinds: list[CommunityKind]
    education_levels: list[EducationLevel] = Field(default_factory=list)
    topsectors: list[Topsector] = Field(default_factory=list)
    primary_topsector: Topsector | None = None
    societal_challenges: list[SocietalChallenge] = Field(default_factory=list)
    key_technologies: list[KeyTechnology] = Field(default_factory=list)
    landsdeel: Landsdeel
    province: Province | None = None
    municipality: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    learning_functions: list[LearningFunction] = Field(default_factory=list)
    learning_forms: list[LearningForm] = Field(default_factory=list)
    problem_categories: list[ProblemCategory] = Field(default_factory=list)
    target_groups: list[TargetGroup] = Field(default_factory=list)
    phase: Phase | None = None
    status: CommunityStatus
    start_date: date | None = None
    end_date: date | None = None
    website: str | None = None
    description: str | None = None
    funding_sources: list[FundingSource] = Field(default_factory=list)
    synthetic: bool = False
    owner_organisation_id: UUID | None = None
    members: list[CommunityMember] = Field(default_factory=list, description="Every organisation in it, with its role.")
    registered_at: datetime
    updated_at: datetime


class CommunityEvent(EventContract):
    """An event about one community, keyed by its id so its events stay in order."""

    topic: ClassVar[str] = COMMUNITY_TOPIC
    source: ClassVar[str] = REGISTRY_SOURCE

    community_id: UUID
    state: CommunityState | None = Field(
        None,
        description="The community after this event. Every event the registry publishes carries it; "
        "a projection takes it when `state.version` is newer than its row (and may skip older events).",
    )

    def aggregate_id(self) -> str:
        """The community id."""
        return str(self.community_id)


class CommunityRegistered(CommunityEvent):
    """A learning community was registered."""

    event_type: ClassVar[str] = "nl.lcn.registry.community.registered.v1"
    summary: ClassVar[str] = "A learning community was registered in the registry."

    name: str
    kind: CommunityKind = Field(description="The first of `kinds`, kept for consumers of the first version.")
    landsdeel: Landsdeel
    topsectors: list[Topsector] = Field(default_factory=list)
    owner_organisation_id: UUID | None = None
    registered_at: datetime
    kinds: list[CommunityKind] = Field(default_factory=list)
    primary_topsector: Topsector | None = None
    province: Province | None = None
    municipality: str | None = None
    key_technologies: list[KeyTechnology] = Field(default_factory=list)
    education_levels: list[EducationLevel] = Field(default_factory=list)
    status: CommunityStatus = CommunityStatus.ACTIVE
    phase: Phase | None = None
    start_date: date | None = None
    version: int = 1
    origin: str = Field("api", description="Where the change came from: `api` or `feed:<source>`.")
    members: list[CommunityMember] = Field(
        default_factory=list, description="The organisations at registration; later changes are membership-changed."
    )


class CommunityUpdated(CommunityEvent):
    """Fields of a community changed."""

    event_type: ClassVar[str] = "nl.lcn.registry.community.updated.v1"
    summary: ClassVar[str] = "Fields of a community changed; `changes` holds each changed field's new value."

    version: int
    changed_fields: list[str]
    changes: dict[str, Any] = Field(description="Field name to its new value, as the registry's API shows it.")
    updated_at: datetime
    origin: str = Field(description="Where the change came from: `api`, `feed:<source>` or `merge`.")


class CommunityStatusChanged(CommunityEvent):
    """A community moved in its lifecycle."""

    event_type: ClassVar[str] = "nl.lcn.registry.community.status-changed.v1"
    summary: ClassVar[str] = "A community's lifecycle status changed (planned, active, ended, absorbed)."

    version: int
    previous_status: CommunityStatus
    status: CommunityStatus
    reason: str | None = None
    absorbed_into: str | None = None
    changed_at: datetime


class CommunityMerged(CommunityEvent):
    """Two records turned out to be one community; `merged_community_id` now redirects here."""

    event_type: ClassVar[str] = "nl.lcn.registry.community.merged.v1"
    summary: ClassVar[str] = "A duplicate community was merged into this one; its id now redirects here."

    version: int
    merged_community_id: UUID
    merged_at: datetime
    reason: Literal["review", "manual"]


class MembershipChanged(CommunityEvent):
    """An organisation joined a community, changed its role, or left."""

    event_type: ClassVar[str] = "nl.lcn.registry.community.membership-changed.v1"
    summary: ClassVar[str] = "An organisation joined a community, changed its role in it, or left it."

    version: int
    organisation_id: UUID
    organisation_name: str
    organisation_type: OrganisationType
    change: Literal["added", "changed", "removed"]
    role: MembershipRole | None = Field(description="The role now; none once the organisation left.")
    previous_role: MembershipRole | None = None
    changed_at: datetime


class FeedImportCompleted(EventContract):
    """A feed import job finished."""

    event_type: ClassVar[str] = "nl.lcn.registry.feed.import-completed.v1"
    topic: ClassVar[str] = FEED_TOPIC
    source: ClassVar[str] = REGISTRY_SOURCE
    summary: ClassVar[str] = "A feed source's import job completed, with its counts."

    job_id: UUID
    feed_source: str
    mode: Literal["upsert", "snapshot"]
    counts: dict[str, int]
    completed_at: datetime

    def aggregate_id(self) -> str:
        """The job id."""
        return str(self.job_id)
