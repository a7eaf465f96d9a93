"""Realistic synthetic communities written straight into the registry's tables (search tests and benchmarks)."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from lcn_shared.contracts.vocabulary import (
    LANDSDEEL_OF_PROVINCE,
    CommunityKind,
    CommunityStatus,
    EducationLevel,
    FundingSource,
    KeyTechnology,
    LearningForm,
    LearningFunction,
    Phase,
    ProblemCategory,
    Province,
    SocietalChallenge,
    TargetGroup,
    Term,
    Topsector,
)

# Ids derive from the seed, so a search benchmark can name partners that `seed_search_data` created.
SEED_NAMESPACE = uuid.UUID("5f1d7c2e-4b8a-4f0e-9c61-3a2b1d0e9f77")
FEED_SOURCES = ("katapult", "techniekpact", "regio-pps")
PLACES = {
    Province.GRONINGEN: ("Groningen", 53.22, 6.57),
    Province.FRYSLAN: ("Leeuwarden", 53.20, 5.80),
    Province.DRENTHE: ("Emmen", 52.78, 6.90),
    Province.OVERIJSSEL: ("Enschede", 52.22, 6.89),
    Province.GELDERLAND: ("Arnhem", 51.98, 5.91),
    Province.FLEVOLAND: ("Almere", 52.37, 5.21),
    Province.UTRECHT: ("Utrecht", 52.09, 5.12),
    Province.NOORD_HOLLAND: ("Haarlem", 52.38, 4.64),
    Province.ZUID_HOLLAND: ("Dordrecht", 51.81, 4.67),
    Province.ZEELAND: ("Middelburg", 51.50, 3.61),
    Province.NOORD_BRABANT: ("Eindhoven", 51.44, 5.47),
    Province.LIMBURG: ("Venlo", 51.37, 6.17),
}
THEMES = (
    "Energietransitie",
    "Smart Maintenance",
    "Zorgtechnologie",
    "Duurzaamheidsfabriek",
    "Digitale Vaardigheden",
    "Circulair Bouwen",
    "Voedselinnovatie",
    "Waterbouw",
    "Cybersecurity",
    "Robotica",
    "Logistiek Talent",
    "Mediacampus",
)
SUBJECTS = (
    "Scholen en bedrijven",
    "Studenten",
    "Werkenden",
    "Docenten",
    "Ondernemers uit het mkb",
    "Zorginstellingen en hogescholen",
    "Gemeente en provincie",
    "Lectoren en practoren",
)
ACTIVITIES = (
    "werken samen aan",
    "leren in de praktijk over",
    "ontwikkelen modules voor",
    "testen oplossingen voor",
    "delen kennis over",
    "investeren in",
    "doen onderzoek naar",
)
TOPICS = (
    "duurzame energie",
    "slimme productie",
    "zorgtechnologie",
    "circulaire bouw",
    "precisielandbouw",
    "cybersecurity",
    "waterbeheer",
    "robotisering",
    "voedselveiligheid",
    "digitale vaardigheden",
    "logistieke planning",
    "offshore wind",
    "waterstof",
    "biobased materialen",
    "fotonica",
    "kunstmatige intelligentie",
    "medische hulpmiddelen",
    "creatieve media",
    "onderhoud van installaties",
    "de opleidingen van morgen",
)
COMMUNITY_COLUMNS = (
    "community_id",
    "name",
    "kinds",
    "education_levels",
    "topsectors",
    "primary_topsector",
    "societal_challenges",
    "key_technologies",
    "landsdeel",
    "province",
    "municipality",
    "latitude",
    "longitude",
    "learning_functions",
    "learning_forms",
    "problem_categories",
    "target_groups",
    "phase",
    "status",
    "description",
    "funding_sources",
    "synthetic",
    "provenance",
    "version",
    "created_at",
    "updated_at",
)


def seeded_id(kind: str, seed: int, index: int) -> uuid.UUID:
    """The deterministic id of the `index`-th synthetic `kind` (community, organisation) of a seed."""
    return uuid.uuid5(SEED_NAMESPACE, f"{kind}-{seed}-{index}")


def _codes(rng: random.Random, vocabulary: type[Term], low: int, high: int) -> list[str]:
    """Between `low` and `high` distinct codes of a vocabulary."""
    return [term.value for term in rng.sample(list(vocabulary), rng.randint(low, min(high, len(vocabulary))))]


def _description(rng: random.Random) -> str:
    """Two or three Dutch sentences on what the community does."""
    sentences = (
        f"{rng.choice(SUBJECTS)} {rng.choice(ACTIVITIES)} {rng.choice(TOPICS)}." for _ in range(rng.randint(2, 3))
    )
    return " ".join(sentences)


def synthetic_community(rng: random.Random, *, community_id: uuid.UUID, index: int) -> tuple[Any, ...]:
    """One realistic community row, in the order of COMMUNITY_COLUMNS."""
    province = rng.choice(list(Province))
    place, latitude, longitude = PLACES[province]
    kinds = _codes(rng, CommunityKind, 1, 2)
    topsectors = _codes(rng, Topsector, 0, 3)
    with_coordinates = rng.random() < 0.85
    created_at = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(0, 3_000_000))
    return (
        community_id,
        f"{CommunityKind(kinds[0]).label} {rng.choice(THEMES)} {place} {index}",
        kinds,
        _codes(rng, EducationLevel, 1, 3),
        topsectors,
        topsectors[0] if topsectors else None,
        _codes(rng, SocietalChallenge, 0, 2),
        _codes(rng, KeyTechnology, 0, 3),
        LANDSDEEL_OF_PROVINCE[province].value,
        province.value,
        place,
        latitude + rng.uniform(-0.1, 0.1) if with_coordinates else None,
        longitude + rng.uniform(-0.1, 0.1) if with_coordinates else None,
        _codes(rng, LearningFunction, 1, 2),
        _codes(rng, LearningForm, 1, 2),
        _codes(rng, ProblemCategory, 1, 3),
        _codes(rng, TargetGroup, 1, 3),
        rng.choice(list(Phase)).value,
        rng.choices(list(CommunityStatus), weights=(1, 8, 2, 1))[0].value,
        _description(rng),
        _codes(rng, FundingSource, 1, 3),
        True,
        "{}",
        1,
        created_at,
        created_at + timedelta(days=rng.randrange(0, 400)),
    )


def _source_record(rng: random.Random, community_id: uuid.UUID, index: int, now: datetime) -> tuple[Any, ...]:
    """One feed's record of a community, active or withdrawn, in the column order of the COPY below."""
    feed = rng.choice(FEED_SOURCES)
    state = rng.choice(("active", "active", "withdrawn"))
    return (feed, f"{feed}-{index}", community_id, "{}", "{}", "", state, "{}", now, now, uuid.uuid4())


async def seed_search_data(dsn: str, *, communities: int, seed: int = 7) -> None:
    """Insert synthetic communities, organisations, memberships and feed records into a registry database."""
    rng = random.Random(seed)
    organisations = max(20, communities // 3)
    now = datetime.now(UTC)
    community_ids = [seeded_id("community", seed, index) for index in range(communities)]
    rows = [synthetic_community(rng, community_id=cid, index=i) for i, cid in enumerate(community_ids)]
    organisation_rows = [
        (seeded_id("organisation", seed, index), f"Partner {index}", f"partner{index}", "company-mkb", now, now)
        for index in range(organisations)
    ]
    memberships = {(cid, organisation_rows[rng.randrange(organisations)][0]) for cid in community_ids for _ in range(3)}
    source_rows = [
        _source_record(rng, cid, index, now) for index, cid in enumerate(community_ids) if rng.random() < 0.6
    ]
    conn = await asyncpg.connect(dsn)
    try:
        await conn.copy_records_to_table("community", records=rows, columns=COMMUNITY_COLUMNS)
        await conn.copy_records_to_table(
            "organisation",
            records=organisation_rows,
            columns=("organisation_id", "name", "name_key", "type", "created_at", "updated_at"),
        )
        await conn.copy_records_to_table(
            "membership",
            records=[(cid, oid, "partner", False, "bench", now) for cid, oid in memberships],
            columns=("community_id", "organisation_id", "role", "can_edit", "origin", "created_at"),
        )
        await conn.copy_records_to_table(
            "source_record",
            records=source_rows,
            columns=(
                "feed_source",
                "external_id",
                "community_id",
                "raw",
                "record",
                "content_hash",
                "state",
                "match",
                "first_seen_at",
                "last_seen_at",
                "last_job_id",
            ),
        )
        await conn.execute("ANALYZE community; ANALYZE membership; ANALYZE source_record")
    finally:
        await conn.close()
