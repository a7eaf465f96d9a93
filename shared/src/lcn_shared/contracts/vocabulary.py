"""Controlled vocabularies of the domain (see the glossary in docs/glossary.md)."""

from enum import StrEnum


class Landsdeel(StrEnum):
    """The five Techniekpact regions."""

    NOORD = "noord"
    OOST = "oost"
    ZUIDOOST = "zuidoost"
    ZUIDWEST = "zuidwest"
    NOORDWEST = "noordwest"


class Topsector(StrEnum):
    """The Dutch top sectors (dutch digital delta counts as the tenth)."""

    ENERGIE = "energie"
    HTSM = "htsm"
    LSH = "lsh"
    CHEMIE = "chemie"
    DUTCH_DIGITAL_DELTA = "dutch-digital-delta"
    AGRI_FOOD = "agri-food"
    TUINBOUW_UITGANGSMATERIALEN = "tuinbouw-uitgangsmaterialen"
    WATER_MARITIEM = "water-maritiem"
    LOGISTIEK = "logistiek"
    CREATIEVE_INDUSTRIE = "creatieve-industrie"


class CommunityKind(StrEnum):
    """Kinds of learning community; several may apply to one community."""

    FIELDLAB = "fieldlab"
    SKILLSLAB = "skillslab"
    LIVING_LAB = "living-lab"
    CENTRE_OF_EXPERTISE = "centre-of-expertise"
    CIV = "civ"
    LECTORAAT = "lectoraat"
    PRACTORAAT = "practoraat"
    LEARNING_COMMUNITY = "learning-community"
    ECOSYSTEM_PPS = "ecosystem-pps"
    HIGH_IMPACT_PPS = "high-impact-pps"
