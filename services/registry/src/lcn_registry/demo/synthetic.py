"""Synthetic communities: realistic names, places, partners and attributes from a seeded random stream."""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from lcn_registry.demo.model import TrueCommunity, TruePartner, slug
from lcn_registry.demo.places import PLACES_BY_LANDSDEEL, Municipality, Place
from lcn_registry.demo.pools import NATIONAL_NETWORKS, REGIONAL_NETWORKS, SCHOOLS, SECTOR_POOLS, School, mkb_names
from lcn_registry.demo.themes import (
    FIRST_FUNCTION,
    FUNCTION_SENTENCES,
    KIND_NOUNS,
    KIND_TEMPLATES,
    LANDSDEEL_WEIGHTS,
    PROBLEM_SHARES,
    TARGET_SHARES,
    THEMES_BY_TOPSECTOR,
    TOPSECTOR_WEIGHTS,
    KindTemplate,
    Theme,
)
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
    Term,
    Topsector,
)

T = TypeVar("T", bound=Term)
W = TypeVar("W")


def _cumulative(weights: list[int]) -> list[int]:
    """Cumulative weights, so weighted choices need not sum them on every call."""
    total, running = 0, []
    for weight in weights:
        total += weight
        running.append(total)
    return running


SIBLING_SHARE = 0.08  # similar communities that differ only in place, as real networks have
DRAFT_ATTEMPTS = 25
# Two communities on one theme in one place that differ only in kind would be hard even for a
# careful reader to keep apart, so the first attempts avoid them.
TOPIC_ATTEMPTS = 10
LANDSDELEN = list(LANDSDEEL_WEIGHTS)
LANDSDEEL_CUMULATIVE = _cumulative(list(LANDSDEEL_WEIGHTS.values()))
TOPSECTORS = list(TOPSECTOR_WEIGHTS)
TOPSECTOR_CUMULATIVE = _cumulative(list(TOPSECTOR_WEIGHTS.values()))
TEMPLATE_CUMULATIVE = _cumulative([template.weight for template in KIND_TEMPLATES])
PLACE_CUMULATIVE = {
    landsdeel: _cumulative([place.weight for place in places]) for landsdeel, places in PLACES_BY_LANDSDEEL.items()
}
MKB_NAMES = {topsector: mkb_names(topsector) for topsector in Topsector}
SCHOOLS_BY_LEVEL: dict[tuple[Province, str], tuple[School, ...]] = {
    (province, level): tuple(school for school in SCHOOLS if province in school.provinces and school.type == level)
    for province in Province
    for level in ("school-mbo", "school-hbo", "school-wo")
}
ALL_KEY_TECHNOLOGIES = tuple(KeyTechnology)
ALL_CHALLENGES = tuple(SocietalChallenge)


@dataclass(frozen=True)
class _Draft:
    """The naming decisions for one synthetic community."""

    name: str
    template: KindTemplate
    theme: Theme
    place: Place


@dataclass(frozen=True)
class _Lead:
    """The organisation that leads a synthetic community, and its web domain if it is a school."""

    partner: TruePartner
    domain: str | None


def _topic(draft: _Draft) -> tuple[str, str]:
    """What a community works on and where, whatever its kind."""
    return draft.theme.label, draft.place.label


class _SyntheticBuilder:
    """Draws synthetic communities one by one from a seeded random stream."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used_names: set[str] = set()
        self.used_topics: set[tuple[str, str]] = set()
        self.drafts: list[_Draft] = []
        # The first communities cover every landsdeel × topsector pair; the rest follow the weights.
        self.coverage = [(landsdeel, topsector) for landsdeel in Landsdeel for topsector in Topsector]
        rng.shuffle(self.coverage)

    def community(self, number: int) -> TrueCommunity:
        """The synthetic community with this number."""
        draft = self._draft(number)
        town = self.rng.choice(draft.place.municipalities)
        lead = self._lead(draft.template, town, draft.theme.topsector)
        partners = self._partners(lead, draft, town)
        kinds = draft.template.kinds
        functions = self._functions(kinds[0])
        status, phase, start = self._lifecycle()
        description = self._description(draft, lead, len(partners) - 1, functions[0], status)
        return TrueCommunity(
            key=f"synthetic:{number:04d}",
            name=draft.name,
            kinds=kinds,
            topsectors=self._topsectors(draft.theme),
            landsdeel=town.landsdeel,
            province=town.province,
            municipality=town.name,
            latitude=round(town.latitude + self.rng.uniform(-0.02, 0.02), 5),
            longitude=round(town.longitude + self.rng.uniform(-0.02, 0.02), 5),
            education_levels=self._levels(draft.template, partners),
            key_technologies=self._with_extra(draft.theme.key_technologies, ALL_KEY_TECHNOLOGIES, 0.2),
            societal_challenges=self._with_extra(draft.theme.challenges, ALL_CHALLENGES, 0.15),
            learning_functions=functions,
            learning_forms=self._forms(),
            problem_categories=self._shares(PROBLEM_SHARES, ProblemCategory.FIT_STUDENTS),
            target_groups=self._shares(TARGET_SHARES, TargetGroup.STUDENTEN),
            phase=phase,
            status=status,
            start_date=start,
            website=self._website(draft.name, lead),
            description=description,
            funding_sources=self._funding(kinds, partners),
            partners=partners,
            synthetic=True,
        )

    def _draft(self, number: int) -> _Draft:
        """Kind, theme and place, chosen so that the name is new."""
        if number <= len(self.coverage):
            landsdeel, topsector = self.coverage[number - 1]
        else:
            if self.drafts and self.rng.random() < SIBLING_SHARE:
                sibling = self._sibling(self.rng.choice(self.drafts))
                if sibling is not None:
                    return self._keep(sibling)
            landsdeel = self._weighted(LANDSDELEN, LANDSDEEL_CUMULATIVE)
            topsector = self._weighted(TOPSECTORS, TOPSECTOR_CUMULATIVE)
        for attempt in range(DRAFT_ATTEMPTS):
            template = self._weighted(KIND_TEMPLATES, TEMPLATE_CUMULATIVE)
            theme = self.rng.choice(THEMES_BY_TOPSECTOR[topsector])
            draft = self._named_draft(template, theme, self._place(landsdeel))
            # A large network runs out of free theme-place pairs; then only the name must be new.
            if self._is_new(draft, topic_matters=attempt < TOPIC_ATTEMPTS):
                return self._keep(draft)
        return self._keep(self._numbered(draft))

    def _sibling(self, original: _Draft) -> _Draft | None:
        """The same kind and theme somewhere else, if that name is still free."""
        landsdeel = self._weighted(LANDSDELEN, LANDSDEEL_CUMULATIVE)
        draft = self._named_draft(original.template, original.theme, self._place(landsdeel))
        return draft if self._is_new(draft, topic_matters=True) else None

    def _numbered(self, draft: _Draft) -> _Draft:
        """A taken name made unique the way real networks do: a second, third ... edition."""
        number = 2
        while f"{draft.name} {number}" in self.used_names:
            number += 1
        return _Draft(f"{draft.name} {number}", draft.template, draft.theme, draft.place)

    def _is_new(self, draft: _Draft, *, topic_matters: bool) -> bool:
        """A new name and, while it matters, a theme not yet worked on in that place."""
        return draft.name not in self.used_names and not (topic_matters and _topic(draft) in self.used_topics)

    def _keep(self, draft: _Draft) -> _Draft:
        """Reserve the draft's name and topic."""
        self.used_names.add(draft.name)
        self.used_topics.add(_topic(draft))
        self.drafts.append(draft)
        return draft

    def _weighted(self, population: Sequence[W], cumulative: list[int]) -> W:
        """A weighted pick; `random.choices` does the same but slower, and this runs for every draft."""
        return population[bisect(cumulative, self.rng.random() * cumulative[-1])]

    def _place(self, landsdeel: Landsdeel) -> Place:
        """A weighted place in the landsdeel."""
        return self._weighted(PLACES_BY_LANDSDEEL[landsdeel], PLACE_CUMULATIVE[landsdeel])

    @staticmethod
    def _named_draft(template: KindTemplate, theme: Theme, place: Place) -> _Draft:
        """The draft with the name its template gives."""
        return _Draft(template.pattern.format(theme=theme.label, place=place.label), template, theme, place)

    def _lead(self, template: KindTemplate, town: Municipality, topsector: Topsector) -> _Lead:
        """The penvoerder: usually a school of the kind's level in the province."""
        kinds, weights = zip(*template.leads, strict=True)
        lead_kind = self.rng.choices(kinds, weights=weights)[0]
        if lead_kind in ("mbo", "hbo", "wo"):
            school = self._school(f"school-{lead_kind}", town.province)
            return _Lead(TruePartner(school.name, school.type, MembershipRole.LEAD), school.domain)
        pool = SECTOR_POOLS[topsector]
        name, kind = {
            "company": (self.rng.choice(pool.large_companies), OrganisationType.COMPANY_LARGE),
            "network": (REGIONAL_NETWORKS[town.province], OrganisationType.NETWORK),
            "research": (self.rng.choice(pool.research), OrganisationType.RESEARCH),
            "government": (f"Gemeente {town.name}", OrganisationType.GOVERNMENT),
        }[lead_kind]
        return _Lead(TruePartner(name, kind, MembershipRole.LEAD), None)

    def _school(self, level: str, province: Province) -> School:
        """A school of that level in the province, or else in any province."""
        schools = SCHOOLS_BY_LEVEL[(province, level)] or tuple(school for school in SCHOOLS if school.type == level)
        return self.rng.choice(schools)

    def _partners(self, lead: _Lead, draft: _Draft, town: Municipality) -> tuple[TruePartner, ...]:
        """The lead and 2 to 7 others from the regional and sector pools."""
        rng, pool, topsector = self.rng, SECTOR_POOLS[draft.theme.topsector], draft.theme.topsector
        other_level = "school-hbo" if lead.partner.type is OrganisationType.SCHOOL_MBO else "school-mbo"
        school = self._school(other_level, town.province)
        core = [TruePartner(school.name, school.type, MembershipRole.PARTNER)]
        core += [
            TruePartner(name, OrganisationType.COMPANY_MKB, MembershipRole.PARTNER) for name in self._mkb(topsector)
        ]
        optional = [
            (0.5, rng.choice(pool.large_companies), OrganisationType.COMPANY_LARGE, MembershipRole.PARTNER),
            (0.35, f"Provincie {town.province.label}", OrganisationType.GOVERNMENT, MembershipRole.FINANCIER),
            (0.3, f"Gemeente {town.name}", OrganisationType.GOVERNMENT, MembershipRole.PARTNER),
            (0.4, rng.choice(pool.branch_bodies), OrganisationType.BRANCH, MembershipRole.PARTNER),
            (0.25, rng.choice(pool.oo_funds), OrganisationType.OO_FUND, MembershipRole.FINANCIER),
            (0.2, rng.choice(pool.research), OrganisationType.RESEARCH, MembershipRole.PARTNER),
            (0.15, self._school("school-wo", town.province).name, OrganisationType.SCHOOL_WO, MembershipRole.PARTNER),
            (0.2, REGIONAL_NETWORKS[town.province], OrganisationType.NETWORK, MembershipRole.PARTNER),
            (0.05, rng.choice(NATIONAL_NETWORKS), OrganisationType.NETWORK, MembershipRole.PARTNER),
        ]
        extra = [TruePartner(name, kind, role) for share, name, kind, role in optional if rng.random() < share]
        rng.shuffle(extra)
        partners, names, others = [lead.partner], {lead.partner.name}, rng.randint(2, 7)
        for partner in (*core, *extra):
            if len(partners) <= others and partner.name not in names:
                partners.append(partner)
                names.add(partner.name)
        return tuple(partners)

    def _mkb(self, topsector: Topsector) -> list[str]:
        """One to three distinct mkb companies of the topsector."""
        return self.rng.sample(MKB_NAMES[topsector], self.rng.randint(1, 3))

    def _topsectors(self, theme: Theme) -> tuple[Topsector, ...]:
        """The theme's topsector first, then sometimes its neighbours."""
        chosen = [theme.topsector, *(sector for sector in theme.secondary if self.rng.random() < 0.5)]
        if self.rng.random() < 0.1:
            chosen.append(self.rng.choice(TOPSECTORS))
        return tuple(dict.fromkeys(chosen))

    def _levels(self, template: KindTemplate, partners: tuple[TruePartner, ...]) -> tuple[EducationLevel, ...]:
        """The template's levels, wo when a university takes part, and sometimes Associate Degree or vmbo."""
        levels = set(template.levels)
        levels.update(EducationLevel.MBO for partner in partners if partner.type is OrganisationType.SCHOOL_MBO)
        levels.update(EducationLevel.HBO for partner in partners if partner.type is OrganisationType.SCHOOL_HBO)
        levels.update(EducationLevel.WO for partner in partners if partner.type is OrganisationType.SCHOOL_WO)
        if EducationLevel.HBO in levels and self.rng.random() < 0.2:
            levels.add(EducationLevel.ASSOCIATE_DEGREE)
        if EducationLevel.MBO in levels and self.rng.random() < 0.15:
            levels.add(EducationLevel.VMBO)
        return tuple(level for level in EducationLevel if level in levels)

    def _with_extra(self, terms: tuple[T, ...], options: tuple[T, ...], share: float) -> tuple[T, ...]:
        """The theme's terms, sometimes with one more."""
        if self.rng.random() < share:
            return tuple(dict.fromkeys((*terms, self.rng.choice(options))))
        return terms

    def _functions(self, kind: CommunityKind) -> tuple[LearningFunction, ...]:
        """The kind's usual learning function first, sometimes a second."""
        first = FIRST_FUNCTION.get(kind, LearningFunction.PROACTIEF)
        if self.rng.random() < 0.5:
            return tuple(dict.fromkeys((first, self.rng.choice(list(LearningFunction)))))
        return (first,)

    def _forms(self) -> tuple[LearningForm, ...]:
        """Mostly hybrid learning, sometimes two forms."""
        forms = (LearningForm.HYBRID, LearningForm.FORMAL, LearningForm.INFORMAL)
        first = self.rng.choices(forms, weights=(5, 2, 2))[0]
        if self.rng.random() < 0.25:
            return tuple(dict.fromkeys((first, self.rng.choice(forms))))
        return (first,)

    def _shares(self, shares: dict[T, float], fallback: T) -> tuple[T, ...]:
        """Each term with its own chance, at least the fallback."""
        chosen = tuple(term for term, share in shares.items() if self.rng.random() < share)
        return chosen or (fallback,)

    def _lifecycle(self) -> tuple[CommunityStatus, Phase, date]:
        """Status, phase and start date that agree with each other."""
        rng, roll = self.rng, self.rng.random()
        month = rng.choice((1, 2, 9, 9, 9, 10))
        if roll < 0.03:
            return CommunityStatus.PLANNED, Phase.START_UP, date(2026, rng.choice((2, 9)), 1)
        if roll < 0.12:
            status = CommunityStatus.ENDED if roll < 0.09 else CommunityStatus.ABSORBED
            return status, rng.choice((Phase.YOUNG, Phase.MATURE)), date(rng.randint(2012, 2019), month, 1)
        year = rng.choices(range(2012, 2026), weights=range(4, 18))[0]
        age = 2026 - year
        if age <= 1:
            return CommunityStatus.ACTIVE, Phase.START_UP, date(year, month, 1)
        if age <= 4:
            return CommunityStatus.ACTIVE, Phase.YOUNG, date(year, month, 1)
        phase = Phase.SELF_SUSTAINING if rng.random() < 0.35 else Phase.MATURE
        return CommunityStatus.ACTIVE, phase, date(year, month, 1)

    def _website(self, name: str, lead: _Lead) -> str | None:
        """Mostly an own domain, sometimes a page on the lead school's site, sometimes none."""
        roll = self.rng.random()
        if roll < 0.7:
            return f"https://www.{slug(name)}.nl"
        if roll < 0.88 and lead.domain is not None:
            return f"https://www.{lead.domain}/{slug(name)}"
        return None

    def _funding(
        self, kinds: tuple[CommunityKind, ...], partners: tuple[TruePartner, ...]
    ) -> tuple[FundingSource, ...]:
        """Funding that matches the partners: funds, governments, companies, RIF for CIVs, NGF for ecosystems."""
        types = {partner.type for partner in partners}
        chosen = {FundingSource.OO_FONDS} if OrganisationType.OO_FUND in types else set()
        if any(partner.name.startswith("Provincie ") for partner in partners):
            chosen.add(FundingSource.PROVINCIE)
        if types & {OrganisationType.COMPANY_MKB, OrganisationType.COMPANY_LARGE} and self.rng.random() < 0.7:
            chosen.add(FundingSource.BEDRIJVEN)
        if CommunityKind.CIV in kinds or (OrganisationType.SCHOOL_MBO in types and self.rng.random() < 0.4):
            chosen.add(FundingSource.RIF)
        if CommunityKind.ECOSYSTEM_PPS in kinds:
            chosen.add(FundingSource.NATIONAAL_GROEIFONDS)
        for source, share in (
            (FundingSource.REGIO_DEAL, 0.1),
            (FundingSource.MKB_DEAL, 0.1),
            (FundingSource.SLIM, 0.08),
        ):
            if self.rng.random() < share:
                chosen.add(source)
        return tuple(source for source in FundingSource if source in chosen) or (FundingSource.OVERIG,)

    @staticmethod
    def _description(
        draft: _Draft, lead: _Lead, others: int, function: LearningFunction, status: CommunityStatus
    ) -> str:
        """A plain description that says it is synthetic."""
        text = (
            f"Synthetisch voorbeeld: {KIND_NOUNS[draft.template.kinds[0]]} waarin {lead.partner.name} met "
            f"{others} partners in {draft.place.label} werkt aan het thema {draft.theme.label}. "
            f"{FUNCTION_SENTENCES[function]}"
        )
        if status is CommunityStatus.ENDED:
            return f"{text} Het project is afgerond."
        if status is CommunityStatus.ABSORBED:
            return f"{text} Het is opgegaan in een breder regionaal programma."
        return text


def build_synthetic(count: int, seed: int) -> list[TrueCommunity]:
    """`count` synthetic communities drawn from `random.Random(seed)`."""
    builder = _SyntheticBuilder(random.Random(seed))
    return [builder.community(number) for number in range(1, count + 1)]
