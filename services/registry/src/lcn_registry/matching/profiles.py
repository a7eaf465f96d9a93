"""Matching profiles of feed records and golden records."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from lcn_registry.matching.normalise import core_name, fold_text, full_name, organisation_key, website_site
from lcn_registry.matching.scoring import Profile

# The golden fields a matching profile reads: a change to any other field leaves the blocking keys alone.
PROFILE_FIELDS = frozenset({"name", "kinds", "landsdeel", "province", "municipality", "website"})


def profile(
    *,
    name: str,
    kinds: Iterable[str],
    landsdeel: str,
    province: str | None,
    municipality: str | None,
    website: str | None,
    partner_keys: Iterable[str],
    community_id: UUID | None = None,
) -> Profile:
    """A normalised profile from a record's or community's fields."""
    return Profile(
        name=name,
        full_name=full_name(name),
        core_name=core_name(name),
        kinds=frozenset(kinds),
        landsdeel=landsdeel,
        province=province,
        municipality=fold_text(municipality) if municipality else None,
        site=website_site(website),
        partners=frozenset(partner_keys),
        community_id=community_id,
    )


def of_record(record: dict[str, Any], community_id: UUID | None = None) -> Profile:
    """The profile of a parsed feed record (FeedRecord as JSON)."""
    return profile(
        name=record["name"],
        kinds=record["kinds"],
        landsdeel=record["landsdeel"],
        province=record.get("province"),
        municipality=record.get("municipality"),
        website=record.get("website"),
        partner_keys=(organisation_key(partner["name"]) for partner in record.get("partners", [])),
        community_id=community_id,
    )
