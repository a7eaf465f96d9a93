"""Survivorship: which source's value each field of a golden record takes, and why.

Rules, in order of authority:
1. A value set through the API (by the partner or a coordinator) wins over every feed.
2. Otherwise the best-ranked source that has a value gives it: a regional source knows its own
   communities best, then Katapult, then Techniekpact, then any other feed; a tie goes to the
   record seen most recently.
3. List fields (kinds, top sectors, key technologies, ...) are the union over sources, best first.
4. The start date is the earliest any source gives. Coordinates travel as a pair.
Each chosen value records its provenance: origin, external id and the rule that chose it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lcn_registry.communities.models import LIST_FIELDS
from lcn_registry.matching.normalise import organisation_key

SOURCE_RANKS = {"katapult": 2, "techniekpact": 3}
REGIONAL_RANK, OTHER_RANK = 1, 4
SINGLE_FIELDS = (
    "name",
    "landsdeel",
    "province",
    "municipality",
    "phase",
    "end_date",
    "website",
    "description",
)


@dataclass(frozen=True)
class SourceView:
    """One active source record as survivorship sees it."""

    feed_source: str
    external_id: str
    record: dict[str, Any]
    last_seen_at: datetime


def source_rank(feed_source: str) -> int:
    """Lower is more authoritative."""
    if feed_source.startswith("regional:"):
        return REGIONAL_RANK
    return SOURCE_RANKS.get(feed_source, OTHER_RANK)


def _ordered(sources: list[SourceView]) -> list[SourceView]:
    """Best source first; among equals, the most recently seen."""
    return sorted(sources, key=lambda view: (source_rank(view.feed_source), -view.last_seen_at.timestamp()))


def _origin(view: SourceView, rule: str) -> dict[str, Any]:
    """Provenance of a value taken from a source record."""
    return {"origin": f"feed:{view.feed_source}", "external_id": view.external_id, "rule": rule}


def golden_values(
    sources: list[SourceView], *, manual_fields: set[str]
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The golden record's values (API JSON shape) and their provenance; `manual_fields` are left alone."""
    ordered = _ordered(sources)
    values: dict[str, Any] = {}
    provenance: dict[str, dict[str, Any]] = {}
    for name in SINGLE_FIELDS:
        chosen = next((view for view in ordered if view.record.get(name) not in (None, "")), None)
        if chosen is not None:
            values[name], provenance[name] = chosen.record[name], _origin(chosen, "source-priority")
    for name in LIST_FIELDS:
        union = list(dict.fromkeys(value for view in ordered for value in view.record.get(name) or []))
        if union:
            contributors = [view for view in ordered if view.record.get(name)]
            values[name], provenance[name] = union, {**_origin(contributors[0], "union"), "sources": len(contributors)}
    located = next((view for view in ordered if view.record.get("latitude") is not None), None)
    if located is not None:
        for name in ("latitude", "longitude"):
            values[name], provenance[name] = located.record[name], _origin(located, "source-priority")
    dated = [view for view in ordered if view.record.get("start_date")]
    if dated:
        earliest = min(dated, key=lambda view: str(view.record["start_date"]))
        values["start_date"], provenance["start_date"] = earliest.record["start_date"], _origin(earliest, "earliest")
    if values.get("topsectors"):
        values["primary_topsector"] = values["topsectors"][0]
        provenance["primary_topsector"] = {**provenance["topsectors"], "rule": "first-of-best-source"}
    kept = {name: value for name, value in values.items() if name not in manual_fields}
    return kept, {name: provenance[name] for name in kept}


def manual_fields(provenance: dict[str, Any]) -> set[str]:
    """Fields whose current value was set through the API."""
    return {name for name, origin in provenance.items() if origin.get("origin") == "api"}


def golden_partners(sources: list[SourceView]) -> dict[str, dict[str, Any]]:
    """Partners by normalised name: the union over sources, with the best source's name, type and role. One lead
    at most (ADR 0021): the first the best sources name; any other named lead takes part as a partner."""
    partners: dict[str, dict[str, Any]] = {}
    for view in _ordered(sources):
        for partner in view.record.get("partners") or []:
            partners.setdefault(organisation_key(partner["name"]), {**partner, "origin": f"feed:{view.feed_source}"})
    leads = [key for key, partner in partners.items() if partner["role"] == "lead"]
    for key in leads[1:]:
        partners[key] = {**partners[key], "role": "partner"}
    return partners
