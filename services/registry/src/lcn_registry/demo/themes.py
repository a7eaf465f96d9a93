"""The tables synthetic communities are drawn from: themes, kinds of community and how often each value occurs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from lcn_shared.contracts.vocabulary import (
    CommunityKind,
    EducationLevel,
    KeyTechnology,
    Landsdeel,
    LearningFunction,
    ProblemCategory,
    SocietalChallenge,
    TargetGroup,
    Topsector,
)

KT = KeyTechnology
SC = SocietalChallenge
TS = Topsector


@dataclass(frozen=True)
class Theme:
    """What a community works on, within its primary topsector."""

    label: str
    topsector: Topsector
    secondary: tuple[Topsector, ...]
    key_technologies: tuple[KeyTechnology, ...]
    challenges: tuple[SocietalChallenge, ...]


ThemeRow: TypeAlias = tuple[str, tuple[Topsector, ...], tuple[KeyTechnology, ...], tuple[SocietalChallenge, ...]]


def _themes(topsector: Topsector, *rows: ThemeRow) -> list[Theme]:
    """The themes of one topsector from `(label, secondary topsectors, key technologies, challenges)` rows."""
    return [
        Theme(label, topsector, secondary, technologies, challenges)
        for label, secondary, technologies, challenges in rows
    ]


ET, CE, VV, LW = SC.ENERGIETRANSITIE, SC.CIRCULAIRE_ECONOMIE, SC.VERDIENVERMOGEN, SC.LANDBOUW_WATER_VOEDSEL
THEMES: tuple[Theme, ...] = (
    *_themes(
        TS.ENERGIE,
        ("Energietransitie", (), (KT.ENGINEERING_FABRICATION,), (ET,)),
        ("Waterstof", (TS.CHEMIE,), (KT.CHEMICAL_TECHNOLOGIES, KT.ADVANCED_MATERIALS), (ET,)),
        ("Slimme Netten", (TS.DUTCH_DIGITAL_DELTA,), (KT.DIGITAL_TECHNOLOGIES, KT.ARTIFICIAL_INTELLIGENCE), (ET,)),
        ("Warmtetransitie", (), (KT.ENGINEERING_FABRICATION,), (ET,)),
        ("Offshore Wind", (TS.WATER_MARITIEM,), (KT.ENGINEERING_FABRICATION, KT.ROBOTICS), (ET,)),
        ("Duurzaam Bouwen", (TS.HTSM,), (KT.ADVANCED_MATERIALS, KT.ENGINEERING_FABRICATION), (ET, CE)),
        ("Circulaire Bouw", (TS.CHEMIE,), (KT.ADVANCED_MATERIALS,), (CE, ET)),
        ("Installatietechniek", (), (KT.ENGINEERING_FABRICATION, KT.DIGITAL_TECHNOLOGIES), (ET,)),
        ("Energiecoöperaties", (), (KT.DIGITAL_TECHNOLOGIES,), (ET,)),
    ),
    *_themes(
        TS.HTSM,
        ("Slimme Maakindustrie", (), (KT.ENGINEERING_FABRICATION, KT.ROBOTICS), (VV,)),
        ("Smart Industry", (TS.DUTCH_DIGITAL_DELTA,), (KT.ENGINEERING_FABRICATION, KT.DIGITAL_TECHNOLOGIES), (VV,)),
        ("Precisietechnologie", (), (KT.ENGINEERING_FABRICATION, KT.NANOTECHNOLOGIES), (VV,)),
        ("Mechatronica", (), (KT.ROBOTICS, KT.ENGINEERING_FABRICATION), (VV,)),
        ("Fotonica", (), (KT.PHOTONICS,), (VV,)),
        ("Robotisering", (), (KT.ROBOTICS, KT.ARTIFICIAL_INTELLIGENCE), (VV,)),
        ("Composieten", (), (KT.ADVANCED_MATERIALS,), (CE, VV)),
        ("Additive Manufacturing", (), (KT.ENGINEERING_FABRICATION, KT.ADVANCED_MATERIALS), (VV,)),
    ),
    *_themes(
        TS.LSH,
        (
            "Zorg & Technologie",
            (TS.DUTCH_DIGITAL_DELTA,),
            (KT.DIGITAL_TECHNOLOGIES, KT.ROBOTICS),
            (SC.GEZONDHEID_ZORG,),
        ),
        ("Zorginnovatie", (), (KT.DIGITAL_TECHNOLOGIES,), (SC.GEZONDHEID_ZORG,)),
        ("Medische Technologie", (TS.HTSM,), (KT.LIFE_SCIENCE_TECHNOLOGIES, KT.PHOTONICS), (SC.GEZONDHEID_ZORG,)),
        ("Life Sciences", (TS.CHEMIE,), (KT.LIFE_SCIENCE_TECHNOLOGIES,), (SC.GEZONDHEID_ZORG,)),
        ("Langer Thuis", (), (KT.DIGITAL_TECHNOLOGIES, KT.ROBOTICS), (SC.GEZONDHEID_ZORG,)),
        (
            "Digitale Zorg",
            (TS.DUTCH_DIGITAL_DELTA,),
            (KT.DIGITAL_TECHNOLOGIES, KT.ARTIFICIAL_INTELLIGENCE),
            (SC.GEZONDHEID_ZORG,),
        ),
        ("Sport & Vitaliteit", (), (KT.DIGITAL_TECHNOLOGIES,), (SC.GEZONDHEID_ZORG,)),
    ),
    *_themes(
        TS.CHEMIE,
        ("Procestechnologie", (), (KT.CHEMICAL_TECHNOLOGIES,), (VV, ET)),
        ("Biobased Economy", (TS.AGRI_FOOD,), (KT.CHEMICAL_TECHNOLOGIES, KT.LIFE_SCIENCE_TECHNOLOGIES), (CE,)),
        ("Veilige Procesindustrie", (), (KT.CHEMICAL_TECHNOLOGIES,), (SC.VEILIGHEID,)),
        ("Circulaire Kunststoffen", (), (KT.ADVANCED_MATERIALS, KT.CHEMICAL_TECHNOLOGIES), (CE,)),
        ("Groene Chemie", (), (KT.CHEMICAL_TECHNOLOGIES,), (ET, CE)),
        ("Laboratoriumtechniek", (TS.LSH,), (KT.CHEMICAL_TECHNOLOGIES, KT.LIFE_SCIENCE_TECHNOLOGIES), (VV,)),
    ),
    *_themes(
        TS.DUTCH_DIGITAL_DELTA,
        ("Cybersecurity", (), (KT.CYBERSECURITY,), (SC.VEILIGHEID,)),
        ("Data Science", (), (KT.ARTIFICIAL_INTELLIGENCE,), (VV,)),
        ("Kunstmatige Intelligentie", (), (KT.ARTIFICIAL_INTELLIGENCE,), (VV,)),
        ("Software Development", (), (KT.DIGITAL_TECHNOLOGIES,), (VV,)),
        ("Digitale Vaardigheden", (), (KT.DIGITAL_TECHNOLOGIES,), (VV,)),
        ("IT Talent", (), (KT.DIGITAL_TECHNOLOGIES,), (VV,)),
        ("Quantum Technologie", (TS.HTSM,), (KT.QUANTUM,), (VV,)),
    ),
    *_themes(
        TS.AGRI_FOOD,
        ("Voedselinnovatie", (), (KT.LIFE_SCIENCE_TECHNOLOGIES,), (LW,)),
        ("Precisielandbouw", (TS.DUTCH_DIGITAL_DELTA,), (KT.ROBOTICS, KT.ARTIFICIAL_INTELLIGENCE), (LW,)),
        ("Duurzame Zuivel", (), (KT.LIFE_SCIENCE_TECHNOLOGIES,), (LW, CE)),
        ("Food Technology", (TS.HTSM,), (KT.ENGINEERING_FABRICATION,), (LW,)),
        ("Kringlooplandbouw", (), (KT.LIFE_SCIENCE_TECHNOLOGIES,), (LW, CE)),
        ("Agrotechniek", (), (KT.ROBOTICS, KT.ENGINEERING_FABRICATION), (LW,)),
    ),
    *_themes(
        TS.TUINBOUW_UITGANGSMATERIALEN,
        ("Glastuinbouw", (), (KT.ENGINEERING_FABRICATION, KT.DIGITAL_TECHNOLOGIES), (LW,)),
        ("Slimme Kas", (TS.DUTCH_DIGITAL_DELTA,), (KT.ARTIFICIAL_INTELLIGENCE, KT.ROBOTICS), (LW, ET)),
        ("Greenport Innovatie", (), (KT.LIFE_SCIENCE_TECHNOLOGIES,), (LW,)),
        ("Vertical Farming", (), (KT.PHOTONICS, KT.ROBOTICS), (LW,)),
        ("Plantgezondheid", (), (KT.LIFE_SCIENCE_TECHNOLOGIES,), (LW,)),
        ("Boomkwekerij", (), (KT.LIFE_SCIENCE_TECHNOLOGIES,), (LW, SC.KLIMAATADAPTATIE)),
    ),
    *_themes(
        TS.WATER_MARITIEM,
        ("Water & Delta", (), (KT.ENGINEERING_FABRICATION, KT.DIGITAL_TECHNOLOGIES), (SC.KLIMAATADAPTATIE, LW)),
        ("Maritieme Techniek", (TS.HTSM,), (KT.ENGINEERING_FABRICATION,), (VV,)),
        ("Scheepsbouw", (), (KT.ENGINEERING_FABRICATION, KT.ADVANCED_MATERIALS), (VV,)),
        ("Waterbouw", (), (KT.ENGINEERING_FABRICATION,), (SC.KLIMAATADAPTATIE,)),
        ("Waterbeheer", (), (KT.DIGITAL_TECHNOLOGIES,), (SC.KLIMAATADAPTATIE, LW)),
        ("Haven & Offshore", (TS.LOGISTIEK,), (KT.ENGINEERING_FABRICATION, KT.ROBOTICS), (ET,)),
    ),
    *_themes(
        TS.LOGISTIEK,
        ("Slimme Logistiek", (TS.DUTCH_DIGITAL_DELTA,), (KT.DIGITAL_TECHNOLOGIES, KT.ARTIFICIAL_INTELLIGENCE), (VV,)),
        ("Supply Chain Innovatie", (), (KT.DIGITAL_TECHNOLOGIES,), (VV,)),
        ("Duurzaam Transport", (TS.ENERGIE,), (KT.ENGINEERING_FABRICATION,), (ET,)),
        ("Warehousing & Robotica", (TS.HTSM,), (KT.ROBOTICS,), (VV,)),
        ("Zero Emissie Logistiek", (TS.ENERGIE,), (KT.DIGITAL_TECHNOLOGIES,), (ET,)),
        ("Slimme Mobiliteit", (), (KT.DIGITAL_TECHNOLOGIES, KT.ARTIFICIAL_INTELLIGENCE), (ET,)),
    ),
    *_themes(
        TS.CREATIEVE_INDUSTRIE,
        ("Media & Design", (), (KT.DIGITAL_TECHNOLOGIES,), (VV,)),
        (
            "Creatieve Technologie",
            (TS.DUTCH_DIGITAL_DELTA,),
            (KT.DIGITAL_TECHNOLOGIES, KT.ARTIFICIAL_INTELLIGENCE),
            (VV,),
        ),
        ("Gaming", (TS.DUTCH_DIGITAL_DELTA,), (KT.DIGITAL_TECHNOLOGIES,), (VV,)),
        ("Immersive Media", (), (KT.DIGITAL_TECHNOLOGIES, KT.PHOTONICS), (VV,)),
        ("Design & Maken", (TS.HTSM,), (KT.ENGINEERING_FABRICATION,), (VV, CE)),
        ("Mode & Textiel", (), (KT.ADVANCED_MATERIALS,), (CE,)),
    ),
)
THEMES_BY_TOPSECTOR: dict[Topsector, tuple[Theme, ...]] = {
    topsector: tuple(theme for theme in THEMES if theme.topsector is topsector) for topsector in Topsector
}


@dataclass(frozen=True)
class KindTemplate:
    """How a kind of community is named, who usually leads it and which levels take part."""

    pattern: str
    kinds: tuple[CommunityKind, ...]
    leads: tuple[tuple[str, int], ...]
    levels: tuple[EducationLevel, ...]
    weight: int


CK = CommunityKind
EL = EducationLevel
FIELDLAB_LEADS = (("hbo", 4), ("mbo", 2), ("company", 2), ("network", 1), ("research", 1))
KIND_TEMPLATES: tuple[KindTemplate, ...] = (
    KindTemplate("Fieldlab {theme} {place}", (CK.FIELDLAB,), FIELDLAB_LEADS, (EL.MBO, EL.HBO), 8),
    KindTemplate("{theme} Fieldlab {place}", (CK.FIELDLAB,), FIELDLAB_LEADS, (EL.MBO, EL.HBO), 4),
    KindTemplate("Fieldlab {theme} {place}", (CK.FIELDLAB, CK.LEARNING_COMMUNITY), FIELDLAB_LEADS, (EL.MBO, EL.HBO), 2),
    KindTemplate("Centre of Expertise {theme} {place}", (CK.CENTRE_OF_EXPERTISE,), (("hbo", 1),), (EL.HBO,), 7),
    KindTemplate(
        "Centre of Expertise {theme} {place}", (CK.CENTRE_OF_EXPERTISE, CK.LECTORAAT), (("hbo", 1),), (EL.HBO,), 2
    ),
    KindTemplate("CIV {theme} {place}", (CK.CIV,), (("mbo", 1),), (EL.MBO,), 5),
    KindTemplate("Centrum voor Innovatief Vakmanschap {theme} {place}", (CK.CIV,), (("mbo", 1),), (EL.MBO,), 4),
    KindTemplate("CIV {theme} {place}", (CK.CIV, CK.PRACTORAAT), (("mbo", 1),), (EL.MBO, EL.VMBO), 1),
    KindTemplate(
        "Living Lab {theme} {place}",
        (CK.LIVING_LAB,),
        (("hbo", 4), ("wo", 2), ("government", 1), ("mbo", 1)),
        (EL.HBO, EL.MBO),
        6,
    ),
    KindTemplate("Proeftuin {theme} {place}", (CK.LIVING_LAB,), (("hbo", 2), ("government", 1)), (EL.HBO, EL.MBO), 2),
    KindTemplate("Skillslab {theme} {place}", (CK.SKILLSLAB,), (("mbo", 3), ("hbo", 1)), (EL.MBO,), 4),
    KindTemplate("Practoraat {theme} {place}", (CK.PRACTORAAT,), (("mbo", 1),), (EL.MBO,), 5),
    KindTemplate("Lectoraat {theme} {place}", (CK.LECTORAAT,), (("hbo", 1),), (EL.HBO,), 3),
    KindTemplate(
        "Leergemeenschap {theme} {place}",
        (CK.LEARNING_COMMUNITY,),
        (("mbo", 2), ("hbo", 2), ("network", 1)),
        (EL.MBO, EL.HBO),
        5,
    ),
    KindTemplate(
        "Innovatiewerkplaats {theme} {place}",
        (CK.LEARNING_COMMUNITY, CK.LIVING_LAB),
        (("hbo", 3), ("mbo", 1)),
        (EL.HBO, EL.MBO),
        3,
    ),
    KindTemplate(
        "Ecosysteem {theme} {place}",
        (CK.ECOSYSTEM_PPS,),
        (("hbo", 2), ("mbo", 2), ("network", 1)),
        (EL.MBO, EL.ASSOCIATE_DEGREE, EL.HBO),
        2,
    ),
    KindTemplate(
        "{theme} Campus {place}", (CK.CENTRE_OF_EXPERTISE, CK.CIV), (("hbo", 1), ("mbo", 1)), (EL.MBO, EL.HBO), 2
    ),
    KindTemplate(
        "Talentenhub {theme} {place}",
        (CK.HIGH_IMPACT_PPS, CK.LEARNING_COMMUNITY),
        (("mbo", 2), ("hbo", 1)),
        (EL.VMBO, EL.MBO, EL.HBO),
        2,
    ),
)

# How often each landsdeel and primary topsector is drawn, roughly as the ~300 PPS are spread.
LANDSDEEL_WEIGHTS = {
    Landsdeel.NOORD: 12,
    Landsdeel.OOST: 18,
    Landsdeel.ZUIDOOST: 20,
    Landsdeel.ZUIDWEST: 25,
    Landsdeel.NOORDWEST: 25,
}
TOPSECTOR_WEIGHTS = {
    Topsector.ENERGIE: 14,
    Topsector.HTSM: 16,
    Topsector.LSH: 12,
    Topsector.CHEMIE: 7,
    Topsector.DUTCH_DIGITAL_DELTA: 12,
    Topsector.AGRI_FOOD: 8,
    Topsector.TUINBOUW_UITGANGSMATERIALEN: 6,
    Topsector.WATER_MARITIEM: 8,
    Topsector.LOGISTIEK: 8,
    Topsector.CREATIEVE_INDUSTRIE: 7,
}
FIRST_FUNCTION = {
    CommunityKind.CIV: LearningFunction.VOORWAARDELIJK,
    CommunityKind.SKILLSLAB: LearningFunction.VOORWAARDELIJK,
    CommunityKind.HIGH_IMPACT_PPS: LearningFunction.VOORWAARDELIJK,
    CommunityKind.PRACTORAAT: LearningFunction.REACTIEF,
    CommunityKind.LEARNING_COMMUNITY: LearningFunction.REACTIEF,
}
KIND_NOUNS = {
    CommunityKind.FIELDLAB: "een fieldlab",
    CommunityKind.SKILLSLAB: "een skillslab",
    CommunityKind.LIVING_LAB: "een living lab",
    CommunityKind.CENTRE_OF_EXPERTISE: "een centre of expertise",
    CommunityKind.CIV: "een centrum voor innovatief vakmanschap",
    CommunityKind.LECTORAAT: "een lectoraat",
    CommunityKind.PRACTORAAT: "een practoraat",
    CommunityKind.LEARNING_COMMUNITY: "een leergemeenschap",
    CommunityKind.ECOSYSTEM_PPS: "een ecosysteem-PPS",
    CommunityKind.HIGH_IMPACT_PPS: "een high-impact PPS",
}
FUNCTION_SENTENCES = {
    LearningFunction.VOORWAARDELIJK: "Studenten leren er het vak in de praktijk van bedrijven uit de regio.",
    LearningFunction.REACTIEF: "Werkenden houden er hun kennis bij nu techniek en werk snel veranderen.",
    LearningFunction.PROACTIEF: "Studenten, docenten en werkenden leren door samen met bedrijven te innoveren.",
}
PROBLEM_SHARES = {
    ProblemCategory.FIT_STUDENTS: 0.6,
    ProblemCategory.FIT_WORKERS: 0.5,
    ProblemCategory.FINANCIAL_INCENTIVES: 0.15,
    ProblemCategory.MOTIVATION: 0.2,
    ProblemCategory.KNOWLEDGE_SHARING: 0.35,
    ProblemCategory.NETWORK_AWARENESS: 0.3,
    ProblemCategory.LOW_INFLOW: 0.3,
}
TARGET_SHARES = {
    TargetGroup.STUDENTEN: 0.85,
    TargetGroup.WERKENDEN: 0.55,
    TargetGroup.WERKZOEKENDEN: 0.08,
    TargetGroup.ZIJ_INSTROMERS: 0.15,
    TargetGroup.DOCENTEN: 0.2,
    TargetGroup.ONDERNEMERS: 0.15,
}
