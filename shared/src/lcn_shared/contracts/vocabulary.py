"""Controlled vocabularies of the domain (see docs/glossary.md).

Each value is a code (what the API and events carry) with a Dutch label and the aliases that
real feeds use for it, so a feed writing "HTSM" or "High Tech Systemen & Materialen" is
understood without clients hard-coding the lists: the registry serves them at /v1/vocabularies.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from functools import cache
from typing import Any, Self


def fold(text: str) -> str:
    """Lower case, no accents, only letters and digits: how labels and aliases are compared."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return re.sub(r"[^a-z0-9]", "", "".join(char for char in decomposed if not unicodedata.combining(char)))


class Term(StrEnum):
    """A controlled value: its code, its label and the aliases feeds use for it."""

    label: str
    aliases: tuple[str, ...]

    def __new__(cls, code: str, label: str = "", *aliases: str) -> Self:
        term = str.__new__(cls, code)
        term._value_ = code
        term.label = label or code
        term.aliases = aliases
        return term

    @classmethod
    def parse(cls, text: str) -> Self:
        """The term whose code, label or alias matches `text` (case, accents and punctuation ignored)."""
        if (term := cls._value2member_map_.get(text)) is not None:  # the code itself: the common case
            return term  # type: ignore[return-value]
        term = _spellings(cls).get(fold(text))
        if not isinstance(term, cls):
            raise ValueError(f"{text!r} is not a known {cls.__name__}; see /v1/vocabularies")
        return term

    @classmethod
    def describe(cls) -> dict[str, Any]:
        """The vocabulary as the API serves it."""
        return {
            "description": (cls.__doc__ or "").strip(),
            "terms": [{"code": term.value, "label": term.label, "aliases": list(term.aliases)} for term in cls],
        }


@cache
def _spellings(vocabulary: type[Term]) -> dict[str, Any]:
    """Every folded code, label and alias of a vocabulary, to its term (built once per vocabulary)."""
    return {
        fold(spelling): term
        for term in reversed(list(vocabulary))  # the first term wins when two share a spelling
        for spelling in (term.value, term.label, *term.aliases)
    }


class Landsdeel(Term):
    """The five Techniekpact regions."""

    NOORD = ("noord", "Noord", "north", "noord-nederland")
    OOST = ("oost", "Oost", "east", "oost-nederland")
    ZUIDOOST = ("zuidoost", "Zuidoost", "south-east", "zuid-oost")
    ZUIDWEST = ("zuidwest", "Zuidwest", "south-west", "zuid-west")
    NOORDWEST = ("noordwest", "Noordwest", "north-west", "noord-west")


class Province(Term):
    """The twelve provinces."""

    GRONINGEN = ("groningen", "Groningen", "gr")
    FRYSLAN = ("fryslan", "Fryslân", "friesland", "fr")
    DRENTHE = ("drenthe", "Drenthe", "dr")
    OVERIJSSEL = ("overijssel", "Overijssel", "ov")
    FLEVOLAND = ("flevoland", "Flevoland", "fl")
    GELDERLAND = ("gelderland", "Gelderland", "gld", "ge")
    UTRECHT = ("utrecht", "Utrecht", "ut")
    NOORD_HOLLAND = ("noord-holland", "Noord-Holland", "nh")
    ZUID_HOLLAND = ("zuid-holland", "Zuid-Holland", "zh")
    ZEELAND = ("zeeland", "Zeeland", "ze")
    NOORD_BRABANT = ("noord-brabant", "Noord-Brabant", "brabant", "nb")
    LIMBURG = ("limburg", "Limburg", "li")


# The landsdeel a province belongs to. Noord-Brabant is split (west to Zuidwest, east to
# Zuidoost); without a municipality the eastern, larger part is assumed.
LANDSDEEL_OF_PROVINCE: dict[Province, Landsdeel] = {
    Province.GRONINGEN: Landsdeel.NOORD,
    Province.FRYSLAN: Landsdeel.NOORD,
    Province.DRENTHE: Landsdeel.NOORD,
    Province.OVERIJSSEL: Landsdeel.OOST,
    Province.GELDERLAND: Landsdeel.OOST,
    Province.FLEVOLAND: Landsdeel.NOORDWEST,
    Province.UTRECHT: Landsdeel.NOORDWEST,
    Province.NOORD_HOLLAND: Landsdeel.NOORDWEST,
    Province.ZUID_HOLLAND: Landsdeel.ZUIDWEST,
    Province.ZEELAND: Landsdeel.ZUIDWEST,
    Province.NOORD_BRABANT: Landsdeel.ZUIDOOST,
    Province.LIMBURG: Landsdeel.ZUIDOOST,
}


class Topsector(Term):
    """The Dutch top sectors (dutch digital delta counts as the tenth)."""

    ENERGIE = ("energie", "Energie", "energy")
    HTSM = ("htsm", "High Tech Systemen & Materialen", "high tech", "high tech systems and materials")
    LSH = ("lsh", "Life Sciences & Health", "life sciences", "lsh health")
    CHEMIE = ("chemie", "Chemie", "chemistry", "chemical")
    DUTCH_DIGITAL_DELTA = ("dutch-digital-delta", "Dutch Digital Delta", "ict", "ddd", "digital")
    AGRI_FOOD = ("agri-food", "Agri & Food", "agrifood", "agri en food")
    TUINBOUW_UITGANGSMATERIALEN = (
        "tuinbouw-uitgangsmaterialen",
        "Tuinbouw & Uitgangsmaterialen",
        "t&u",
        "tu",
        "tuinbouw",
        "horticulture",
    )
    WATER_MARITIEM = ("water-maritiem", "Water & Maritiem", "water", "maritiem", "water and maritime")
    LOGISTIEK = ("logistiek", "Logistiek", "logistics")
    CREATIEVE_INDUSTRIE = ("creatieve-industrie", "Creatieve Industrie", "ci", "creative industry", "creatief")


class SocietalChallenge(Term):
    """The four societal challenges (missions) and the cross-cutting themes."""

    ENERGIETRANSITIE = ("energietransitie-duurzaamheid", "Energietransitie & Duurzaamheid", "energietransitie")
    GEZONDHEID_ZORG = ("gezondheid-zorg", "Gezondheid & Zorg", "zorg", "health")
    LANDBOUW_WATER_VOEDSEL = ("landbouw-water-voedsel", "Landbouw, Water & Voedsel", "landbouw")
    VEILIGHEID = ("veiligheid", "Veiligheid", "security", "safety")
    CIRCULAIRE_ECONOMIE = ("circulaire-economie", "Circulaire Economie", "circular economy", "circulair")
    KLIMAATADAPTATIE = ("klimaatadaptatie", "Klimaatadaptatie", "climate adaptation")
    VERDIENVERMOGEN = ("verdienvermogen", "Verdienvermogen", "earning capacity")


class KeyTechnology(Term):
    """Key technologies (sleuteltechnologieën), grouped as in the national key-technology agenda."""

    ADVANCED_MATERIALS = ("advanced-materials", "Geavanceerde materialen", "materials")
    ARTIFICIAL_INTELLIGENCE = ("artificial-intelligence", "Kunstmatige intelligentie", "ai", "ki", "data science")
    CHEMICAL_TECHNOLOGIES = ("chemical-technologies", "Chemische technologieën", "process technology")
    CYBERSECURITY = ("cybersecurity", "Cybersecurity", "cyber security", "informatiebeveiliging")
    DIGITAL_TECHNOLOGIES = ("digital-technologies", "Digitale technologieën", "digitalisering", "it")
    ENGINEERING_FABRICATION = (
        "engineering-fabrication",
        "Engineering- en fabricagetechnologieën",
        "smart industry",
        "additive manufacturing",
        "3d printing",
    )
    LIFE_SCIENCE_TECHNOLOGIES = ("life-science-technologies", "Life-sciencetechnologieën", "biotech")
    NANOTECHNOLOGIES = ("nanotechnologies", "Nanotechnologie", "nano")
    PHOTONICS = ("photonics", "Fotonica en lichttechnologieën", "fotonica", "light technologies")
    QUANTUM = ("quantum-technologies", "Quantumtechnologie", "quantum")
    ROBOTICS = ("robotics", "Robotica", "robotica", "automation")


class CommunityKind(Term):
    """Kinds of learning community; several may apply to one community."""

    FIELDLAB = ("fieldlab", "Fieldlab", "field lab")
    SKILLSLAB = ("skillslab", "Skillslab", "skills lab")
    LIVING_LAB = ("living-lab", "Living lab", "livinglab", "proeftuin")
    CENTRE_OF_EXPERTISE = ("centre-of-expertise", "Centre of Expertise", "coe", "center of expertise")
    CIV = ("civ", "Centrum voor Innovatief Vakmanschap", "centrum innovatief vakmanschap")
    LECTORAAT = ("lectoraat", "Lectoraat", "research chair")
    PRACTORAAT = ("practoraat", "Practoraat")
    LEARNING_COMMUNITY = ("learning-community", "Lerende gemeenschap", "leergemeenschap", "learning community")
    ECOSYSTEM_PPS = ("ecosystem-pps", "Ecosysteem-PPS", "ngf pps", "opschaling pps")
    HIGH_IMPACT_PPS = ("high-impact-pps", "High-Impact PPS", "hipps")


class EducationLevel(Term):
    """Education levels a community involves."""

    PO = ("po", "Primair onderwijs", "primary")
    VO = ("vo", "Voortgezet onderwijs", "secondary", "havo", "vwo")
    VMBO = ("vmbo", "Vmbo")
    MBO = ("mbo", "Mbo (niveau 1-4, BBL/BOL)", "bbl", "bol")
    ASSOCIATE_DEGREE = ("associate-degree", "Associate Degree", "ad")
    HBO = ("hbo", "Hbo", "hogeschool", "bachelor")
    WO = ("wo", "Wo", "universiteit", "university")


class LearningFunction(Term):
    """What learning is for in the community (the 2017 study's three functions)."""

    VOORWAARDELIJK = ("voorwaardelijk", "Voorwaardelijk: leren om te kunnen werken", "conditional")
    REACTIEF = ("reactief", "Reactief: bijblijven bij veranderingen", "reactive")
    PROACTIEF = ("proactief", "Proactief: leren door te innoveren", "proactive")


class LearningForm(Term):
    """How learning is organised."""

    FORMAL = ("formal", "Formeel", "formeel")
    INFORMAL = ("informal", "Informeel", "informeel")
    HYBRID = ("hybrid", "Hybride", "hybride")


class ProblemCategory(Term):
    """The problems a community addresses (Tabel 1 of the 2017 study)."""

    FIT_STUDENTS = ("aansluiting-studenten", "1. Aansluiting onderwijs-arbeidsmarkt voor studenten", "1")
    FIT_WORKERS = ("aansluiting-werkenden", "2. Aansluiting voor werkenden (up- en reskilling)", "2")
    FINANCIAL_INCENTIVES = ("financiele-prikkels", "3. Financiële prikkels, laag rendement van scholing", "3")
    MOTIVATION = ("motivatie", "4. Motivatie", "4")
    KNOWLEDGE_SHARING = ("kennisdeling", "5. Beperkte kennisdeling", "5")
    NETWORK_AWARENESS = ("netwerk-urgentie", "6. Netwerk, urgentie, bewustzijn en informatie", "6")
    LOW_INFLOW = ("instroom", "7. Lage instroom", "7")


class SuccessFactor(Term):
    """The five must-haves of a public-private learning community (the 2017 study's tips for success)."""

    ADDED_VALUE = ("meerwaarde", "1. Meerwaarde voor beide partijen", "added value", "1")
    SHARED_OWNERSHIP = ("gedeeld-eigenaarschap", "2. Gedeeld eigenaarschap", "shared ownership", "2")
    INNOVATION = ("realisatie-innovaties", "3. Realisatie van innovaties", "innovations", "3")
    PHYSICAL_LOCATION = ("fysieke-locatie", "4. Fysieke locatie", "physical location", "gedeelde locatie", "4")
    LEARNING_CULTURE = ("leercultuur", "5. Inzicht in de leercultuur van bedrijven", "learning culture", "5")


class TargetGroup(Term):
    """Who the community's learning is for."""

    STUDENTEN = ("studenten", "Studenten en leerlingen", "students", "leerlingen")
    WERKENDEN = ("werkenden", "Werkenden", "workers", "employees", "werknemers")
    WERKZOEKENDEN = ("werkzoekenden", "Werkzoekenden", "job seekers")
    ZIJ_INSTROMERS = ("zij-instromers", "Zij-instromers", "career switchers")
    DOCENTEN = ("docenten", "Docenten", "teachers")
    ONDERNEMERS = ("ondernemers", "Ondernemers", "entrepreneurs", "mkb")


class Phase(Term):
    """How far a community has developed ("rijp en groen")."""

    START_UP = ("start-up", "Opstart", "opstart", "startup", "initiatief")
    YOUNG = ("young", "Groen (jong)", "groen", "groei")
    MATURE = ("mature", "Rijp", "rijp", "volwassen")
    SELF_SUSTAINING = ("self-sustaining", "Zelfstandig (borging)", "zelfstandig", "geborgd")


class CommunityStatus(Term):
    """Where a community is in its lifecycle."""

    PLANNED = ("planned", "Gepland", "gepland", "in voorbereiding")
    ACTIVE = ("active", "Actief", "actief", "lopend", "running")
    ENDED = ("ended", "Beëindigd", "beeindigd", "gestopt", "afgerond", "closed")
    ABSORBED = ("absorbed", "Opgegaan in ander programma", "opgegaan", "merged into programme")


class FundingSource(Term):
    """Where a community's money comes from."""

    NATIONAAL_GROEIFONDS = ("nationaal-groeifonds", "Nationaal Groeifonds", "ngf", "groeifonds")
    RIF = ("rif", "Regionaal Investeringsfonds mbo", "regionaal investeringsfonds")
    OO_FONDS = ("oo-fonds", "O&O-fonds", "o&o fonds", "sectorfonds")
    PROVINCIE = ("provincie", "Provincie", "province")
    GEMEENTE = ("gemeente", "Gemeente", "municipality")
    REGIO_DEAL = ("regio-deal", "Regio Deal", "regiodeal")
    MKB_DEAL = ("mkb-deal", "MKB Deal", "mkbdeal")
    SLIM = ("slim", "SLIM-regeling", "slim regeling")
    BEDRIJVEN = ("bedrijven", "Bedrijven (cash of in natura)", "companies", "bedrijfsleven", "private")
    OVERIG = ("overig", "Overig", "other")


class OrganisationType(Term):
    """What kind of organisation a partner is."""

    COMPANY_MKB = ("company-mkb", "Bedrijf (mkb)", "mkb", "sme")
    COMPANY_LARGE = ("company-large", "Bedrijf (groot)", "large company", "grootbedrijf")
    SCHOOL_VO = ("school-vo", "School (vo/vmbo)", "vmbo-school", "vo-school")
    SCHOOL_MBO = ("school-mbo", "School (mbo)", "roc", "mbo-instelling")
    SCHOOL_HBO = ("school-hbo", "School (hbo)", "hogeschool")
    SCHOOL_WO = ("school-wo", "School (wo)", "universiteit", "university")
    GOVERNMENT = ("government", "Overheid", "ministerie", "provincie", "gemeente")
    RESEARCH = ("research", "Onderzoek", "kennisinstelling", "tno", "nwo")
    BRANCH = ("branch", "Branche-organisatie", "brancheorganisatie")
    OO_FUND = ("oo-fund", "O&O-fonds", "o&o fonds")
    NETWORK = ("network", "Netwerk", "netwerkorganisatie")
    OTHER = ("other", "Overig", "overig")


class MembershipRole(Term):
    """An organisation's role in a community."""

    LEAD = ("lead", "Penvoerder", "penvoerder", "trekker", "coordinator")
    PARTNER = ("partner", "Partner", "deelnemer")
    FINANCIER = ("financier", "Financier", "funder", "cofinancier")


VOCABULARIES: dict[str, type[Term]] = {
    "landsdelen": Landsdeel,
    "provinces": Province,
    "topsectors": Topsector,
    "societal-challenges": SocietalChallenge,
    "key-technologies": KeyTechnology,
    "kinds": CommunityKind,
    "education-levels": EducationLevel,
    "learning-functions": LearningFunction,
    "learning-forms": LearningForm,
    "problem-categories": ProblemCategory,
    "success-factors": SuccessFactor,
    "target-groups": TargetGroup,
    "phases": Phase,
    "statuses": CommunityStatus,
    "funding-sources": FundingSource,
    "organisation-types": OrganisationType,
    "membership-roles": MembershipRole,
}
