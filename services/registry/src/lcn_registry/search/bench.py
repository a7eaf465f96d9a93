"""Search benchmark: realistic synthetic communities and a seeded mix of filtered searches over HTTP."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from lcn_shared.bench.load import percentiles
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

# Ids derive from the seed, so `measure_search` can name partners that `seed_search_data` created.
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


QueryList = list[tuple[str, str | int | float | bool | None]]


def search_params(rng: random.Random, *, partner_ids: Sequence[uuid.UUID]) -> QueryList:
    """One realistic search: one to three filters, sometimes text, sometimes facets, a sort."""
    choices: list[tuple[str, Any]] = [
        ("landsdeel", lambda: rng.choice(list(LANDSDEEL_OF_PROVINCE.values())).value),
        ("topsector", lambda: rng.choice(list(Topsector)).value),
        ("kind", lambda: rng.choice(list(CommunityKind)).value),
        ("status", lambda: rng.choice(("active", "planned", "ended"))),
        ("q", lambda: rng.choice(("energie", "scholen", "duurzaam", "zorg", "fieldlab", "robot", "Eindhoven"))),
        ("partner", lambda: str(rng.choice(partner_ids)) if partner_ids else str(uuid.uuid4())),
        ("source", lambda: rng.choice(FEED_SOURCES)),
    ]
    params: QueryList = [(name, make()) for name, make in rng.sample(choices, rng.randint(1, 3))]
    if rng.random() < 0.3:  # OR within a field
        params.append(("topsector", rng.choice(list(Topsector)).value))
    if rng.random() < 0.3:
        params.append(("facets", "true"))
    if rng.random() < 0.5:
        params.append(("sort", rng.choice(("name", "-name", "-updated_at", "created_at"))))
    params.append(("limit", str(rng.choice((20, 50, 50, 100)))))
    return params


async def _timed_get(client: httpx.AsyncClient, params: QueryList) -> tuple[float, httpx.Response]:
    """Issue one search and measure its latency in milliseconds."""
    started = time.perf_counter()
    response = await client.get("/v1/communities", params=params)
    return (time.perf_counter() - started) * 1000, response


def _kind(params: QueryList) -> str:
    """Which kind of search a request is, for the per-kind percentiles."""
    names = {name for name, _ in params}
    if "cursor" in names:
        return "page_2"
    if "facets" in names:
        return "facets"
    return "text" if "q" in names else "filters"


async def measure_search(
    base_url: str,
    *,
    requests: int,
    concurrency: int,
    seed: int = 11,
    warmup_requests: int = 20,
    partner_ids: Sequence[uuid.UUID] = (),
) -> dict[str, Any]:
    """Issue `requests` searches over `concurrency` connections and report latency percentiles (ms).

    Each search has one to three seeded random filters (landsdeel, topsector, kind, status, text `q`,
    partner, feed source), OR within topsector at times, facets on 30%, a sort on half; when a page has
    a `next_cursor`, the following request fetches page 2 with it. A warm-up is sent first, unmeasured.
    `partner_ids` default to the organisations `seed_search_data` creates.
    """
    rng = random.Random(seed)
    partners = list(partner_ids) or [seeded_id("organisation", 7, index) for index in range(20)]
    latencies: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    budget = warmup_requests + requests

    def record(params: QueryList, latency: float, response: httpx.Response | None, error: str) -> None:
        if response is not None and response.status_code == 200:
            latencies.setdefault(_kind(params), []).append(latency)
        else:
            errors[error] = errors.get(error, 0) + 1

    async def search(client: httpx.AsyncClient, params: QueryList) -> httpx.Response | None:
        nonlocal budget
        budget -= 1
        measured = budget < requests  # the first `warmup_requests` issued are not
        try:
            latency, response = await _timed_get(client, params)
        except httpx.HTTPError as exc:
            if measured:
                record(params, 0.0, None, type(exc).__name__)
            return None
        if measured:
            record(params, latency, response, f"HTTP {response.status_code}")
        return response

    async def worker(client: httpx.AsyncClient) -> None:
        while budget > 0:
            params = search_params(rng, partner_ids=partners)
            response = await search(client, params)
            cursor = response.json().get("next_cursor") if response and response.status_code == 200 else None
            if cursor and budget > 0:
                await search(
                    client, [(name, value) for name, value in params if name != "facets"] + [("cursor", cursor)]
                )

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, timeout=30.0, limits=limits) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return _report(latencies, errors, elapsed=elapsed, concurrency=concurrency, warmup_requests=warmup_requests)


def _report(
    latencies: dict[str, list[float]], errors: dict[str, int], *, elapsed: float, concurrency: int, warmup_requests: int
) -> dict[str, Any]:
    """Percentiles over every measured request and per kind of search, with errors and throughput."""
    every = [latency for kind in latencies.values() for latency in kind]
    stats = percentiles(every)
    issued = len(every) + sum(errors.values())
    return {
        "requests": issued,
        "count": stats.get("count", 0),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "p50_ms": stats.get("p50"),
        "p95_ms": stats.get("p95"),
        "p99_ms": stats.get("p99"),
        "max_ms": stats.get("max"),
        "latency_ms": stats,
        "latency_ms_by_kind": {kind: percentiles(values) for kind, values in sorted(latencies.items())},
        # Filtered searches proper (filters, text, page 2) apart from the heavier facet counts.
        "latency_ms_without_facets": percentiles(
            [latency for kind, values in latencies.items() if kind != "facets" for latency in values]
        ),
        "concurrency": concurrency,
        "warmup_requests": warmup_requests,
        "throughput_rps": round(issued / elapsed, 1) if elapsed else 0.0,
    }
