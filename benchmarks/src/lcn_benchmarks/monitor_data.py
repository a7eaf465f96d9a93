"""The monitor benchmark's synthetic network: the registry's community events as its relay publishes them, approved
reports over those communities (rows for COPY), and a programme's bulk report file."""

from __future__ import annotations

import csv
import random
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from lcn_shared.contracts.base import EventContract
from lcn_shared.contracts.registry import (
    CommunityMerged,
    CommunityRegistered,
    CommunityState,
    CommunityStatusChanged,
    CommunityUpdated,
    MembershipChanged,
)
from lcn_shared.contracts.vocabulary import (
    LANDSDEEL_OF_PROVINCE,
    CommunityKind,
    EducationLevel,
    KeyTechnology,
    OrganisationType,
    Phase,
    Topsector,
)
from lcn_shared.envelope import to_kafka

NGF_KINDS = (CommunityKind.ECOSYSTEM_PPS.value, CommunityKind.HIGH_IMPACT_PPS.value)
OTHER_KINDS = tuple(kind.value for kind in CommunityKind if kind.value not in NGF_KINDS)
NGF_SHARE = 0.2
PLANNED_SHARE = 0.05
ENDED_SHARE = 0.12
MERGE_SHARE = 0.03  # a few hundred merges in 10,000 communities
PLACES = ("Groningen", "Enschede", "Eindhoven", "Middelburg", "Haarlem", "Zwolle", "Delft", "Venlo", "Leeuwarden")
WORDS = ("Energie", "Zorg", "Techniek", "Water", "Voedsel", "Robotica", "Digitaal", "Bouw", "Logistiek", "Chemie")
# Registrations since the registry opened; every follow-up before the merges, and the merges last.
REGISTERED_FROM, FOLLOW_UPS_UNTIL = datetime(2025, 1, 6, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)
MERGES_UNTIL = datetime(2026, 12, 1, tzinfo=UTC)
REPORTED_PERIODS = tuple(f"{year}-{half}" for year in range(2021, 2027) for half in ("H1", "H2"))
REPORT_SOURCES, SOURCE_WEIGHTS = ("direct", "techniekpact"), (0.8, 0.2)
FIGURE_RANGES = {
    "companies": 40,
    "students": 400,
    "employees": 150,
    "teachers": 20,
    "new_outputs": 8,
    "cofinancing_cash_eur": 200_000,
    "cofinancing_in_kind_eur": 100_000,
}
UNREPORTED_SHARE = 0.15
BULK_COLUMNS = ("community_id", "period", *FIGURE_RANGES, "results")


@dataclass
class Community:
    """One community as the generator evolves it: its state's fields, members and events."""

    community_id: UUID
    state: dict[str, Any]
    members: dict[UUID, dict[str, Any]]
    events: list[tuple[datetime, EventContract]] = field(default_factory=list)
    merged_into: UUID | None = None

    def snapshot(self) -> CommunityState:
        """The state every event about it carries, validated by the contract."""
        members = sorted(self.members.values(), key=lambda m: (m["organisation_name"].casefold(), m["organisation_id"]))
        return CommunityState.model_validate(self.state | {"members": members})


@dataclass(frozen=True)
class Record:
    """One Kafka record as the registry's relay writes it."""

    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]


@dataclass
class Network:
    """The generated communities and their records in topic order (by time)."""

    communities: list[Community]
    records: list[Record]
    event_types: Counter[str]

    @property
    def listed(self) -> int:
        """Communities not merged away: what the monitor lists."""
        return sum(1 for community in self.communities if community.merged_into is None)

    @property
    def version_sum(self) -> int:
        """The sum of every community's last version: the read model's once it has projected everything."""
        return sum(int(community.state["version"]) for community in self.communities)


def new_id(rng: random.Random) -> UUID:
    """A seeded version-4 UUID."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def build_network(communities: int, events_per_community: float, *, seed: int = 29) -> Network:
    """`communities` communities with about `events_per_community` events each, merges included, encoded."""
    rng = random.Random(seed)
    organisations = [_organisation(rng, index) for index in range(max(20, communities * 6 // 5))]
    built = [_register(rng, organisations) for _ in range(communities)]
    follow_ups = max(0.0, events_per_community - 1 - MERGE_SHARE)
    for community in built:
        _follow_up(rng, community, organisations, rng.randint(0, round(2 * follow_ups)))
    pool = list(built)
    rng.shuffle(pool)
    merges = min(len(pool) // 2, round(communities * MERGE_SHARE))
    for survivor, duplicate in zip(pool[:merges], pool[merges : 2 * merges], strict=True):
        _merge(rng, survivor, duplicate)
    timeline = sorted((event for community in built for event in community.events), key=lambda event: event[0])
    records = [_encode(rng, at, event) for at, event in timeline]
    return Network(built, records, Counter(event.event_type.split(".")[-2] for _, event in timeline))


def _organisation(rng: random.Random, index: int) -> dict[str, Any]:
    """An organisation that takes part in communities."""
    kind = rng.choice(list(OrganisationType))
    return {
        "organisation_id": str(new_id(rng)),
        "organisation_name": f"{kind.label} {rng.choice(PLACES)} {index}",
        "organisation_type": kind.value,
    }


def _member(organisation: dict[str, Any], role: str, can_edit: bool) -> dict[str, Any]:
    """An organisation as a member with a role."""
    return organisation | {"role": role, "can_edit": can_edit or role == "lead"}


def _register(rng: random.Random, organisations: list[dict[str, Any]]) -> Community:
    """A newly registered community, with its registered event."""
    kinds = [rng.choice(NGF_KINDS)] if rng.random() < NGF_SHARE else []
    kinds += rng.sample(OTHER_KINDS, rng.randint(0 if kinds else 1, 1))
    province = rng.choice(list(LANDSDEEL_OF_PROVINCE))
    topsectors = [sector.value for sector in rng.sample(list(Topsector), rng.randint(1, 3))]
    planned = rng.random() < PLANNED_SHARE
    start = date(2026, 12, 14) + timedelta(days=rng.randint(0, 17)) if planned else _day(rng, 2015, 2026)
    registered_at = REGISTERED_FROM + timedelta(seconds=rng.uniform(0, 600 * 86400))
    community_id = new_id(rng)
    place = rng.choice(PLACES)
    partners = rng.sample(organisations, rng.randint(2, 6))
    members = {UUID(partners[0]["organisation_id"]): _member(partners[0], "lead", True)}
    for partner in partners[1:]:
        members[UUID(partner["organisation_id"])] = _member(
            partner, rng.choice(("partner", "partner", "financier")), rng.random() < 0.25
        )
    state = {
        "version": 1,
        "name": f"{rng.choice(WORDS)}{rng.choice(('lab', 'campus', 'hub', ' PPS'))} {place} {community_id.hex[:6]}",
        "kinds": kinds,
        "education_levels": [level.value for level in rng.sample(list(EducationLevel), rng.randint(1, 3))],
        "topsectors": topsectors,
        "primary_topsector": topsectors[0],
        "key_technologies": [tech.value for tech in rng.sample(list(KeyTechnology), rng.randint(0, 2))],
        "landsdeel": LANDSDEEL_OF_PROVINCE[province].value,
        "province": province.value,
        "municipality": place,
        "phase": rng.choice(list(Phase)).value,
        "status": "planned" if planned else "active",
        "start_date": start.isoformat(),
        "end_date": None,
        "website": f"https://{community_id.hex[:10]}.example.nl",
        "description": f"Een publiek-private samenwerking in {place} rond {rng.choice(WORDS).lower()}: scholen en "
        "bedrijven leiden samen op, ontwikkelen modules en delen hun praktijk met het netwerk.",
        "owner_organisation_id": partners[0]["organisation_id"],
        "registered_at": registered_at,
        "updated_at": registered_at,
    }
    community = Community(community_id, state, members)
    state_now = community.snapshot()
    registered = {
        "community_id": community_id,
        **{name: state[name] for name in ("name", "landsdeel", "topsectors", "owner_organisation_id", "kinds")},
        **{name: state[name] for name in ("primary_topsector", "province", "municipality", "key_technologies")},
        **{name: state[name] for name in ("education_levels", "status", "phase", "start_date")},
        "kind": kinds[0],
        "registered_at": registered_at,
        "version": 1,
        "origin": rng.choice(("api", "feed:katapult", "feed:techniekpact")),
        "members": list(state_now.members),
        "state": state_now,
    }
    community.events.append((registered_at, CommunityRegistered.model_validate(registered)))
    return community


def _day(rng: random.Random, first_year: int, last_year: int) -> date:
    """A day in the years given."""
    first = date(first_year, 1, 1)
    return first + timedelta(days=rng.randint(0, (date(last_year, 11, 30) - first).days))


def _follow_up(rng: random.Random, community: Community, organisations: list[dict[str, Any]], count: int) -> None:
    """`count` later events: updates and membership changes, a planned one started, an ended one ended last."""
    start = community.state["registered_at"]
    moments = sorted(start + (FOLLOW_UPS_UNTIL - start) * rng.random() for _ in range(count))
    ends = count > 0 and community.state["status"] == "active" and rng.random() < ENDED_SHARE
    for index, at in enumerate(moments):
        community.state |= {"version": community.state["version"] + 1, "updated_at": at}
        if community.state["status"] == "planned" and rng.random() < 0.7:
            event = _status(community, at, "active")
        elif ends and index == count - 1:
            community.state["end_date"] = at.date().isoformat()
            event = _status(community, at, "ended")
        elif rng.random() < 0.6:
            event = _update(rng, community, at)
        else:
            event = _membership(rng, community, organisations, at)
        community.events.append((at, event))


def _status(community: Community, at: datetime, status: str) -> EventContract:
    """A status change to `status`."""
    previous = community.state["status"]
    community.state["status"] = status
    return CommunityStatusChanged.model_validate(
        {
            "community_id": community.community_id,
            "version": community.state["version"],
            "previous_status": previous,
            "status": status,
            "reason": "Gestart" if status == "active" else "Project afgerond",
            "changed_at": at,
            "state": community.snapshot(),
        }
    )


def _update(rng: random.Random, community: Community, at: datetime) -> EventContract:
    """One or two fields changed, as the registry's API shows them."""
    candidates: dict[str, Callable[[], Any]] = {
        "name": lambda: f"{community.state['name'].split(' (')[0]} ({rng.choice(WORDS)})",
        "description": lambda: f"{community.state['description']} Bijgewerkt op {at.date().isoformat()}.",
        "phase": lambda: rng.choice(list(Phase)).value,
        "key_technologies": lambda: [tech.value for tech in rng.sample(list(KeyTechnology), rng.randint(1, 3))],
        "education_levels": lambda: [level.value for level in rng.sample(list(EducationLevel), rng.randint(1, 3))],
        "municipality": lambda: rng.choice(PLACES),
        "website": lambda: f"https://{rng.getrandbits(40):010x}.example.nl",
    }
    changes = {name: candidates[name]() for name in rng.sample(sorted(candidates), rng.randint(1, 2))}
    community.state |= changes
    return CommunityUpdated.model_validate(
        {
            "community_id": community.community_id,
            "version": community.state["version"],
            "changed_fields": sorted(changes),
            "changes": changes,
            "updated_at": at,
            "origin": rng.choice(("api", "feed:katapult")),
            "state": community.snapshot(),
        }
    )


def _membership(
    rng: random.Random, community: Community, organisations: list[dict[str, Any]], at: datetime
) -> EventContract:
    """An organisation joins, changes its role or may now edit, or leaves (never the lead)."""
    others = [member for member in community.members.values() if member["role"] != "lead"]
    choice = rng.random()
    if not others or choice < 0.5:
        joining = rng.choice(organisations)
        while UUID(joining["organisation_id"]) in community.members:
            joining = rng.choice(organisations)
        member, change, previous = _member(joining, "partner", rng.random() < 0.3), "added", None
        community.members[UUID(member["organisation_id"])] = member
    elif choice < 0.8:
        before = rng.choice(others)
        previous = before["role"]
        member = before | {"role": "financier" if previous == "partner" else "partner", "can_edit": rng.random() < 0.4}
        change = "changed"
        community.members[UUID(member["organisation_id"])] = member
    else:
        member, change, previous = rng.choice(others), "removed", None
        previous = member["role"]
        del community.members[UUID(member["organisation_id"])]
    return MembershipChanged.model_validate(
        {
            "community_id": community.community_id,
            "version": community.state["version"],
            **{name: member[name] for name in ("organisation_id", "organisation_name", "organisation_type")},
            "change": change,
            "role": None if change == "removed" else member["role"],
            "previous_role": previous,
            "changed_at": at,
            "state": community.snapshot(),
        }
    )


def _merge(rng: random.Random, survivor: Community, duplicate: Community) -> None:
    """The duplicate folds into the survivor: its partners move over, the survivor's version moves on."""
    at = FOLLOW_UPS_UNTIL + (MERGES_UNTIL - FOLLOW_UPS_UNTIL) * rng.random()
    for organisation_id, member in duplicate.members.items():
        role = "partner" if member["role"] == "lead" else member["role"]
        survivor.members.setdefault(organisation_id, member | {"role": role, "can_edit": member["can_edit"]})
    survivor.state |= {"version": survivor.state["version"] + 1, "updated_at": at}
    duplicate.merged_into = survivor.community_id
    event = CommunityMerged.model_validate(
        {
            "community_id": survivor.community_id,
            "version": survivor.state["version"],
            "merged_community_id": duplicate.community_id,
            "merged_at": at,
            "reason": rng.choice(("review", "review", "manual")),
            "state": survivor.snapshot(),
        }
    )
    survivor.events.append((at, event))


def _encode(rng: random.Random, at: datetime, event: EventContract) -> Record:
    """The record the registry's relay would publish for `event` (binary CloudEvent, keyed by community)."""
    key = event.aggregate_id()
    trace = {"traceparent": f"00-{rng.getrandbits(128):032x}-{rng.getrandbits(64):016x}-01"}
    headers, value = to_kafka(
        event_id=str(new_id(rng)),
        source=event.source,
        event_type=event.event_type,
        subject=key,
        time=at,
        data=event.model_dump_json().encode(),
        trace_headers=trace,
    )
    return Record(key.encode(), value, headers)


def _period_end(period: str) -> date:
    """The last day of a half-year period such as `2024-H2`."""
    year, half = int(period[:4]), period[5:]
    return date(year, 6, 30) if half == "H1" else date(year, 12, 31)


def report_rows(
    network: Network, count: int, *, now: datetime, seed: int = 31
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """`count` approved reports on distinct (source, community, period), each with its approved revision: rows for
    `report` (REPORT_COLUMNS) and `report_revision` (REVISION_COLUMNS)."""
    rng = random.Random(seed)
    pairs = [(c.community_id, date.fromisoformat(c.state["start_date"])) for c in network.communities]
    possible = sum(1 for _, start in pairs for period in REPORTED_PERIODS if _period_end(period) >= start)
    if count > possible:  # beyond that, drawing distinct reports at random slows to a crawl
        raise ValueError(f"{count:,} reports do not fit {len(pairs):,} communities; ask for fewer")
    taken: set[tuple[str, UUID, str]] = set()
    reports: list[tuple[Any, ...]] = []
    revisions: list[tuple[Any, ...]] = []
    while len(reports) < count:
        community_id, start = rng.choice(pairs)
        period, source = rng.choice(REPORTED_PERIODS), rng.choices(REPORT_SOURCES, SOURCE_WEIGHTS)[0]
        if _period_end(period) < start or (source, community_id, period) in taken:
            continue
        taken.add((source, community_id, period))
        figures = [None if rng.random() < UNREPORTED_SHARE else rng.randint(0, top) for top in FIGURE_RANGES.values()]
        end = datetime.combine(_period_end(period), datetime.min.time(), UTC)
        created = min(end + timedelta(days=rng.randint(5, 40)), now - timedelta(days=10))
        submitted, approved = created + timedelta(days=1), created + timedelta(days=rng.randint(2, 9))
        report_id, actor = new_id(rng), f"key:bench-{source}"
        reports.append(
            (report_id, community_id, period, source, "approved", 1, 1, *figures, submitted, approved, 3, actor)
            + (created, approved)
        )
        results = f"Bereikt in {period}: {figures[1] or 0} studenten."
        revisions.append(
            (report_id, 1, "approved", *figures, results, None, None, None, "[]", None, actor, created, actor)
            + (submitted, "key:bench-coordinator", approved)
        )
    return reports, revisions


REPORT_COLUMNS = (
    "report_id",
    "community_id",
    "period_id",
    "source",
    "state",
    "revision",
    "approved_revision",
    *(f"counted_{name}" for name in FIGURE_RANGES),
    "first_submitted_at",
    "approved_at",
    "version",
    "created_by",
    "created_at",
    "updated_at",
)
REVISION_COLUMNS = (
    "report_id",
    "revision",
    "state",
    *FIGURE_RANGES,
    "results",
    "bottlenecks",
    "solutions",
    "correction_reason",
    "warnings",
    "return_reason",
    "created_by",
    "created_at",
    "submitted_by",
    "submitted_at",
    "decided_by",
    "decided_at",
)


def write_bulk_file(network: Network, path: Path, *, rows: int, period: str, seed: int = 37) -> list[UUID]:
    """A programme's CSV file (docs/reports.md) of `rows` reports on distinct communities not merged away, the NGF
    PPS first; return the communities it reports on."""
    rng = random.Random(seed)
    listed = [c for c in network.communities if c.merged_into is None]
    listed.sort(key=lambda c: not set(c.state["kinds"]) & set(NGF_KINDS))
    if rows > len(listed):
        raise ValueError(f"{rows:,} bulk rows need as many communities; {len(listed):,} are listed")
    chosen = listed[:rows]
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(BULK_COLUMNS)
        for community in chosen:
            figures = ["" if rng.random() < UNREPORTED_SHARE else rng.randint(0, top) for top in FIGURE_RANGES.values()]
            results = f"{rng.choice(WORDS)}: {figures[0] or 0} bedrijven, {figures[1] or 0} studenten; op schema."
            writer.writerow([community.community_id, period, *figures, results])
    return [community.community_id for community in chosen]
