"""Who reports what in the demo: a plan derived from a stable hash of each community's name."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

H1, H2 = "2026-H1", "2026-H2"
PERIOD_ENDS = {H1: date(2026, 6, 30), H2: date(2026, 12, 31)}
NGF_KINDS = frozenset({"ecosystem-pps", "high-impact-pps"})
REPORTING_SHARE = 0.45  # of the other active communities; every NGF PPS reports
H1_SHARE = 0.8  # of the reporting ones, those whose first half-year the programme office entered late
LEFT_FOR_REVIEW = 4  # besides the one with a plausibility warning
WARNING_FACTOR = 12  # students ten times or more the half-year before: a `tenfold-rise` warning
RESULTS = (
    "Nieuwe bedrijven sloten aan en leverden praktijkopdrachten voor studenten.",
    "Samen met de bedrijven is een nieuwe module ontwikkeld en gestart.",
    "Studenten en werkenden werkten samen aan vraagstukken van de deelnemende bedrijven.",
    "Werkenden volgden bijscholing in de leeromgeving van de leergemeenschap.",
)
BOTTLENECKS = (
    "Roosters van school en bedrijf sluiten slecht op elkaar aan.",
    "Mkb-bedrijven hebben weinig tijd om begeleiders vrij te maken.",
    "Docenten hebben weinig ruimte om zelf in de praktijk bij te blijven.",
)
SOLUTIONS = (
    "Vaste praktijkdagen per week, afgesproken met alle partners.",
    "Een gedeelde begeleider voor meerdere mkb-bedrijven.",
    "Docentstages bij de partnerbedrijven, in het jaarrooster opgenomen.",
)


def unit(name: str, salt: str) -> float:
    """A number in [0, 1) that depends only on the name and the salt."""
    digest = hashlib.sha256(f"{salt}\0{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def pick(name: str, salt: str, low: int, high: int) -> int:
    """A whole number in [low, high] from the name."""
    return low + int(unit(name, salt) * (high - low + 1))


@dataclass(frozen=True)
class Community:
    """A community as the monitor's read model lists it, with what the plan needs."""

    community_id: str
    name: str
    kinds: tuple[str, ...]
    landsdeel: str
    status: str
    start_date: date | None
    leads: frozenset[str]

    @classmethod
    def from_api(cls, row: Mapping[str, Any]) -> Community:
        """From a row of the monitor's `GET /v1/communities`."""
        return cls(
            community_id=str(row["community_id"]),
            name=str(row["name"]),
            kinds=tuple(row["kinds"]),
            landsdeel=str(row["landsdeel"]),
            status=str(row["status"]),
            start_date=date.fromisoformat(row["start_date"]) if row["start_date"] else None,
            leads=frozenset(str(p["organisation_id"]) for p in row["partners"] if p["role"] == "lead"),
        )

    @property
    def ngf(self) -> bool:
        """An NGF PPS: its figures count for the Groeifonds indicators."""
        return bool(NGF_KINDS & set(self.kinds))

    def active_in(self, period: str) -> bool:
        """Active at the period's end; one without a start date was registered this year, so not in 2026-H1."""
        if self.status != "active":
            return False
        return self.start_date <= PERIOD_ENDS[period] if self.start_date else period == H2


def _rounded(value: int, step: int) -> int:
    """The value to a whole number of steps (euros in hundreds)."""
    return max(step, round(value / step) * step)


def first_figures(community: Community) -> dict[str, int]:
    """The 2026-H1 figures: larger for the NGF PPS, plausible for a learning community either way."""
    name, big = community.name, community.ngf
    return {
        "companies": pick(name, "companies", 20, 90) if big else pick(name, "companies", 3, 35),
        "students": pick(name, "students", 60, 400) if big else pick(name, "students", 21, 250),
        "employees": pick(name, "employees", 30, 250) if big else pick(name, "employees", 5, 120),
        "teachers": pick(name, "teachers", 5, 30) if big else pick(name, "teachers", 2, 20),
        "new_outputs": pick(name, "new_outputs", 2, 8) if big else pick(name, "new_outputs", 0, 4),
        "cofinancing_cash_eur": _rounded(
            pick(name, "cash", 20_000, 250_000) if big else pick(name, "cash", 2_000, 60_000), 500
        ),
        "cofinancing_in_kind_eur": _rounded(
            pick(name, "in-kind", 40_000, 400_000) if big else pick(name, "in-kind", 5_000, 120_000), 500
        ),
    }


def second_figures(community: Community, *, warning: bool = False) -> dict[str, int]:
    """The 2026-H2 figures: the first half-year's, grown a little (students tenfold for the warning's example)."""
    first = first_figures(community)
    grown = {
        name: round(value * (0.9 + 0.45 * unit(community.name, f"growth:{name}"))) for name, value in first.items()
    }
    for name in ("cofinancing_cash_eur", "cofinancing_in_kind_eur"):
        grown[name] = _rounded(grown[name], 500)
    if warning:
        grown["students"] = first["students"] * WARNING_FACTOR
    return grown


def narrative(community: Community) -> dict[str, str]:
    """A short account of the half-year, one of a few written ones."""
    name = community.name
    return {
        "results": RESULTS[pick(name, "results", 0, len(RESULTS) - 1)],
        "bottlenecks": BOTTLENECKS[pick(name, "bottlenecks", 0, len(BOTTLENECKS) - 1)],
        "solutions": SOLUTIONS[pick(name, "solutions", 0, len(SOLUTIONS) - 1)],
    }


def row(community: Community, period: str, figures: Mapping[str, int]) -> dict[str, Any]:
    """One row of a bulk delivery."""
    return {"community_id": community.community_id, "period": period, **figures, **narrative(community)}


def _first(communities: Iterable[Community], salt: str) -> Community | None:
    """The community whose name ranks first for `salt`."""
    return min(communities, key=lambda community: (unit(community.name, salt), community.name), default=None)


@dataclass
class Plan:
    """Who reports for which half-year through whom, and what the coordinator decides on each report."""

    first: list[Community]  # 2026-H1, the programme office's figures entered late by a coordinator
    second: list[Community]  # 2026-H2, the programme office's on-time delivery with its feed key
    direct: list[Community]  # 2026-H2, reported by a demo partner that leads the community
    warning: Community | None = None  # its 2026-H2 students are tenfold its 2026-H1 figure
    returned: Community | None = None
    corrected: Community | None = None  # its approved 2026-H1 report gets a correction
    review: set[str] = field(default_factory=set)  # ids whose 2026-H2 report is left submitted

    def second_figures_of(self, community: Community) -> dict[str, int]:
        """The 2026-H2 figures the community reports."""
        return second_figures(community, warning=community == self.warning)

    def decision(self, community: Community) -> str:
        """`approve`, `return` or `leave` (submitted, for review) for the community's 2026-H2 report."""
        if community == self.returned:
            return "return"
        return "leave" if community.community_id in self.review else "approve"

    def merge_candidates(self, avoid: Collection[str]) -> list[Community]:
        """Communities whose 2026-H2 report is approved and that are no one's example: one may absorb another."""
        special = {self.warning, self.returned, self.corrected}
        return [
            community
            for community in self.second
            if community not in special and community.community_id not in self.review and community.name not in avoid
        ]


def make_plan(communities: Iterable[Community], *, partners: Collection[str]) -> Plan:
    """The plan for the read model's communities; `partners` are the demo partners' organisation ids."""
    active = sorted((c for c in communities if c.status == "active"), key=lambda c: (c.name, c.community_id))
    reporting = [c for c in active if c.ngf or unit(c.name, "reports") < REPORTING_SHARE]
    led = [c for c in active if c.leads & set(partners) and c.active_in(H2)]
    first = [c for c in reporting if c.active_in(H1) and unit(c.name, "first-half") < H1_SHARE]
    second = [c for c in reporting if c.active_in(H2) and c not in led]
    plan = Plan(first=first, second=second, direct=led)
    reported_both = [c for c in second if c in first and first_figures(c)["students"] > 20]
    plan.warning = _first(reported_both, "warning")
    plan.returned = _first((c for c in second if c != plan.warning), "returned")
    plan.corrected = _first((c for c in first if c not in (plan.warning, plan.returned)), "corrected")
    others = [c for c in second if c not in (plan.warning, plan.returned, plan.corrected)]
    ranked = sorted(others, key=lambda c: (unit(c.name, "review"), c.name))
    plan.review = {c.community_id for c in ranked[:LEFT_FOR_REVIEW]}
    if plan.warning is not None:
        plan.review.add(plan.warning.community_id)
    if led:
        plan.review.add(min(led, key=lambda c: (unit(c.name, "review"), c.name)).community_id)
    return plan


def merge_pair(candidates: Iterable[Community]) -> tuple[Community, Community] | None:
    """Two candidates of one landsdeel: the first by hash survives, the next of its landsdeel merges into it."""
    ranked = sorted(candidates, key=lambda c: (unit(c.name, "merge"), c.name))
    for index, survivor in enumerate(ranked):
        duplicate = next((c for c in ranked[index + 1 :] if c.landsdeel == survivor.landsdeel), None)
        if duplicate is not None:
            return survivor, duplicate
    return None
