"""Feed deliveries through the API on real PostgreSQL: outcomes, idempotence, rejections, snapshots, linking."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from lcn_registry.main import create_app
from lcn_shared.auth import Role
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import fetch, run_service, service_config

from .builders import create_record, deliver

KeyFactory = Callable[..., Awaitable[str]]


@pytest.fixture
async def registry(platform: PlatformSettings) -> AsyncIterator[httpx.AsyncClient]:
    """A running registry."""
    async with run_service(create_app, service_config(platform, "registry", consumers_enabled=False)) as (_, client):
        yield client


async def _outbox_count(platform: PlatformSettings) -> int:
    """Events staged so far."""
    return int((await fetch(platform, "registry", "SELECT count(*) FROM outbox_message"))[0][0])


async def test_delivery_adds_records_as_communities_with_lineage(
    platform: PlatformSettings, registry: httpx.AsyncClient, api_key: KeyFactory
) -> None:
    """Each new record founds a golden record with partners, provenance and its raw record as lineage."""
    key = await api_key(Role.FEED, feed_source="katapult")
    response = await deliver(
        registry,
        key,
        "katapult",
        [
            create_record("KAT-1"),
            create_record(
                "KAT-2",
                name="CIV Zorg Friesland",
                province="Fryslân",
                municipality="Leeuwarden",
                website=None,
                partners=[],
            ),
        ],
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert [result["outcome"] for result in body["results"]] == ["added", "added"]
    assert body["job"]["state"] == "completed"
    assert body["job"]["counts"]["added"] == 2
    community_id = body["results"][0]["community_id"]
    community = (await registry.get(f"/v1/communities/{community_id}")).json()
    assert community["landsdeel"] == "oost"
    assert community["topsectors"] == ["htsm"]
    assert community["kinds"] == ["fieldlab"]
    members = (await registry.get(f"/v1/communities/{community_id}/organisations")).json()["data"]
    assert [(member["name"], member["role"]) for member in members][0] == ("Saxion", "lead")
    lineage = (
        await registry.get(f"/v1/communities/{community_id}/sources", headers={"Authorization": f"Bearer {key}"})
    ).json()
    assert [source["external_id"] for source in lineage["sources"]] == ["KAT-1"]
    assert lineage["sources"][0]["raw"]["topsectors"] == ["HTSM"]
    assert lineage["provenance"]["name"]["origin"] == "feed:katapult"


async def test_acceptance_re_importing_the_same_feed_changes_nothing_and_emits_no_event(
    platform: PlatformSettings, registry: httpx.AsyncClient, api_key: KeyFactory
) -> None:
    """Acceptance (feeds and linking): the second delivery of the same records is all `unchanged`, no event."""
    key = await api_key(Role.FEED, feed_source="katapult")
    records = [create_record("KAT-1"), create_record("KAT-2", name="Practoraat Duurzaam Bouwen", municipality="Zwolle")]
    assert (await deliver(registry, key, "katapult", records)).status_code == 201
    events_before = await _outbox_count(platform)
    versions_before = await fetch(platform, "registry", "SELECT community_id, version FROM community ORDER BY 1")
    again = await deliver(registry, key, "katapult", list(reversed(records)))
    assert [result["outcome"] for result in again.json()["results"]] == ["unchanged", "unchanged"]
    # Only the job's own completion notice is new; no community event.
    assert await _outbox_count(platform) == events_before + 1
    types = await fetch(platform, "registry", "SELECT event_type FROM outbox_message ORDER BY seq DESC LIMIT 1")
    assert types[0][0] == "nl.lcn.registry.feed.import-completed.v1"
    assert (
        await fetch(platform, "registry", "SELECT community_id, version FROM community ORDER BY 1") == versions_before
    )


async def test_acceptance_malformed_rows_are_rejected_with_reasons_and_valid_rows_still_import(
    platform: PlatformSettings, registry: httpx.AsyncClient, api_key: KeyFactory
) -> None:
    """Acceptance (bad input): per-row reasons in NDJSON and CSV; the valid rows import."""
    key = await api_key(Role.FEED, feed_source="techniekpact")
    lines = [
        json.dumps(create_record("TP-1")),
        "{not json",
        json.dumps(create_record("TP-2", kinds=["spaceship"])),
        json.dumps(create_record("TP-3", latitude=12.0, longitude=5.0)),
        json.dumps({"name": "No id"}),
        json.dumps(create_record("TP-4", name="Living Lab Zorg Arnhem", municipality="Arnhem", province="Gelderland")),
        json.dumps(create_record("TP-8", name="Fieldlab Tijdloos", start_date="0001-01-01")),
    ]
    response = await registry.post(
        "/v1/feeds/techniekpact/imports",
        content="\n".join(lines).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/x-ndjson"},
    )
    assert response.status_code == 201, response.text
    results = response.json()["results"]
    assert [result["outcome"] for result in results] == [
        "added",
        "rejected",
        "rejected",
        "rejected",
        "rejected",
        "added",
        "rejected",
    ]
    reasons = [result["reason"] or "" for result in results]
    assert "not valid JSON" in reasons[1]
    assert "spaceship" in reasons[2]
    assert "latitude" in reasons[3]
    assert "external_id" in reasons[4]
    assert "start_date" in reasons[6]
    assert "1900-01-01" in reasons[6]
    assert len(await fetch(platform, "registry", "SELECT 1 FROM community")) == 2

    csv_text = (
        "external_id,name,kinds,topsectors,province,partners\n"
        "TP-5,CIV Water Zeeland,CIV,Water;Logistiek,Zeeland,HZ University [school-hbo] (lead); Damen (partner)\n"
        "TP-6,Broken row,Fieldlab\n"
        "TP-7,X,Fieldlab,Energie,Atlantis,\n"
    )
    response = await registry.post(
        "/v1/feeds/techniekpact/imports",
        content=csv_text.encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "text/csv"},
    )
    outcomes = [(result["external_id"], result["outcome"]) for result in response.json()["results"]]
    assert outcomes == [("TP-5", "added"), (None, "rejected"), ("TP-7", "rejected")]
    job_id = response.json()["job"]["job_id"]
    rejected = (
        await registry.get(
            f"/v1/feeds/techniekpact/jobs/{job_id}/results",
            params={"outcome": "rejected"},
            headers={"Authorization": f"Bearer {key}"},
        )
    ).json()
    assert [row["position"] for row in rejected["data"]] == [2, 3]


async def test_snapshot_withdraws_missing_records_but_never_deletes(
    platform: PlatformSettings, registry: httpx.AsyncClient, api_key: KeyFactory
) -> None:
    """A record missing from a full snapshot is marked withdrawn by that source; the community stays.

    (Withdrawing one of two records is over the safeguard's limit: confirmed here, held in test_snapshots.)"""
    key = await api_key(Role.FEED, feed_source="katapult")
    records = [
        create_record("KAT-1"),
        create_record(
            "KAT-2", name="CIV Zorg Friesland", province="Fryslân", municipality="Leeuwarden", website=None, partners=[]
        ),
    ]
    assert (await deliver(registry, key, "katapult", records, mode="snapshot")).status_code == 201
    response = await deliver(registry, key, "katapult", records[:1], mode="snapshot", confirm_withdrawals=True)
    assert response.json()["job"]["counts"]["withdrawn"] == 1
    state = await fetch(platform, "registry", "SELECT external_id, state FROM source_record ORDER BY 1")
    assert [tuple(row) for row in state] == [("KAT-1", "active"), ("KAT-2", "withdrawn")]
    assert len(await fetch(platform, "registry", "SELECT 1 FROM community")) == 2
    withdrawn_id = response.json()["results"][0]["community_id"]
    kept = (await fetch(platform, "registry", "SELECT community_id FROM source_record WHERE external_id = 'KAT-2'"))[0][
        0
    ]
    assert str(kept) != withdrawn_id
    history = (await registry.get(f"/v1/communities/{kept}/history")).json()["data"]
    community = (await registry.get(f"/v1/communities/{kept}")).json()
    assert (history[0]["change"], history[0]["version"]) == ("source-withdrawn", community["version"])
    assert history[0]["changes"]["source"] == {"feed_source": "katapult", "external_id": "KAT-2"}


async def test_a_feed_key_delivers_only_for_its_own_source(registry: httpx.AsyncClient, api_key: KeyFactory) -> None:
    """Katapult's key cannot deliver as Techniekpact; a partner key cannot deliver at all."""
    key = await api_key(Role.FEED, feed_source="katapult")
    assert (await deliver(registry, key, "techniekpact", [create_record("X")])).status_code == 403
    partner = await api_key(Role.PARTNER, organisation_id=__import__("uuid").uuid4(), organisation_name="Saxion")
    assert (await deliver(registry, partner, "katapult", [create_record("X")])).status_code == 403


async def test_same_community_in_two_feeds_is_linked_into_one_golden_record(
    platform: PlatformSettings, registry: httpx.AsyncClient, api_key: KeyFactory
) -> None:
    """A Techniekpact record spelled differently links to Katapult's record; survivorship keeps provenance."""
    katapult = await api_key(Role.FEED, feed_source="katapult")
    techniekpact = await api_key(Role.FEED, feed_source="techniekpact")
    first = await deliver(registry, katapult, "katapult", [create_record("KAT-1")])
    community_id = first.json()["results"][0]["community_id"]
    variant = create_record(
        "TP-OO-0001",
        name="Slimme Maakindustrie Twente Fieldlab",
        province=None,
        landsdeel="Oost",
        website="fieldlab-smi-twente.nl/",
        key_technologies=["Robotica"],
        partners=[{"name": "Hogeschool Saxion"}, {"name": "ROC Twente"}],
    )
    second = await deliver(registry, techniekpact, "techniekpact", [variant])
    result = second.json()["results"][0]
    assert (result["outcome"], result["link"], result["community_id"]) == ("added", "linked", community_id)
    community = (await registry.get(f"/v1/communities/{community_id}")).json()
    assert community["name"] == "Fieldlab Slimme Maakindustrie Twente"  # Katapult ranks above Techniekpact
    assert community["key_technologies"] == ["robotics"]  # lists are the union
    lineage = (await registry.get(f"/v1/communities/{community_id}/sources")).json()
    assert sorted(source["feed_source"] for source in lineage["sources"]) == ["katapult", "techniekpact"]
    explanation = lineage["sources"][1]["match"]["score"]
    assert {field["field"] for field in explanation["fields"]} == {"name", "place", "kinds", "website", "partners"}
    assert (
        Counter(row[0] for row in await fetch(platform, "registry", "SELECT event_type FROM outbox_message"))[
            "nl.lcn.registry.community.updated.v1"
        ]
        == 1
    )
