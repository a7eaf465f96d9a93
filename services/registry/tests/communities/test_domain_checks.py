"""Checks that match the domain (issue 8, item 6; ADR 0021): coordinates lie in the region a community names, and
ended or absorbed communities are read-only but for their status."""

from __future__ import annotations

from typing import Any

import pytest

from lcn_registry.communities.regions import LANDSDEEL_BOUNDS, PROVINCE_BOUNDS, check_coordinates
from lcn_registry.demo.places import MUNICIPALITIES
from lcn_registry.feeds.schemas import FeedRecord
from lcn_shared.contracts.vocabulary import Landsdeel, Province
from lcn_shared.settings import PlatformSettings
from services.registry.tests.communities.builders import (
    IssueKey,
    assert_problem,
    change_status,
    community_state,
    count_rows,
    create_community,
    create_community_body,
    create_coordinator,
    create_feed_caller,
    create_partner,
    patch_community,
    running_registry,
)
from services.registry.tests.feeds.builders import create_record, deliver

MIDDELBURG = {"latitude": 51.4988, "longitude": 3.6110}  # Zeeland
EMMEN = {"latitude": 52.786, "longitude": 6.898}  # Drenthe
BREDA = {"latitude": 51.589, "longitude": 4.776}  # Noord-Brabant, landsdeel Zuidwest


def test_every_demo_municipality_lies_in_its_province_and_landsdeel() -> None:
    """The boxes are real: each place the demo data uses passes its own province and landsdeel."""
    for town in MUNICIPALITIES:
        assert PROVINCE_BOUNDS[town.province].holds(town.latitude, town.longitude), town
        assert any(box.holds(town.latitude, town.longitude) for box in LANDSDEEL_BOUNDS[town.landsdeel]), town


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"province": "drenthe", **MIDDELBURG}, "outside province drenthe"),
        ({"landsdeel": "noord", **MIDDELBURG}, "outside landsdeel noord"),
        ({"landsdeel": "zuidoost", **MIDDELBURG}, "outside landsdeel zuidoost"),
        ({"province": "limburg", **EMMEN}, "outside province limburg"),
    ],
    ids=["zeeland-in-drenthe", "zeeland-in-noord", "zeeland-in-zuidoost", "drenthe-in-limburg"],
)
def test_coordinates_outside_the_named_region_are_refused(values: dict[str, Any], error: str) -> None:
    """The province decides when it is named; otherwise the landsdeel."""
    with pytest.raises(ValueError, match=error):
        check_coordinates(values)


@pytest.mark.parametrize(
    "values",
    [
        {"province": "zeeland", **MIDDELBURG},
        {"landsdeel": "zuidwest", **MIDDELBURG},
        {"landsdeel": "zuidwest", **BREDA},  # West-Brabant lies in Zuidwest
        {"landsdeel": "zuidoost", **BREDA},
        {"province": "drenthe", "latitude": 52.62, "longitude": 6.11},  # on the border, within the margin
        {"province": "drenthe"},
        {**MIDDELBURG},
    ],
    ids=["zeeland", "zuidwest", "west-brabant", "brabant-zuidoost", "border", "no-point", "no-region"],
)
def test_coordinates_in_the_named_region_pass(values: dict[str, Any]) -> None:
    """A point in its region, near its border, or without a region to check passes."""
    check_coordinates(values)


def test_every_province_and_landsdeel_has_bounds() -> None:
    """The data covers the whole vocabulary: no region goes unchecked."""
    assert set(PROVINCE_BOUNDS) == set(Province)
    assert all(LANDSDEEL_BOUNDS[landsdeel] for landsdeel in Landsdeel)


def test_a_feed_record_with_coordinates_outside_its_province_is_refused() -> None:
    """Feeds keep the same rule: the row is rejected with its reason."""
    with pytest.raises(ValueError, match="outside province overijssel"):
        FeedRecord.model_validate(create_record("KAT-1", **MIDDELBURG))


async def test_acceptance_checks_zeeland_coordinates_for_drenthe_422(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """A POST with Zeeland's coordinates for a Drenthe community, and PATCHes that would leave the community in that
    state (new coordinates, or only a new province against the coordinates it has), are 422 problems naming the
    fields; nothing is written. A consistent move of province and point together passes."""
    owner = await create_partner(api_key)
    async with running_registry(platform) as client:
        posted = await client.post("/v1/communities", json=create_community_body(**MIDDELBURG), headers=owner.headers)
        landsdeel_only = await client.post(
            "/v1/communities",
            json=create_community_body(province=None, landsdeel="noord", **MIDDELBURG),
            headers=owner.headers,
        )
        community_id = (await create_community(client, owner, **EMMEN))["community_id"]
        before = await community_state(platform, community_id)
        moved_point = await patch_community(client, owner, community_id, MIDDELBURG)
        moved_province = await patch_community(client, owner, community_id, {"province": "zeeland"})
        after = await community_state(platform, community_id)
        moved_both = await patch_community(client, owner, community_id, {"province": "zeeland", **MIDDELBURG})
    for refused in (posted, landsdeel_only, moved_point, moved_province):
        detail = str(assert_problem(refused, 422))
        assert "latitude" in detail, detail
        assert "longitude" in detail, detail
    assert "province drenthe" in str(posted.json())
    assert "landsdeel noord" in str(landsdeel_only.json())
    assert "province zeeland" in moved_province.json()["detail"]
    assert after == before
    assert await count_rows(platform, "community") == 1
    assert moved_both.status_code == 200, moved_both.text
    assert (moved_both.json()["province"], moved_both.json()["landsdeel"]) == ("zeeland", "zuidwest")


async def test_a_feed_row_with_coordinates_outside_its_province_is_rejected_and_the_rest_import(
    platform: PlatformSettings,
) -> None:
    """Through the import: the row gets its reason, the other row is added."""
    feed = await create_feed_caller(platform)
    async with running_registry(platform) as client:
        response = await deliver(
            client,
            feed.key,
            "katapult",
            [
                create_record("KAT-1", **MIDDELBURG),
                create_record("KAT-2", name="Fieldlab Hengelo", municipality="Hengelo"),
            ],
        )
    assert response.status_code == 201, response.text
    results = response.json()["results"]
    assert [result["outcome"] for result in results] == ["rejected", "added"]
    assert "outside province overijssel" in results[0]["reason"]


async def test_acceptance_checks_patch_of_absorbed_community_409(platform: PlatformSettings, api_key: IssueKey) -> None:
    """An absorbed community, and an ended one, are read-only: a PATCH is a 409 problem for the lead and a
    coordinator alike, and changes nothing. A coordinator may still restart an ended community."""
    owner = await create_partner(api_key)
    coordinator = await create_coordinator(api_key)
    async with running_registry(platform) as client:
        absorbed = (await create_community(client, owner))["community_id"]
        ended = (await create_community(client, owner, name="Energy Lab Assen"))["community_id"]
        assert (
            await change_status(client, owner, absorbed, {"status": "absorbed", "absorbed_into": "Groeifonds"})
        ).status_code == 200
        assert (await change_status(client, owner, ended, {"status": "ended"})).status_code == 200
        before = await community_state(platform, absorbed)
        refused = [
            await patch_community(client, owner, absorbed, {"name": "Still going"}, if_match='"2"'),
            await patch_community(client, coordinator, absorbed, {"name": "Still going"}, if_match="*"),
            await patch_community(client, owner, ended, {"description": "Nog bezig"}, if_match='"2"'),
        ]
        after = await community_state(platform, absorbed)
        restarted = await change_status(client, coordinator, ended, {"status": "active"}, if_match='"2"')
        patched = await patch_community(client, owner, ended, {"description": "Weer bezig"}, if_match='"3"')
    for response in refused:
        problem = assert_problem(response, 409)
        assert "read-only" in problem["detail"]
    assert refused[0].json()["community_status"] == "absorbed"
    assert after == before
    assert restarted.status_code == 200, restarted.text
    assert patched.status_code == 200, patched.text
