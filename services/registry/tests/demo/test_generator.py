"""The demo-data generator: a deterministic, realistic network and two overlapping feeds over it."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Literal

import pytest

from lcn_registry.demo.feeds import DemoFeeds, demo_feeds, large_feeds, write_feed
from lcn_registry.demo.network import DEMO_LEADS, TrueCommunity, demo_network, named_communities, synthetic_network
from lcn_registry.demo.places import MUNICIPALITIES, MUNICIPALITY_BY_NAME, PLACE_LABELS, REGIONS
from lcn_registry.feeds.schemas import NL_LATITUDE, NL_LONGITUDE, FeedRecord
from lcn_shared.contracts.vocabulary import Landsdeel, MembershipRole, OrganisationType, Province, Topsector, fold

PILOT_NAMES = {
    "Energy College",
    "Duurzaamheidsfabriek & Energie Transitie Huis",
    "Lerend Leven",
    "LLO binnen Centres of Expertise en CIV's",
    "POP-UP Safety Blended Learning Lab",
    "Teachers Learning in Energy",
    "RDM Makerspace Additive Manufacturing",
    "Toekomstbestendig HR-management Kleine CI-bedrijven",
    "BNO-Academie",
    "Hilversum Media Campus",
    "LLO in het Groen Onderwijs",
    "Strategische Personeelsplanning Waterkennisbank",
    "Evolva Werkplekleren 3.0",
    "Doorlopende Leerlijn (Transport)planner",
    "LLO Waterbouw(ers)",
    "Mentor Program KNW",
    "Talent Innovatie Pool",
    "OTIB Leerhuis",
    "CAREER Windenergie op Zee",
    "Fieldlab Sociale Innovatie binnen Smart Industry",
}
OTHER_NAMED = {
    "CIVci Blue Talent Lab",
    "CIV Tuinbouw & Uitgangsmaterialen",
    "SEECE Sustainable Electrical Energy Centre of Expertise",
    "Centre of Expertise Smart Sustainable Cities",
    "Centre of Expertise Cybersecurity",
    "Cybersecurity Centre ROC van Amsterdam",
    "Energy College Hotspots Noord-Nederland",
    "TechnoHUB",
    "Zorgversterkers",
    "IT-Career Centre Utrecht",
    "Make IT Work",
    "Bouw=Wouw",
}
ABBREVIATIONS = {"coe": "centre of expertise", "civ": "centrum voor innovatief vakmanschap", "&": "en"}


@pytest.fixture(scope="module")
def network() -> list[TrueCommunity]:
    """The default demo network."""
    return demo_network()


@pytest.fixture(scope="module")
def feeds() -> DemoFeeds:
    """The default demo feeds."""
    return demo_feeds()


@pytest.fixture(scope="module")
def parsed(feeds: DemoFeeds) -> dict[str, list[FeedRecord]]:
    """Each demo feed's records as FeedRecords, parsed once."""
    return {
        "katapult": [FeedRecord.model_validate(record) for record in feeds.katapult],
        "techniekpact": [FeedRecord.model_validate(record) for record in feeds.techniekpact],
    }


@pytest.fixture(scope="module")
def large_network() -> list[TrueCommunity]:
    """A benchmark-sized synthetic network."""
    return synthetic_network(10_000)


def _community_of(
    feeds: DemoFeeds, network: list[TrueCommunity], source: str
) -> list[tuple[dict[str, Any], TrueCommunity]]:
    """Each record of `source` with the true community it describes."""
    by_key = {community.key: community for community in network}
    records = feeds.katapult if source == "katapult" else feeds.techniekpact
    return [(record, by_key[feeds.truth[(source, record["external_id"])]]) for record in records]


def _tokens(name: str) -> set[str]:
    """The folded words of a name with abbreviations spelled out."""
    words = " ".join(ABBREVIATIONS.get(word.lower(), word) for word in name.split())
    return {fold(word) for word in words.split()} - {""}


def _plain(text: str) -> str:
    """Folded, with "&" read as "en"."""
    return fold(text.replace("&", "en"))


def _bare(website: str) -> str:
    """A website without scheme, www and trailing slash."""
    return website.removeprefix("https://").removeprefix("www.").rstrip("/")


def test_the_same_seed_gives_the_same_network_and_byte_identical_feeds(
    network: list[TrueCommunity], feeds: DemoFeeds
) -> None:
    again = demo_feeds()
    assert demo_network() == network
    assert json.dumps([again.katapult, again.techniekpact]) == json.dumps([feeds.katapult, feeds.techniekpact])
    assert again.truth == feeds.truth


def test_a_different_seed_gives_a_different_network_and_feeds(network: list[TrueCommunity], feeds: DemoFeeds) -> None:
    assert demo_network(seed=1) != network
    assert demo_feeds(seed=1).techniekpact != feeds.techniekpact


def test_the_demo_network_has_300_synthetic_plus_every_pilot_and_named_community(
    network: list[TrueCommunity],
) -> None:
    names = {community.name for community in network}
    pilots = [community for community in network if community.key.startswith("pilot:")]
    assert sum(community.synthetic for community in network) == 300
    assert {pilot.name for pilot in pilots} == PILOT_NAMES
    assert OTHER_NAMED <= names
    assert len(named_communities()) == len(PILOT_NAMES) + len(OTHER_NAMED)


def test_every_landsdeel_topsector_pair_appears_at_300(network: list[TrueCommunity]) -> None:
    synthetic = [community for community in network if community.synthetic]
    pairs = {(community.landsdeel, community.topsectors[0]) for community in synthetic}
    assert pairs == {(landsdeel, topsector) for landsdeel in Landsdeel for topsector in Topsector}


def test_names_and_name_municipality_pairs_are_unique_at_300_and_10_000(
    network: list[TrueCommunity], large_network: list[TrueCommunity]
) -> None:
    for communities in (network, large_network):
        assert len({community.name for community in communities}) == len(communities)
        assert len({(community.name, community.municipality) for community in communities}) == len(communities)
        assert len({community.key for community in communities}) == len(communities)


def test_the_network_and_the_feeds_do_not_depend_on_the_hash_seed(
    large_network: list[TrueCommunity], feeds: DemoFeeds
) -> None:
    script = (
        "import hashlib, json; from lcn_registry.demo.feeds import demo_feeds; "
        "from lcn_registry.demo.network import synthetic_network; feeds = demo_feeds(); "
        "print(hashlib.sha256(repr(synthetic_network(2_000)).encode()).hexdigest()); "
        "print(hashlib.sha256(json.dumps([feeds.katapult, feeds.techniekpact]).encode()).hexdigest())"
    )
    other_process = subprocess.run(
        [sys.executable, "-c", script], env={**os.environ, "PYTHONHASHSEED": "12345"}, capture_output=True, check=True
    )
    here = [
        hashlib.sha256(repr(large_network[:2_000]).encode()).hexdigest(),
        hashlib.sha256(json.dumps([feeds.katapult, feeds.techniekpact]).encode()).hexdigest(),
    ]
    assert other_process.stdout.decode().split() == here


def test_the_10_000_network_is_spread_like_the_small_one(large_network: list[TrueCommunity]) -> None:
    assert synthetic_network(300) == large_network[:300]
    assert {community.landsdeel for community in large_network} == set(Landsdeel)
    assert {community.topsectors[0] for community in large_network} == set(Topsector)


def test_some_communities_differ_only_in_place(network: list[TrueCommunity]) -> None:
    bases: Counter[str] = Counter()
    for community in network:
        label = next((label for label in PLACE_LABELS if community.name.endswith(f" {label}")), None)
        if community.synthetic and label is not None:
            bases[community.name.removesuffix(f" {label}")] += 1
    assert sum(count > 1 for count in bases.values()) >= 5


def test_every_community_is_well_formed(network: list[TrueCommunity]) -> None:
    for community in network:
        town = MUNICIPALITY_BY_NAME[community.municipality]
        assert [partner.role for partner in community.partners].count(MembershipRole.LEAD) == 1
        assert community.kinds
        assert community.topsectors
        assert (town.province, town.landsdeel) == (community.province, community.landsdeel)
        assert NL_LATITUDE[0] <= community.latitude <= NL_LATITUDE[1]
        assert NL_LONGITUDE[0] <= community.longitude <= NL_LONGITUDE[1]
        assert community.website is None or community.website.startswith("https://www.")
        if community.synthetic:
            assert 3 <= len(community.partners) <= 8


def test_synthetic_communities_are_marked_and_named_ones_are_not(network: list[TrueCommunity]) -> None:
    synthetic = [community for community in network if community.synthetic]
    assert [community.key for community in synthetic] == [f"synthetic:{number:04d}" for number in range(1, 301)]
    assert all(community.description.startswith("Synthetisch voorbeeld:") for community in synthetic)
    for community in network:
        if not community.synthetic:
            assert community.key.startswith(("pilot:", "named:"))
            assert "Synthetisch" not in community.description


def test_websites_are_mostly_own_domains_some_school_pages_some_missing(network: list[TrueCommunity]) -> None:
    websites = [community.website for community in network if community.synthetic]
    own = sum(1 for site in websites if site and re.fullmatch(r"https://www\.[a-z0-9-]+\.nl", site))
    pages = sum(1 for site in websites if site and "/" in site.removeprefix("https://"))
    assert own > 0.5 * len(websites)
    assert pages > 0.05 * len(websites)
    assert websites.count(None) > 0.03 * len(websites)


def test_the_demo_leads_lead_their_communities(network: list[TrueCommunity], feeds: DemoFeeds) -> None:
    by_name = {community.name: community for community in network}
    expected = {
        "Brainport Development": (OrganisationType.NETWORK, "Eindhoven", Province.NOORD_BRABANT),
        "Da Vinci College": (OrganisationType.SCHOOL_MBO, "Dordrecht", Province.ZUID_HOLLAND),
        "Hanzehogeschool Groningen": (OrganisationType.SCHOOL_HBO, "Groningen", Province.GRONINGEN),
    }
    assert set(DEMO_LEADS) == set(expected)
    katapult_names = {record["name"] for record in feeds.katapult}
    for organisation, community_name in DEMO_LEADS.items():
        community = by_name[community_name]
        lead = community.lead
        assert lead.name == organisation
        assert (lead.type, community.municipality, community.province) == expected[organisation]
        assert community_name in katapult_names


def test_every_record_of_both_demo_feeds_is_a_valid_feed_record(
    feeds: DemoFeeds, parsed: dict[str, list[FeedRecord]]
) -> None:
    assert len(parsed["katapult"]) == len(feeds.katapult)
    assert len(parsed["techniekpact"]) == len(feeds.techniekpact)
    synthetic = {record.synthetic for records in parsed.values() for record in records}
    assert synthetic == {True, False}


def test_the_feeds_cover_the_whole_network_and_overlap_by_20_to_45_percent(
    network: list[TrueCommunity], feeds: DemoFeeds
) -> None:
    katapult = {community.key for _, community in _community_of(feeds, network, "katapult")}
    techniekpact = {community.key for _, community in _community_of(feeds, network, "techniekpact")}
    assert katapult | techniekpact == {community.key for community in network}
    assert 0.2 <= len(katapult & techniekpact) / len(network) <= 0.45
    assert 0.6 <= len(katapult) / len(network) <= 0.8
    assert 0.5 <= len(techniekpact) / len(network) <= 0.7
    assert {community.key for community in network if not community.synthetic} <= katapult


def test_truth_covers_every_record_and_external_ids_are_unique_per_source(feeds: DemoFeeds) -> None:
    katapult_ids = [record["external_id"] for record in feeds.katapult]
    techniekpact_ids = [record["external_id"] for record in feeds.techniekpact]
    assert len(set(katapult_ids)) == len(katapult_ids)
    assert len(set(techniekpact_ids)) == len(techniekpact_ids)
    assert all(re.fullmatch(r"KAT-\d{5}", external_id) for external_id in katapult_ids)
    assert all(re.fullmatch(r"TP-(N|O|ZO|ZW|NW)-\d{4}", external_id) for external_id in techniekpact_ids)
    expected = {("katapult", id_) for id_ in katapult_ids} | {("techniekpact", id_) for id_ in techniekpact_ids}
    assert set(feeds.truth) == expected


def test_techniekpact_spellings_parse_to_the_true_terms(
    network: list[TrueCommunity], feeds: DemoFeeds, parsed: dict[str, list[FeedRecord]]
) -> None:
    pairs = _community_of(feeds, network, "techniekpact")
    for parsed_record, (_record, community) in zip(parsed["techniekpact"], pairs, strict=True):
        assert parsed_record.synthetic is community.synthetic
        assert (tuple(parsed_record.kinds), tuple(parsed_record.topsectors)) == (community.kinds, community.topsectors)
        assert parsed_record.landsdeel == community.landsdeel
        assert parsed_record.province in (None, community.province)
        true_partners = {partner.name: partner for partner in community.partners}
        for partner in parsed_record.partners:
            if partner.name in true_partners:
                assert partner.type in (None, true_partners[partner.name].type)


def test_techniekpact_names_differ_realistically(network: list[TrueCommunity], feeds: DemoFeeds) -> None:
    pairs = _community_of(feeds, network, "techniekpact")
    varied = [(record, community) for record, community in pairs if record["name"] != community.name]
    assert 0.25 <= len(varied) / len(pairs) <= 0.75
    for record, community in varied:
        written = _tokens(record["name"])
        assert len(written & _tokens(community.name)) >= 0.6 * len(written), record["name"]
        place = next((label for label in PLACE_LABELS if community.name.endswith(f" {label}")), None)
        if place and _plain(place) not in _plain(record["name"]) and place != "Fryslân":
            assert record.get("municipality"), "a name without its place keeps the municipality"
    for record, community in pairs:
        if record.get("website"):
            assert _bare(record["website"]) == _bare(community.website or "")
        assert 0.5 * len(community.partners) - 1 <= len(record["partners"]) <= len(community.partners)


def test_large_feeds_cover_all_in_katapult_and_60_percent_in_techniekpact() -> None:
    large = large_feeds(1_000)
    assert len(large.katapult) == 1_000
    assert len(large.techniekpact) == 600
    assert len(large.truth) == 1_600


def _read(path: Path, format: str) -> list[dict[str, Any]]:
    """The rows of a written feed file."""
    text = path.read_text(encoding="utf-8")
    if format == "json":
        return list(json.loads(text))
    if format == "ndjson":
        return [json.loads(line) for line in text.splitlines()]
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("source", ["katapult", "techniekpact"])
@pytest.mark.parametrize("format", ["json", "ndjson", "csv"])
def test_written_feeds_read_back_as_the_same_feed_records(
    feeds: DemoFeeds,
    parsed: dict[str, list[FeedRecord]],
    tmp_path: Path,
    source: str,
    format: Literal["json", "ndjson", "csv"],
) -> None:
    records = feeds.katapult if source == "katapult" else feeds.techniekpact
    path = tmp_path / f"{source}.{format}"
    write_feed(records, path, format)
    assert [FeedRecord.model_validate(row) for row in _read(path, format)] == parsed[source]


def test_csv_header_is_the_feed_record_fields(feeds: DemoFeeds, tmp_path: Path) -> None:
    path = tmp_path / "katapult.csv"
    write_feed(feeds.katapult[:3], path, "csv")
    assert path.read_text(encoding="utf-8").splitlines()[0].split(",") == list(FeedRecord.model_fields)


def test_places_cover_every_province_inside_the_netherlands() -> None:
    per_province = Counter(town.province for town in MUNICIPALITIES)
    assert set(per_province) == set(Province)
    assert min(per_province.values()) >= 3
    for town in MUNICIPALITIES:
        assert NL_LATITUDE[0] <= town.latitude <= NL_LATITUDE[1]
        assert NL_LONGITUDE[0] <= town.longitude <= NL_LONGITUDE[1]
    for region, towns in REGIONS.items():
        assert len({MUNICIPALITY_BY_NAME[name].landsdeel for name in towns}) == 1, region
