"""Scoring pairs: field-by-field evidence, thresholds, and never linking on the name alone."""

from __future__ import annotations

from typing import Any

from lcn_registry.matching.normalise import core_name, organisation_key, website_site
from lcn_registry.matching.profiles import profile
from lcn_registry.matching.scoring import Profile, compare


def create_profile(**changes: Any) -> Profile:
    """A profile of a Twente fieldlab, with changes."""
    fields: dict[str, Any] = {
        "name": "Fieldlab Slimme Maakindustrie Twente",
        "kinds": ["fieldlab"],
        "landsdeel": "oost",
        "province": "overijssel",
        "municipality": "Enschede",
        "website": "https://www.fieldlab-smi-twente.nl",
        "partner_keys": ["saxion", "roc twente", "demcon"],
    }
    return profile(**(fields | changes))


def test_spelling_variants_of_one_community_link_with_every_field_explained() -> None:
    """Abbreviated name, bare website and partly renamed partners still add up to a link."""
    katapult = create_profile()
    techniekpact = create_profile(
        name="Slimme Maakindustrie Twente fieldlab",
        province=None,
        municipality=None,
        website="fieldlab-smi-twente.nl/",
        partner_keys=[organisation_key("Hogeschool Saxion"), organisation_key("ROC van Twente")],
    )
    score = compare(katapult, techniekpact)
    assert score.decision() == "link"
    explained = score.explain()
    levels = {field["field"]: field["level"] for field in explained["fields"]}
    assert levels == {
        "name": "exact",
        "place": "same-landsdeel",
        "kinds": "overlap",
        "website": "same-site",
        "partners": "most-shared",
    }
    assert round(sum(field["weight"] for field in explained["fields"]) + explained["prior_weight"], 2) == round(
        explained["weight"], 2
    )


def test_the_same_name_alone_never_links() -> None:
    """Equal names with nothing else known go to review at most, never to an automatic link."""
    score = compare(
        create_profile(municipality=None, province=None, website=None, partner_keys=[]),
        create_profile(municipality=None, province=None, website=None, partner_keys=[]),
    )
    assert not score.corroborated
    assert score.decision() != "link"


def test_same_pattern_in_another_region_is_distinct() -> None:
    """ "Smart Industry Fieldlab Twente" and "... Drenthe" share a pattern, not an identity."""
    twente = create_profile(name="Smart Industry Fieldlab Twente")
    drenthe = create_profile(
        name="Smart Industry Fieldlab Drenthe",
        landsdeel="noord",
        province="drenthe",
        municipality="Emmen",
        website="https://www.smart-industry-drenthe.nl",
        partner_keys=["drenthe college", "stenden"],
    )
    assert compare(twente, drenthe).decision() == "distinct"


def test_normalisation_reads_feeds_spellings_alike() -> None:
    """Abbreviations, word order, articles, legal forms and web prefixes do not make records differ."""
    assert core_name("CoE Smart Sustainable Cities") == core_name("Centre of Expertise Smart Sustainable Cities")
    assert core_name("Fieldlab Water & Delta") == core_name("Water en Delta Fieldlab")
    assert organisation_key("ROC van Amsterdam B.V.") == organisation_key("ROC Amsterdam")
    assert website_site("https://www.Fieldlab-X.nl/") == website_site("fieldlab-x.nl")
    assert website_site("https://www.saxion.nl/fieldlab-y") != website_site("https://www.saxion.nl/fieldlab-z")
