"""The "true" network of learning communities that the demo feeds describe, each in their own way."""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from lcn_registry.demo.model import TrueCommunity, TruePartner
from lcn_registry.demo.named import OTHERS, PILOTS, NamedSpec
from lcn_registry.demo.places import MUNICIPALITY_BY_NAME
from lcn_registry.demo.synthetic import build_synthetic
from lcn_registry.feeds.schemas import PARTNER_PATTERN
from lcn_shared.contracts.vocabulary import (
    CommunityKind,
    CommunityStatus,
    EducationLevel,
    FundingSource,
    KeyTechnology,
    LearningForm,
    LearningFunction,
    MembershipRole,
    OrganisationType,
    Phase,
    ProblemCategory,
    SocietalChallenge,
    TargetGroup,
    Term,
    Topsector,
)

__all__ = ["DEMO_LEADS", "TrueCommunity", "TruePartner", "demo_network", "named_communities", "synthetic_network"]

T = TypeVar("T", bound=Term)

# Demo API keys belong to these organisations, so they must lead exactly these communities.
DEMO_LEADS: dict[str, str] = {
    "Brainport Development": "Lerend Leven",
    "Da Vinci College": "Duurzaamheidsfabriek & Energie Transitie Huis",
    "Hanzehogeschool Groningen": "Energy College",
}


def _codes(vocabulary: type[T], text: str) -> tuple[T, ...]:
    """Terms written as space-separated codes."""
    return tuple(vocabulary(code) for code in text.split())


def _named_partners(text: str) -> tuple[TruePartner, ...]:
    """Partners written as `Name [type] (role); ...`; the role defaults to partner."""
    partners = []
    for cell in text.split("; "):
        found = PARTNER_PATTERN.match(cell)
        if found is None or found["type"] is None:
            raise ValueError(f"cannot read named partner {cell!r}")
        role = MembershipRole(found["role"] or MembershipRole.PARTNER)
        partners.append(TruePartner(found["name"], OrganisationType(found["type"]), role))
    return tuple(partners)


def _named(spec: NamedSpec) -> TrueCommunity:
    """A named community from its written-down spec."""
    town = MUNICIPALITY_BY_NAME[spec.municipality]
    return TrueCommunity(
        key=spec.key,
        name=spec.name,
        kinds=_codes(CommunityKind, spec.kinds),
        topsectors=_codes(Topsector, spec.topsectors),
        landsdeel=town.landsdeel,
        province=town.province,
        municipality=town.name,
        latitude=town.latitude,
        longitude=town.longitude,
        education_levels=_codes(EducationLevel, spec.education_levels),
        key_technologies=_codes(KeyTechnology, spec.key_technologies),
        societal_challenges=_codes(SocietalChallenge, spec.societal_challenges),
        learning_functions=_codes(LearningFunction, spec.learning_functions),
        learning_forms=_codes(LearningForm, spec.learning_forms),
        problem_categories=_codes(ProblemCategory, spec.problem_categories),
        target_groups=_codes(TargetGroup, spec.target_groups),
        phase=Phase(spec.phase),
        status=CommunityStatus(spec.status),
        start_date=date(spec.start_year, 9, 1),
        website=spec.website,
        description=spec.description,
        funding_sources=_codes(FundingSource, spec.funding_sources),
        partners=_named_partners(spec.partners),
        synthetic=False,
    )


def named_communities() -> list[TrueCommunity]:
    """The 20 pilots of the 2017 study and the other communities the policy documents name."""
    return [_named(spec) for spec in (*PILOTS, *OTHERS)]


def synthetic_network(count: int = 300, seed: int = 2026) -> list[TrueCommunity]:
    """`count` synthetic communities over every landsdeel and topsector; the same seed gives the same network."""
    return build_synthetic(count, seed)


def demo_network(seed: int = 2026) -> list[TrueCommunity]:
    """The named communities plus about 300 synthetic ones: the network the demo feeds describe."""
    return [*named_communities(), *synthetic_network(300, seed)]
