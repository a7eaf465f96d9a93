"""Feeds in their own format (ADR 0022): stored, versioned mappings; regional CSV files; rows that fail alone."""

from __future__ import annotations

import base64
import codecs
import csv
import io
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest

from lcn_registry.main import create_app
from lcn_shared.auth import Role
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import fetch, run_service, service_config

KeyFactory = Callable[..., Awaitable[str]]
CSV = {"Content-Type": "text/csv"}
# The same three communities in the registry's own names and spellings ...
OWN_COLUMNS = ["external_id", "name", "kinds", "partners", "municipality", "province", "website", "topsectors"]
OWN_ROWS = [
    [
        "HCA-1",
        "Skillslab Ideeën voor Techniek",
        "skillslab",
        "Fontys Hogescholen (lead); ROC Ter AA [school-mbo]; Coöperatie Brainport Industries",
        "Helmond",
        "noord-brabant",
        "https://www.skillslab-ideeen.nl",
        "htsm",
    ],
    [
        "HCA-2",
        "Fieldlab Coöperatief Onderhoud Súdwest",
        "fieldlab",
        "NHL Stenden (lead); Friesland College [school-mbo]",
        "Súdwest-Fryslân",
        "fryslan",
        "",
        "energie; water-maritiem",
    ],
    ["HCA-3", "Proeftuin Zonder Soort", "bogus", "Gemeente Zwolle (lead)", "Zwolle", "overijssel", "", "logistiek"],
]
# ... and as Katapult writes them: its own column names, `|` between partners, its own spellings.
KATAPULT_COLUMNS = [
    "external_id",
    "naam",
    "type",
    "penvoerder",
    "plaats",
    "provincie",
    "website",
    "partners",
    "topsector",
]
KATAPULT_ROWS = [
    [
        "HCA-1",
        "Skillslab Ideeën voor Techniek",
        "Skills lab",
        "Fontys Hogescholen",
        "Helmond",
        "N-Brabant",
        "https://www.skillslab-ideeen.nl",
        "ROC Ter AA [school-mbo]|Coöperatie Brainport Industries",
        "High Tech",
    ],
    [
        "HCA-2",
        "Fieldlab Coöperatief Onderhoud Súdwest",
        "Veldlab",
        "NHL Stenden",
        "Súdwest-Fryslân",
        "Friesland",
        "",
        "Friesland College [school-mbo]",
        "Energie; Water & Maritiem",
    ],
    ["HCA-3", "Proeftuin Zonder Soort", "bogus", "Gemeente Zwolle", "Zwolle", "Overijssel", "", "", "Logistiek"],
]
KATAPULT_MAPPING = {
    "columns": {
        "naam": "name",
        "type": "kinds",
        "penvoerder": "lead_partner",
        "plaats": "municipality",
        "provincie": "province",
        "topsector": "topsectors",
    },
    "separators": {"partners": "|"},
    "values": {"kinds": {"Veldlab": "fieldlab"}, "province": {"N-Brabant": "Noord-Brabant"}},
}


@pytest.fixture
async def registry(platform: PlatformSettings) -> AsyncIterator[httpx.AsyncClient]:
    """A running registry."""
    async with run_service(create_app, service_config(platform, "registry", consumers_enabled=False)) as (_, client):
        yield client


def csv_text(columns: list[str], rows: list[list[str]], *, delimiter: str = ",") -> str:
    """Rows as CSV text with a header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue()


def auth(key: str, **headers: str) -> dict[str, str]:
    """The Authorization header, with others."""
    return {"Authorization": f"Bearer {key}", **headers}


async def put_mapping(
    client: httpx.AsyncClient, key: str, feed_source: str, mapping: dict[str, Any], **headers: str
) -> httpx.Response:
    """PUT a mapping (the first with If-None-Match: *, unless other headers are given)."""
    conditions = headers or {"If-None-Match": "*"}
    return await client.put(f"/v1/feeds/{feed_source}/mapping", json=mapping, headers=auth(key, **conditions))


async def import_csv(client: httpx.AsyncClient, key: str, feed_source: str, body: bytes) -> dict[str, Any]:
    """A one-request CSV import; its answer."""
    response = await client.post(f"/v1/feeds/{feed_source}/imports", content=body, headers=auth(key, **CSV))
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def stored_records(platform: PlatformSettings, feed_source: str) -> dict[str, tuple[Any, Any]]:
    """A source's records as read (the parsed record) and the community each is linked to, by external id."""
    rows = await fetch(
        platform,
        "registry",
        "SELECT external_id, record, community_id FROM source_record WHERE feed_source = $1",
        feed_source,
    )
    return {row["external_id"]: (json.loads(row["record"]), row["community_id"]) for row in rows}


async def test_acceptance_mapped_feed_katapult_csv_and_a_semicolon_windows_1252_file_import_as_the_own_format(
    platform: PlatformSettings, registry: httpx.AsyncClient, api_key: KeyFactory
) -> None:
    """Acceptance (mapped feed): a Katapult-style CSV with its own columns and a semicolon-separated Windows-1252
    file with a BOM import as they are through a stored mapping, with the same per-row results and records as
    the same data in the registry's own format (the mapped ones link to the communities the first one founded)."""
    coordinator = await api_key(Role.COORDINATOR)
    own = await import_csv(registry, coordinator, "regional:own", csv_text(OWN_COLUMNS, OWN_ROWS).encode())
    katapult_key = await api_key(Role.FEED, feed_source="katapult")
    assert (await put_mapping(registry, katapult_key, "katapult", KATAPULT_MAPPING)).status_code == 201
    assert (await put_mapping(registry, coordinator, "regional:brabant", KATAPULT_MAPPING)).status_code == 201
    katapult = await import_csv(registry, katapult_key, "katapult", csv_text(KATAPULT_COLUMNS, KATAPULT_ROWS).encode())
    excel = codecs.BOM_UTF8 + csv_text(KATAPULT_COLUMNS, KATAPULT_ROWS, delimiter=";").encode("cp1252")
    brabant = await import_csv(registry, coordinator, "regional:brabant", excel)

    def outcomes(answer: dict[str, Any]) -> list[tuple[Any, ...]]:
        return [(r["position"], r["external_id"], r["outcome"], r["reason"]) for r in answer["results"]]

    assert outcomes(own) == outcomes(katapult) == outcomes(brabant)
    assert [result["outcome"] for result in own["results"]] == ["added", "added", "rejected"]
    assert "kinds" in own["results"][2]["reason"]
    assert (katapult["job"]["mapping_version"], brabant["job"]["mapping_version"], own["job"]["mapping_version"]) == (
        1,
        1,
        None,
    )
    own_records = await stored_records(platform, "regional:own")
    for feed_source in ("katapult", "regional:brabant"):
        records = await stored_records(platform, feed_source)
        assert {external_id: record for external_id, (record, _) in records.items()} == {
            external_id: record for external_id, (record, _) in own_records.items()
        }
        # Read alike, they are the same communities: each mapped record links to the one the own format founded.
        assert {external_id: community for external_id, (_, community) in records.items()} == {
            external_id: community for external_id, (_, community) in own_records.items()
        }
    community = (await registry.get(f"/v1/communities/{own['results'][1]['community_id']}")).json()
    assert (community["name"], community["municipality"], community["province"]) == (
        "Fieldlab Coöperatief Onderhoud Súdwest",
        "Súdwest-Fryslân",
        "fryslan",
    )
    assert community["topsectors"] == ["energie", "water-maritiem"]
    first = own_records["HCA-1"][0]
    assert [(partner["name"], partner["role"]) for partner in first["partners"]] == [
        ("Fontys Hogescholen", "lead"),
        ("ROC Ter AA", "partner"),
        ("Coöperatie Brainport Industries", "partner"),
    ]


async def test_mapping_versions_etags_and_who_may_change_them(registry: httpx.AsyncClient, api_key: KeyFactory) -> None:
    """Every PUT is a new version (the old ones stay readable), guarded by If-Match; only the source's key or
    a coordinator may read or change it."""
    key = await api_key(Role.FEED, feed_source="katapult")
    path = "/v1/feeds/katapult/mapping"
    assert (await registry.get(path, headers=auth(key))).status_code == 404
    assert (await registry.put(path, json=KATAPULT_MAPPING, headers=auth(key))).status_code == 428
    first = await put_mapping(registry, key, "katapult", KATAPULT_MAPPING)
    assert (first.status_code, first.headers["ETag"], first.json()["version"]) == (201, '"1"', 1)
    assert first.json()["mapping"]["values"]["province"] == {"N-Brabant": "noord-brabant"}  # stored as the code
    assert (await put_mapping(registry, key, "katapult", KATAPULT_MAPPING)).status_code == 412  # one exists
    changed = {**KATAPULT_MAPPING, "separators": {"partners": ";"}}
    second = await put_mapping(registry, key, "katapult", changed, **{"If-Match": '"1"'})
    assert (second.status_code, second.headers["ETag"]) == (200, '"2"')
    assert (await put_mapping(registry, key, "katapult", changed, **{"If-Match": '"1"'})).status_code == 412
    current = await registry.get(path, headers=auth(key))
    assert (current.json()["version"], current.headers["ETag"]) == (2, '"2"')
    assert (await registry.get(f"{path}/versions/1", headers=auth(key))).json()["mapping"]["separators"] == {
        "partners": "|"
    }
    page = (await registry.get(f"{path}/versions", params={"limit": 1}, headers=auth(key))).json()
    assert [version["version"] for version in page["data"]] == [2]
    rest = await registry.get(f"{path}/versions", params={"limit": 1, "cursor": page["next_cursor"]}, headers=auth(key))
    assert [version["version"] for version in rest.json()["data"]] == [1]
    garbage = await registry.get(f"{path}/versions", params={"cursor": "nonsense"}, headers=auth(key))
    assert garbage.status_code == 400
    other = await api_key(Role.FEED, feed_source="techniekpact")
    assert (await registry.get(path, headers=auth(other))).status_code == 403
    assert (await put_mapping(registry, other, "katapult", changed, **{"If-Match": "*"})).status_code == 403
    assert (await registry.get(path)).status_code == 401


@pytest.mark.parametrize(
    ("mapping", "complaint"),
    [
        ({"columns": {"naam": "naam"}}, "'naam' is no feed-record field"),
        ({"columns": {"naam": "name", "titel": "name"}}, "naam, titel all map to 'name'"),
        ({"values": {"province": {"Brabant-Noord": "Zuid-Brabant"}}}, "'Zuid-Brabant' is not a known Province"),
        ({"values": {"name": {"x": "y"}}}, "'name' is no field with a controlled vocabulary"),
        ({"separators": {"name": ","}}, "'name' is no list field"),
        ({"columns": {}, "extra": 1}, "Extra inputs are not permitted"),
    ],
)
async def test_a_wrong_mapping_is_a_422_problem(
    registry: httpx.AsyncClient, api_key: KeyFactory, mapping: dict[str, Any], complaint: str
) -> None:
    """Unknown target fields, two columns for one field, aliases of no known term: 422 problem+json, nothing stored."""
    key = await api_key(Role.COORDINATOR)
    response = await put_mapping(registry, key, "katapult", mapping)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert complaint in response.text
    assert (await registry.get("/v1/feeds/katapult/mapping", headers=auth(key))).status_code == 404


async def test_a_job_reads_all_its_batches_through_the_mapping_version_it_was_opened_with(
    registry: httpx.AsyncClient, api_key: KeyFactory
) -> None:
    """A mapping changed while a job is open does not change how that job reads its batches."""
    key = await api_key(Role.FEED, feed_source="katapult")
    await put_mapping(registry, key, "katapult", KATAPULT_MAPPING)
    job = (await registry.post("/v1/feeds/katapult/jobs", json={"mode": "upsert"}, headers=auth(key))).json()
    assert job["mapping_version"] == 1
    await put_mapping(registry, key, "katapult", {"columns": {}}, **{"If-Match": '"1"'})
    body = csv_text(KATAPULT_COLUMNS, KATAPULT_ROWS[:1]).encode()
    batch = await registry.post(
        f"/v1/feeds/katapult/jobs/{job['job_id']}/records", content=body, headers=auth(key, **CSV)
    )
    assert [result["outcome"] for result in batch.json()["results"]] == ["added"]
    assert batch.json()["job"]["mapping_version"] == 1


async def test_when_every_row_fails_the_answer_says_what_is_probably_wrong(
    registry: httpx.AsyncClient, api_key: KeyFactory
) -> None:
    """Katapult's columns without a mapping: a hint names the columns and the way out."""
    key = await api_key(Role.FEED, feed_source="katapult")
    answer = await import_csv(registry, key, "katapult", csv_text(KATAPULT_COLUMNS, KATAPULT_ROWS[:2]).encode())
    assert [result["outcome"] for result in answer["results"]] == ["rejected", "rejected"]
    assert answer["hint"].startswith("no mapping: the columns naam, type, penvoerder, plaats")
    assert "PUT /v1/feeds/katapult/mapping" in answer["hint"]
    # A semicolon file sent with quotes around each whole line reads as one column: the hint says so.
    quoted = b'"external_id;name;kinds"\n"A;Lab;fieldlab"\n'
    answer = await import_csv(registry, key, "katapult", quoted)
    assert "semicolon-separated" in answer["hint"]
    own = await import_csv(registry, key, "katapult", csv_text(OWN_COLUMNS, OWN_ROWS).encode())
    assert own["hint"] is None


async def test_acceptance_rows_fail_alone_a_nul_a_bad_byte_and_a_ragged_row_are_rejected_the_rest_imports(
    platform: PlatformSettings, registry: httpx.AsyncClient, api_key: KeyFactory
) -> None:
    """Acceptance (rows fail alone): a CSV with a NUL byte in one row imports every other row; that row, a row
    with bytes that are not UTF-8 and a ragged row are each rejected with their position and reason."""
    key = await api_key(Role.FEED, feed_source="katapult")
    lines = [csv_text(OWN_COLUMNS, OWN_ROWS[:2]).encode()]
    lines.append(b"HCA-4,Fieldlab Nul\x00Byte,fieldlab,,Delft,zuid-holland,,\r\n")
    lines.append(b"HCA-5,Fieldlab Slecht \xff Gecodeerd,fieldlab,,Delft,zuid-holland,,\r\n")
    lines.append(b"HCA-6,Fieldlab Te Kort,fieldlab\r\n")
    lines.append("HCA-7,Fieldlab Zoë,fieldlab,,Delft,zuid-holland,,\r\n".encode())
    answer = await import_csv(registry, key, "katapult", b"".join(lines))
    results = {result["position"]: (result["outcome"], result["reason"]) for result in answer["results"]}
    assert [results[position][0] for position in range(1, 7)] == [
        "added",
        "added",
        "rejected",
        "rejected",
        "rejected",
        "added",
    ]
    assert results[3][1] == "name holds a NUL character, which cannot be stored"
    assert results[4][1] == "name holds bytes that are not valid utf-8 text"
    assert results[5][1] == "line 6: the row has fewer values than the header names"
    [(count,)] = await fetch(platform, "registry", "SELECT count(*) FROM community")
    assert count == 3
    # The same in JSON: a NUL escape in one record rejects that record only, and never reaches PostgreSQL.
    records = [
        {"external_id": "J-1", "name": "Lab \u0000", "kinds": "fieldlab"},
        {"external_id": "J-2", "name": "Lab", "kinds": "civ", "province": "Drenthe"},
    ]
    response = await registry.post("/v1/feeds/katapult/imports", json=records, headers=auth(key))
    assert [result["outcome"] for result in response.json()["results"]] == ["rejected", "added"], response.text


async def test_preview_reads_maps_and_validates_without_writing(
    platform: PlatformSettings, registry: httpx.AsyncClient, api_key: KeyFactory
) -> None:
    """The dry run: a mapping not yet stored is tried on a Windows-1252 semicolon file; nothing is written."""
    key = await api_key(Role.FEED, feed_source="katapult")
    excel = codecs.BOM_UTF8 + csv_text(KATAPULT_COLUMNS, KATAPULT_ROWS, delimiter=";").encode("cp1252")
    body = {"content_type": "text/csv", "content": base64.b64encode(excel).decode(), "mapping": KATAPULT_MAPPING}
    response = await registry.post("/v1/feeds/katapult/preview", json=body, params={"limit": 2}, headers=auth(key))
    assert response.status_code == 200, response.text
    preview = response.json()
    assert (preview["received"], preview["counts"], len(preview["rows"])) == (
        3,
        {"added": 2, "updated": 0, "unchanged": 0, "rejected": 1},
        2,
    )
    first = preview["rows"][0]
    assert first["raw"]["naam"] == "Skillslab Ideeën voor Techniek"
    assert first["mapped"]["name"] == "Skillslab Ideeën voor Techniek"
    assert (first["record"]["kinds"], first["record"]["province"]) == (["skillslab"], "noord-brabant")
    without = await registry.post("/v1/feeds/katapult/preview", json=body | {"mapping": None}, headers=auth(key))
    assert without.json()["counts"]["rejected"] == 3
    assert without.json()["hint"].startswith("no mapping")
    for table in ("import_job", "source_record", "community", "feed_mapping"):
        [(count,)] = await fetch(platform, "registry", f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
        assert count == 0, table
