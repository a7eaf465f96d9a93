"""The "true" community and partner that the demo feeds describe, each in their own way."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

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


@dataclass(frozen=True)
class TruePartner:
    """An organisation in a community, as it really is called."""

    name: str
    type: OrganisationType
    role: MembershipRole


@dataclass(frozen=True)
class TrueCommunity:
    """A learning community as it really is; feeds describe it incompletely and in their own words."""

    key: str
    name: str
    kinds: tuple[CommunityKind, ...]
    topsectors: tuple[Topsector, ...]
    landsdeel: Landsdeel
    province: Province
    municipality: str
    latitude: float
    longitude: float
    education_levels: tuple[EducationLevel, ...]
    key_technologies: tuple[KeyTechnology, ...]
    societal_challenges: tuple[SocietalChallenge, ...]
    learning_functions: tuple[LearningFunction, ...]
    learning_forms: tuple[LearningForm, ...]
    problem_categories: tuple[ProblemCategory, ...]
    target_groups: tuple[TargetGroup, ...]
    phase: Phase
    status: CommunityStatus
    start_date: date
    website: str | None
    description: str
    funding_sources: tuple[FundingSource, ...]
    partners: tuple[TruePartner, ...]
    synthetic: bool

    @property
    def lead(self) -> TruePartner:
        """The penvoerder."""
        return next(partner for partner in self.partners if partner.role is MembershipRole.LEAD)


def slug(text: str) -> str:
    """A web-address form of a name: lower case, no accents, `&` as `en`, words joined by hyphens."""
    plain = unicodedata.normalize("NFKD", text.replace("&", " en ").replace("=", " is ")).encode("ascii", "ignore")
    return re.sub(r"[^a-z0-9]+", "-", plain.decode().lower()).strip("-")
