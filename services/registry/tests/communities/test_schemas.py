"""Validation of communities: the rules of the models, and that the API answers bad input with 422, never 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from lcn_registry.communities.schemas import CommunityCreate, CommunityUpdate, StatusChange
from lcn_shared.settings import PlatformSettings
from services.registry.tests.communities.builders import (
    IssueKey,
    assert_problem,
    community_state,
    count_rows,
    create_community,
    create_community_body,
    create_partner,
    patch_community,
    running_registry,
)


def test_landsdeel_is_derived_from_the_province() -> None:
    """A province names its landsdeel; Noord-Brabant, split in two, may name either."""
    assert CommunityCreate.model_validate(create_community_body()).landsdeel == "noord"
    assert CommunityCreate.model_validate(create_community_body(province="noord-brabant")).landsdeel == "zuidoost"
    split = create_community_body(province="noord-brabant", landsdeel="zuidwest")
    assert CommunityCreate.model_validate(split).landsdeel == "zuidwest"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"province": "drenthe", "landsdeel": "zuidwest"}, "does not lie in landsdeel"),
        ({"province": None}, "landsdeel or province is required"),
        ({"topsectors": ["energie"], "primary_topsector": "htsm"}, "primary_topsector must be one of topsectors"),
        ({"latitude": 48.85, "longitude": 2.35}, "greater than or equal"),
        ({"latitude": 52.78}, "latitude and longitude come together"),
        ({"start_date": "2025-01-01", "end_date": "2024-01-01"}, "end_date is before start_date"),
        ({"start_date": "0001-01-01"}, "greater than or equal to 1900-01-01"),
        ({"end_date": "9999-12-31"}, "less than or equal to 2100-12-31"),
        ({"status": "ended"}, "registered as planned or active"),
        ({"topsectors": ["energie", "energie"]}, "distinct"),
        ({"owner_organisation_id": "00000000-0000-0000-0000-000000000000"}, "Extra inputs are not permitted"),
        ({"website": "not a site"}, "is not a website address"),
    ],
    ids=[
        "province-outside-landsdeel",
        "no-region",
        "primary-not-listed",
        "coordinates-outside-nl",
        "latitude-alone",
        "ends-before-start",
        "start-0001",
        "end-9999",
        "registered-as-ended",
        "duplicate-topsector",
        "unknown-field",
        "bad-website",
    ],
)
def test_inconsistent_registration_is_rejected(changes: dict[str, Any], message: str) -> None:
    """Each contradiction is a validation error that says what is wrong."""
    with pytest.raises(ValidationError, match=message):
        CommunityCreate.model_validate(create_community_body(**changes))


def test_primary_topsector_defaults_to_the_first_listed() -> None:
    """Without a primary top sector the first of the list is the main one."""
    assert CommunityCreate.model_validate(create_community_body()).primary_topsector == "energie"
    chosen = CommunityCreate.model_validate(create_community_body(primary_topsector="htsm"))
    assert chosen.primary_topsector == "htsm"
    assert CommunityCreate.model_validate(create_community_body(topsectors=[])).primary_topsector is None


@pytest.mark.parametrize("field", ["name", "kinds", "landsdeel"])
def test_merge_patch_cannot_clear_required_fields(field: str) -> None:
    """`null` clears an optional field in a merge patch, but these stay."""
    with pytest.raises(ValidationError, match="cannot be cleared"):
        CommunityUpdate.model_validate({field: None})


def test_merge_patch_holds_only_the_fields_sent_and_clears_lists_with_null() -> None:
    """Absent fields stay; a list field set to null becomes empty (the table holds no null lists)."""
    patch = CommunityUpdate.model_validate({"municipality": None, "topsectors": None, "website": "www.x.nl/"})
    assert patch.changes() == {"municipality": None, "topsectors": [], "website": "https://www.x.nl"}
    with pytest.raises(ValidationError, match="distinct"):
        CommunityUpdate.model_validate({"kinds": ["civ", "civ"]})


def test_status_change_names_the_absorbing_programme_only_when_absorbed() -> None:
    """`absorbed_into` belongs to `absorbed` and only to it."""
    assert StatusChange.model_validate({"status": "absorbed", "absorbed_into": "NGF"}).absorbed_into == "NGF"
    for body in ({"status": "absorbed"}, {"status": "ended", "absorbed_into": "NGF"}):
        with pytest.raises(ValidationError, match="absorbed_into"):
            StatusChange.model_validate(body)


BAD_REGISTRATIONS: list[Any] = [
    create_community_body(province="drenthe", landsdeel="zuidwest"),
    create_community_body(topsectors=["energie"], primary_topsector="htsm"),
    create_community_body(latitude=48.85, longitude=2.35),
    create_community_body(latitude=52.78),
    create_community_body(shoe_size=44),
    create_community_body(name=None),
    create_community_body(kinds=[]),
    create_community_body(start_date="yesterday"),
    create_community_body(start_date="0001-01-01"),
    create_community_body(name=12),
    create_community_body(website="not a site"),
    [create_community_body()],
    "a string",
    None,
]


async def test_bad_registrations_are_422_problems_and_write_nothing(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Every invalid body gets a 422 problem naming the error; no row, no event, no 500."""
    partner = await create_partner(api_key)
    async with running_registry(platform) as client:
        responses = [
            await client.post("/v1/communities", content=json.dumps(body).encode(), headers=partner.headers)
            for body in BAD_REGISTRATIONS
        ]
        nan = await client.post(
            "/v1/communities",
            content=b'{"name": "Energy College", "kinds": ["civ"], "province": "drenthe", "latitude": NaN, '
            b'"longitude": 6.9}',
            headers=partner.headers | {"Content-Type": "application/json"},
        )
    for body, response in zip(BAD_REGISTRATIONS, responses, strict=True):
        assert response.status_code == 422, (body, response.text)
        assert_problem(response, 422)
        assert response.json()["errors"], body
    assert_problem(nan, 422)
    assert await count_rows(platform, "community") == 0
    assert await count_rows(platform, "outbox_message") == 0


BAD_PATCHES: list[Any] = [
    {"name": None},
    {"kinds": None},
    {"landsdeel": None},
    {"landsdeel": "zuidwest"},
    {"primary_topsector": "chemie"},
    {"latitude": 52.0},
    {"latitude": 55.0, "longitude": 6.0},
    {"end_date": "2000-01-01", "start_date": "2001-01-01"},
    {"end_date": "9999-12-31"},
    {"topsectors": ["energie", "energie"]},
    {"status": "ended"},
    {"version": 7},
    [{"op": "replace", "path": "/name", "value": "JSON Patch is not supported"}],
    "a string",
]


async def test_bad_patches_are_422_problems_and_change_nothing(platform: PlatformSettings, api_key: IssueKey) -> None:
    """A merge patch that breaks a rule (or clears `name`) is refused as a whole; no 500."""
    partner = await create_partner(api_key)
    async with running_registry(platform) as client:
        community_id = (await create_community(client, partner))["community_id"]
        before = await community_state(platform, community_id)
        responses = [await patch_community(client, partner, community_id, body) for body in BAD_PATCHES]
        after = await community_state(platform, community_id)
    for body, response in zip(BAD_PATCHES, responses, strict=True):
        assert response.status_code == 422, (body, response.text)
        assert_problem(response, 422)
    assert after == before


async def test_merge_patch_clears_optional_fields_and_keeps_region_and_main_sector_consistent(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """`null` clears; a new province brings its landsdeel; a new top-sector list brings a main sector from it."""
    partner = await create_partner(api_key)
    async with running_registry(platform) as client:
        created = await create_community(client, partner, municipality="Emmen", education_levels=["mbo"])
        community_id = created["community_id"]
        cleared = await client.patch(
            f"/v1/communities/{community_id}",
            content=json.dumps({"municipality": None, "education_levels": None}).encode(),
            headers=partner.headers | {"If-Match": '"1"', "Content-Type": "application/merge-patch+json"},
        )
        moved = await patch_community(client, partner, community_id, {"province": "limburg"}, if_match="*")
        sectors = await patch_community(client, partner, community_id, {"topsectors": ["chemie"]}, if_match="*")
        no_sectors = await patch_community(client, partner, community_id, {"topsectors": None}, if_match="*")
    assert cleared.status_code == 200, cleared.text
    assert (cleared.json()["municipality"], cleared.json()["education_levels"]) == (None, [])
    assert moved.status_code == 200, moved.text
    assert (moved.json()["province"], moved.json()["landsdeel"]) == ("limburg", "zuidoost")
    assert sectors.status_code == 200, sectors.text
    assert (sectors.json()["topsectors"], sectors.json()["primary_topsector"]) == (["chemie"], "chemie")
    assert no_sectors.status_code == 200, no_sectors.text
    assert (no_sectors.json()["topsectors"], no_sectors.json()["primary_topsector"]) == ([], None)
