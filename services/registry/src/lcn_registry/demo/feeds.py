"""Two overlapping demo feeds over the true network, each in its own style, with the ground truth."""

from __future__ import annotations

import csv
import json
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from lcn_registry.demo.network import TrueCommunity, TruePartner, demo_network, synthetic_network
from lcn_registry.demo.variations import vary_name, vary_partner_name
from lcn_registry.feeds.schemas import FeedRecord
from lcn_shared.contracts.vocabulary import (
    CommunityKind,
    CommunityStatus,
    FundingSource,
    Landsdeel,
    MembershipRole,
    OrganisationType,
    Phase,
    Province,
    Topsector,
)

KATAPULT = "katapult"
TECHNIEKPACT = "techniekpact"
CSV_FIELDS = tuple(FeedRecord.model_fields)
# A flag's empty cell is not a valid boolean, so CSV writes its default where a record leaves it out.
CSV_FLAG_DEFAULTS = {name: field.default for name, field in FeedRecord.model_fields.items() if field.annotation is bool}
Record = dict[str, Any]

# How the Techniekpact-like feed writes terms: its own aliases rather than the platform's codes.
TP_REGION_CODES = {
    Landsdeel.NOORD: "N",
    Landsdeel.OOST: "O",
    Landsdeel.ZUIDOOST: "ZO",
    Landsdeel.ZUIDWEST: "ZW",
    Landsdeel.NOORDWEST: "NW",
}
TP_LANDSDELEN = {
    Landsdeel.NOORD: "Noord-Nederland",
    Landsdeel.OOST: "Oost-Nederland",
    Landsdeel.ZUIDOOST: "Zuid-Oost",
    Landsdeel.ZUIDWEST: "Zuid-West",
    Landsdeel.NOORDWEST: "Noord-West",
}
TP_PROVINCES = {Province.FRYSLAN: "Friesland", Province.NOORD_BRABANT: "Brabant"}
TP_TOPSECTORS = {
    Topsector.ENERGIE: "Energie",
    Topsector.HTSM: "High Tech",
    Topsector.LSH: "Life Sciences",
    Topsector.CHEMIE: "Chemie",
    Topsector.DUTCH_DIGITAL_DELTA: "ICT",
    Topsector.AGRI_FOOD: "Agrifood",
    Topsector.TUINBOUW_UITGANGSMATERIALEN: "Tuinbouw",
    Topsector.WATER_MARITIEM: "Water",
    Topsector.LOGISTIEK: "Logistiek",
    Topsector.CREATIEVE_INDUSTRIE: "Creatief",
}
TP_KINDS = {
    CommunityKind.FIELDLAB: "Field lab",
    CommunityKind.SKILLSLAB: "Skills lab",
    CommunityKind.LIVING_LAB: "Livinglab",
    CommunityKind.CENTRE_OF_EXPERTISE: "CoE",
    CommunityKind.CIV: "CIV",
    CommunityKind.LECTORAAT: "Lectoraat",
    CommunityKind.PRACTORAAT: "Practoraat",
    CommunityKind.LEARNING_COMMUNITY: "Leergemeenschap",
    CommunityKind.ECOSYSTEM_PPS: "NGF PPS",
    CommunityKind.HIGH_IMPACT_PPS: "HIPPS",
}
TP_PHASES = {Phase.START_UP: "opstart", Phase.YOUNG: "groen", Phase.MATURE: "rijp", Phase.SELF_SUSTAINING: "geborgd"}
TP_STATUSES = {
    CommunityStatus.PLANNED: "in voorbereiding",
    CommunityStatus.ACTIVE: "lopend",
    CommunityStatus.ENDED: "afgerond",
    CommunityStatus.ABSORBED: "opgegaan",
}
TP_FUNDING = {
    FundingSource.NATIONAAL_GROEIFONDS: "groeifonds",
    FundingSource.RIF: "regionaal investeringsfonds",
    FundingSource.OO_FONDS: "sectorfonds",
    FundingSource.PROVINCIE: "provincie",
    FundingSource.GEMEENTE: "gemeente",
    FundingSource.REGIO_DEAL: "regiodeal",
    FundingSource.MKB_DEAL: "mkbdeal",
    FundingSource.SLIM: "slim regeling",
    FundingSource.BEDRIJVEN: "bedrijfsleven",
    FundingSource.OVERIG: "overig",
}
TP_ORGANISATION_TYPES = {
    OrganisationType.COMPANY_MKB: "mkb",
    OrganisationType.COMPANY_LARGE: "grootbedrijf",
    OrganisationType.SCHOOL_VO: "vo-school",
    OrganisationType.SCHOOL_MBO: "mbo-instelling",
    OrganisationType.SCHOOL_HBO: "hogeschool",
    OrganisationType.SCHOOL_WO: "universiteit",
    OrganisationType.GOVERNMENT: "Overheid",
    OrganisationType.RESEARCH: "kennisinstelling",
    OrganisationType.BRANCH: "brancheorganisatie",
    OrganisationType.OO_FUND: "O&O-fonds",
    OrganisationType.NETWORK: "netwerkorganisatie",
    OrganisationType.OTHER: "overig",
}
TP_ROLES = {
    MembershipRole.LEAD: "penvoerder",
    MembershipRole.PARTNER: "deelnemer",
    MembershipRole.FINANCIER: "cofinancier",
}


@dataclass(frozen=True)
class DemoFeeds:
    """The Katapult-like and Techniekpact-like feeds, and which true community each record describes."""

    katapult: list[Record]
    techniekpact: list[Record]
    truth: dict[tuple[str, str], str]


def demo_feeds(network: list[TrueCommunity] | None = None, seed: int = 2026) -> DemoFeeds:
    """Katapult covers ~70% of the network (every named community), Techniekpact ~60%, together all of it."""
    communities = demo_network(seed) if network is None else network
    rng = random.Random(seed)
    named = [community for community in communities if not community.synthetic]
    synthetic = [community for community in communities if community.synthetic]
    named_in_both = rng.sample(named, round(0.4 * len(named)))
    shuffled = rng.sample(synthetic, len(synthetic))
    only_katapult, only_techniekpact = round(0.4 * len(shuffled)), round(0.7 * len(shuffled))
    katapult = [*named, *shuffled[:only_katapult], *shuffled[only_techniekpact:]]
    techniekpact = [*named_in_both, *shuffled[only_katapult:]]
    return _feeds(katapult, techniekpact, rng)


def large_feeds(count: int = 10_000, seed: int = 7) -> DemoFeeds:
    """Both styles over `synthetic_network(count, seed)`: Katapult covers all, Techniekpact ~60%."""
    network = synthetic_network(count, seed)
    rng = random.Random(seed)
    return _feeds(network, rng.sample(network, round(0.6 * len(network))), rng)


def _feeds(katapult: list[TrueCommunity], techniekpact: list[TrueCommunity], rng: random.Random) -> DemoFeeds:
    """Both feeds in their own order and with their own ids."""
    katapult_records: list[Record] = []
    techniekpact_records: list[Record] = []
    truth: dict[tuple[str, str], str] = {}
    for number, community in enumerate(rng.sample(katapult, len(katapult)), start=1):
        external_id = f"KAT-{number:05d}"
        katapult_records.append(_katapult_record(community, external_id, rng))
        truth[(KATAPULT, external_id)] = community.key
    per_region: Counter[str] = Counter()
    for community in rng.sample(techniekpact, len(techniekpact)):
        region = TP_REGION_CODES[community.landsdeel]
        per_region[region] += 1
        external_id = f"TP-{region}-{per_region[region]:04d}"
        techniekpact_records.append(_techniekpact_record(community, external_id, rng))
        truth[(TECHNIEKPACT, external_id)] = community.key
    return DemoFeeds(katapult_records, techniekpact_records, truth)


def _put(record: Record, field: str, value: Any) -> None:
    """Set a field unless the value is missing or empty: feeds leave such fields out."""
    if value is not None and value != []:
        record[field] = value


def _katapult_record(community: TrueCommunity, external_id: str, rng: random.Random) -> Record:
    """Katapult style: complete, kinds as labels, other terms as codes, every partner with type and role."""
    record: Record = {
        "external_id": external_id,
        "name": community.name,
        "kinds": [kind.label for kind in community.kinds],
        "topsectors": [str(topsector) for topsector in community.topsectors],
        "landsdeel": str(community.landsdeel),
        "province": community.province.label,
        "municipality": community.municipality,
    }
    if rng.random() < 0.8:
        record.update(latitude=community.latitude, longitude=community.longitude)
    _put(record, "education_levels", [str(level) for level in community.education_levels])
    _put(record, "societal_challenges", [challenge.label for challenge in community.societal_challenges])
    _put(record, "key_technologies", [str(technology) for technology in community.key_technologies])
    _put(record, "learning_functions", [str(function) for function in community.learning_functions])
    _put(record, "learning_forms", [str(form) for form in community.learning_forms])
    _put(record, "problem_categories", [str(problem) for problem in community.problem_categories])
    _put(record, "target_groups", [str(group) for group in community.target_groups])
    _put(record, "phase", str(community.phase) if rng.random() < 0.75 else None)
    _put(record, "status", str(community.status) if rng.random() < 0.9 else None)
    _put(record, "start_date", community.start_date.isoformat())
    _put(record, "website", community.website)
    _put(record, "description", community.description)
    _put(record, "funding_sources", [str(source) for source in community.funding_sources])
    record["partners"] = [
        {"name": partner.name, "type": str(partner.type), "role": str(partner.role)} for partner in community.partners
    ]
    _put(record, "synthetic", True if community.synthetic else None)
    return record


def _techniekpact_record(community: TrueCommunity, external_id: str, rng: random.Random) -> Record:
    """Techniekpact style: its own spellings, a landsdeel rather than a province, fewer fields, fewer partners."""
    name, place_dropped = vary_name(community.name, rng)
    landsdeel = community.landsdeel
    record: Record = {
        "external_id": external_id,
        "name": name,
        "kinds": [TP_KINDS[kind] for kind in community.kinds],
        "topsectors": [TP_TOPSECTORS[topsector] for topsector in community.topsectors],
        "landsdeel": TP_LANDSDELEN[landsdeel] if rng.random() < 0.6 else landsdeel.label,
    }
    province = community.province
    _put(record, "province", TP_PROVINCES.get(province, province.label) if rng.random() < 0.5 else None)
    # Without its place in the name the record keeps its municipality, or nobody could place it.
    _put(record, "municipality", community.municipality if place_dropped or rng.random() < 0.8 else None)
    if rng.random() < 0.35:
        record.update(latitude=round(community.latitude, 3), longitude=round(community.longitude, 3))
    if rng.random() < 0.6:
        _put(record, "education_levels", [str(level) for level in community.education_levels])
    if rng.random() < 0.5:
        _put(record, "societal_challenges", [challenge.label for challenge in community.societal_challenges])
    if rng.random() < 0.4:
        _put(record, "key_technologies", [technology.label for technology in community.key_technologies])
    if rng.random() < 0.3:
        _put(record, "problem_categories", [problem.aliases[0] for problem in community.problem_categories])
    if rng.random() < 0.5:
        _put(record, "target_groups", [str(group) for group in community.target_groups])
    _put(record, "phase", TP_PHASES[community.phase] if rng.random() < 0.4 else None)
    _put(record, "status", TP_STATUSES[community.status] if rng.random() < 0.6 else None)
    _put(record, "start_date", community.start_date.isoformat() if rng.random() < 0.5 else None)
    _put(record, "website", _bare_website(community.website, rng) if rng.random() < 0.7 else None)
    _put(record, "description", community.description.split(". ")[0].rstrip(".") + "." if rng.random() < 0.5 else None)
    if rng.random() < 0.3:
        _put(record, "funding_sources", [TP_FUNDING[source] for source in community.funding_sources])
    record["partners"] = [_techniekpact_partner(partner, rng) for partner in _partner_subset(community.partners, rng)]
    _put(record, "synthetic", True if community.synthetic else None)
    return record


def _bare_website(website: str | None, rng: random.Random) -> str | None:
    """A website as people type it: no scheme, often no www, sometimes a trailing slash."""
    if website is None:
        return None
    bare = website.removeprefix("https://")
    if rng.random() < 0.6:
        bare = bare.removeprefix("www.")
    return f"{bare}/" if rng.random() < 0.5 and "/" not in bare else bare


def _partner_subset(partners: tuple[TruePartner, ...], rng: random.Random) -> list[TruePartner]:
    """50-90% of the partners in their original order; the lead is usually among them."""
    wanted = max(1, round(len(partners) * rng.uniform(0.5, 0.9)))
    lead = next(partner for partner in partners if partner.role is MembershipRole.LEAD)
    others = [partner for partner in partners if partner is not lead]
    keep_lead = rng.random() < 0.85
    chosen = set(rng.sample(range(len(others)), min(len(others), wanted - (1 if keep_lead else 0))))
    return [*([lead] if keep_lead else []), *(partner for index, partner in enumerate(others) if index in chosen)]


def _techniekpact_partner(partner: TruePartner, rng: random.Random) -> Record:
    """A partner with a varied name, its type usually and its role often in Techniekpact spelling."""
    written: Record = {"name": vary_partner_name(partner.name) if rng.random() < 0.35 else partner.name}
    _put(written, "type", TP_ORGANISATION_TYPES[partner.type] if rng.random() < 0.8 else None)
    _put(written, "role", TP_ROLES[partner.role] if rng.random() < 0.7 else None)
    return written


def write_feed(records: list[Record], path: Path, format: Literal["json", "ndjson", "csv"]) -> None:
    """Write records as a JSON array, as NDJSON (one object a line) or as CSV with FeedRecord's columns."""
    if format == "json":
        path.write_text(json.dumps(records, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    elif format == "ndjson":
        path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), encoding="utf-8")
    elif format == "csv":
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=CSV_FIELDS)
            writer.writeheader()
            writer.writerows(_csv_row(record) for record in records)
    else:
        raise ValueError(f"unknown feed format {format!r}; use json, ndjson or csv")


def _csv_row(record: Record) -> dict[str, str]:
    """A record as CSV cells: lists joined by "; ", partners as `Name [type] (role)`."""
    return {field: _csv_cell(field, record.get(field, CSV_FLAG_DEFAULTS.get(field))) for field in CSV_FIELDS}


def _csv_cell(field: str, value: Any) -> str:
    """One CSV cell; an absent value is an empty cell."""
    if value is None:
        return ""
    if field == "partners":
        return "; ".join(_partner_cell(partner) for partner in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return str(value)


def _partner_cell(partner: Record) -> str:
    """`Name [type] (role)`, leaving out what the feed does not say."""
    cell = partner["name"]
    if partner.get("type"):
        cell += f" [{partner['type']}]"
    if partner.get("role"):
        cell += f" ({partner['role']})"
    return str(cell)
