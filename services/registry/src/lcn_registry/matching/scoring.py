"""Scoring whether two records describe the same community, field by field (Fellegi-Sunter).

Each field lands on a comparison level; each level has an m-probability (how often two records of the
same community land there) and a u-probability (how often two different communities in the same
block do). The level's weight is log2(m/u) bits of evidence. Weights add up with the prior into a
match probability, so every score can be explained as the sum of its fields' weights.
The m/u values are set by judgement of the Dutch feeds and checked against the demo ground truth
(see docs/decisions/0008-entity-resolution.md).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any
from uuid import UUID

from rapidfuzz import fuzz

# About one in a hundred candidate pairs that share a block is a true match.
PRIOR_WEIGHT = math.log2(1 / 100)
LINK_PROBABILITY = 0.995
REVIEW_PROBABILITY = 0.5


@dataclass(frozen=True)
class Level:
    """One comparison level of one field."""

    name: str
    m: float
    u: float

    @property
    def weight(self) -> float:
        """Bits of evidence for a match (negative: against)."""
        return math.log2(self.m / self.u)


NAME_LEVELS = {
    "exact": Level("exact", 0.55, 0.0005),
    # "Lectoraat X" and "Ecosysteem X" in one town: the same words, another kind of community.
    "same-words-other-kind": Level("same-words-other-kind", 0.05, 0.01),
    "very-similar": Level("very-similar", 0.30, 0.003),
    "similar": Level("similar", 0.10, 0.02),
    "somewhat-similar": Level("somewhat-similar", 0.04, 0.06),
    "different": Level("different", 0.01, 0.92),
}
WEBSITE_LEVELS = {
    "same-site": Level("same-site", 0.70, 0.0005),
    "same-host-other-page": Level("same-host-other-page", 0.05, 0.02),
    "different": Level("different", 0.25, 0.98),
}
PLACE_LEVELS = {
    "same-municipality": Level("same-municipality", 0.75, 0.03),
    "same-province": Level("same-province", 0.85, 0.25),
    "same-landsdeel": Level("same-landsdeel", 0.90, 0.30),
    "other-municipality-same-province": Level("other-municipality-same-province", 0.10, 0.12),
    "other-landsdeel": Level("other-landsdeel", 0.02, 0.70),
}
PARTNER_LEVELS = {
    "most-shared": Level("most-shared", 0.60, 0.002),
    "some-shared": Level("some-shared", 0.30, 0.05),
    "none-shared": Level("none-shared", 0.10, 0.95),
}
KIND_LEVELS = {
    "overlap": Level("overlap", 0.90, 0.35),
    "no-overlap": Level("no-overlap", 0.10, 0.65),
}
# Fields whose agreement corroborates a name: a link is never made on the name alone.
CORROBORATING = {"website": {"same-site"}, "partners": {"most-shared", "some-shared"}, "place": {"same-municipality"}}


@dataclass(frozen=True)
class Profile:
    """What matching knows of one record or golden record, already normalised."""

    name: str
    full_name: str
    core_name: str
    kinds: frozenset[str]
    landsdeel: str
    province: str | None
    municipality: str | None
    site: str | None
    partners: frozenset[str]
    community_id: UUID | None = None


@dataclass(frozen=True)
class Evidence:
    """One field's comparison: its level, its weight and what was compared."""

    field: str
    level: str
    weight: float
    compared: tuple[Any, Any]


@dataclass(frozen=True)
class Score:
    """The total evidence for a pair, its probability and the field-by-field explanation."""

    weight: float
    probability: float
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def corroborated(self) -> bool:
        """True when something besides the name (website, partners, municipality) agrees."""
        return any(item.level in CORROBORATING.get(item.field, set()) for item in self.evidence)

    def decision(self) -> str:
        """`link` above the upper threshold (and corroborated), `review` between, `distinct` below."""
        if self.probability >= LINK_PROBABILITY and self.corroborated:
            return "link"
        if self.probability >= REVIEW_PROBABILITY:
            return "review"
        return "distinct"

    def explain(self) -> dict[str, Any]:
        """The score as the API shows it."""
        return {
            "probability": round(self.probability, 6),
            "weight": round(self.weight, 3),
            "prior_weight": round(PRIOR_WEIGHT, 3),
            "decision": self.decision(),
            "thresholds": {"link": LINK_PROBABILITY, "review": REVIEW_PROBABILITY},
            "fields": [
                {**asdict(item), "weight": round(item.weight, 3), "compared": list(item.compared)}
                for item in self.evidence
            ],
        }


def name_similarity(a: str, b: str) -> float:
    """Similarity of two core names in [0, 1]; a name contained in the other scores just below equal."""
    return float(max(fuzz.token_sort_ratio(a, b), 0.95 * fuzz.token_set_ratio(a, b))) / 100


def _name_level(a: Profile, b: Profile) -> Level:
    """How alike the distinctive parts of the names are."""
    if a.core_name == b.core_name:
        return NAME_LEVELS["exact" if a.full_name == b.full_name else "same-words-other-kind"]
    similarity = name_similarity(a.core_name, b.core_name)
    for threshold, level in ((0.92, "very-similar"), (0.82, "similar"), (0.65, "somewhat-similar")):
        if similarity >= threshold:
            return NAME_LEVELS[level]
    return NAME_LEVELS["different"]


def _website_level(a: Profile, b: Profile) -> Level | None:
    """Same site, another page on the same host (a school's site), or different; None when unknown."""
    if a.site is None or b.site is None:
        return None
    if a.site == b.site:
        return WEBSITE_LEVELS["same-site"]
    if a.site.split("/", 1)[0] == b.site.split("/", 1)[0]:
        return WEBSITE_LEVELS["same-host-other-page"]
    return WEBSITE_LEVELS["different"]


def _place_level(a: Profile, b: Profile) -> Level:
    """The most precise place both records know."""
    if a.landsdeel != b.landsdeel:
        return PLACE_LEVELS["other-landsdeel"]
    if a.municipality and b.municipality:
        if a.municipality == b.municipality:
            return PLACE_LEVELS["same-municipality"]
        if a.province and a.province == b.province:
            return PLACE_LEVELS["other-municipality-same-province"]
    if a.province and b.province:
        return PLACE_LEVELS["same-province"] if a.province == b.province else PLACE_LEVELS["other-landsdeel"]
    return PLACE_LEVELS["same-landsdeel"]


def _partner_level(a: Profile, b: Profile) -> Level | None:
    """Share of the smaller partner list found in the other; None when either lists none."""
    if not a.partners or not b.partners:
        return None
    overlap = len(a.partners & b.partners) / min(len(a.partners), len(b.partners))
    if overlap >= 0.5:
        return PARTNER_LEVELS["most-shared"]
    return PARTNER_LEVELS["some-shared"] if overlap > 0 else PARTNER_LEVELS["none-shared"]


def _kind_level(a: Profile, b: Profile) -> Level:
    """Whether the records share a kind."""
    return KIND_LEVELS["overlap"] if a.kinds & b.kinds else KIND_LEVELS["no-overlap"]


def compare(a: Profile, b: Profile) -> Score:
    """The evidence that `a` and `b` are the same community."""
    evidence = [
        Evidence("name", (level := _name_level(a, b)).name, level.weight, (a.name, b.name)),
        Evidence("place", (level := _place_level(a, b)).name, level.weight, (_place(a), _place(b))),
        Evidence("kinds", (level := _kind_level(a, b)).name, level.weight, (sorted(a.kinds), sorted(b.kinds))),
    ]
    website = _website_level(a, b)
    evidence.append(
        Evidence(
            "website", website.name if website else "unknown", website.weight if website else 0.0, (a.site, b.site)
        )
    )
    partners = _partner_level(a, b)
    evidence.append(
        Evidence(
            "partners",
            partners.name if partners else "unknown",
            partners.weight if partners else 0.0,
            (len(a.partners), len(b.partners)),
        )
    )
    total = PRIOR_WEIGHT + sum(item.weight for item in evidence)
    return Score(weight=total, probability=1 / (1 + 2 ** (-total)), evidence=evidence)


def _place(profile: Profile) -> str:
    """A profile's place, most precise first."""
    return " / ".join(part for part in (profile.municipality, profile.province, profile.landsdeel) if part)
