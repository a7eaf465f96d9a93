"""`lcn feeds import`: splitting feed files into batches, finding the registry and key, and a real import."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from lcn_registry.feeds import client as feeds
from lcn_registry.feeds.client import FeedImportError, FormatChoice
from lcn_registry.feeds.wire import FeedFormat
from lcn_shared.auth import Role
from lcn_shared.cli import uploads
from lcn_shared.embedded import free_port, spawn, stop_process
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import fetch, wait_until
from tests.e2e.flow import platform_env, run_lcn

KeyFactory = Callable[..., Awaitable[str]]


def create_record(external_id: str, **changes: Any) -> dict[str, Any]:
    """A valid Katapult-style feed record, with changes."""
    record = {
        "external_id": external_id,
        "name": f"Fieldlab Slimme Maakindustrie {external_id}",
        "kinds": "Fieldlab",
        "topsectors": "HTSM",
        "province": "Overijssel",
        "municipality": "Enschede",
        "description": "Scholen en bedrijven werken samen.\nTweede regel, met een komma.",
    }
    return record | changes


def csv_text(records: list[dict[str, Any]]) -> str:
    """Records as a CSV feed with a header row."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(create_record("X")))
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue()


def test_split_json_makes_arrays_of_batch_size_in_order() -> None:
    """A JSON array (or `{"records": [...]}`) becomes arrays of at most the batch size, nothing lost."""
    records = [create_record(f"KAT-{index}") for index in range(5)]
    for document in (records, {"records": records}):
        batches = uploads.split_json(json.dumps(document), 2)
        assert [batch.records for batch in batches] == [2, 2, 1]
        assert [record for batch in batches for record in json.loads(batch.body)] == records
        assert {batch.media_type for batch in batches} == {"application/json"}


def test_split_json_refuses_a_document_that_is_no_feed() -> None:
    """An object without `records` is not a delivery."""
    with pytest.raises(ValueError, match="array of records"):
        uploads.split_json('{"name": "x"}', 10)


def test_split_ndjson_skips_blank_lines_and_keeps_broken_ones_for_the_registry_to_reject() -> None:
    """Blank lines are not records; a broken line travels on so the registry rejects it on its own."""
    text = '{"external_id": "1"}\n\n{broken\r\n{"external_id": "3"}\n   \n{"external_id": "4"}'
    batches = uploads.split_ndjson(text, 3)
    assert [batch.records for batch in batches] == [3, 1]
    assert batches[0].body.decode().splitlines()[1].strip() == "{broken"
    assert batches[1].body == b'{"external_id": "4"}\n'


def test_split_csv_repeats_the_header_and_keeps_quoted_newlines() -> None:
    """Every batch is a CSV delivery of its own; a cell with a newline inside quotes stays one cell."""
    records = [create_record(f"KAT-{index}") for index in range(3)]
    batches = uploads.split_csv(csv_text(records) + "\r\n", 2)
    assert [batch.records for batch in batches] == [2, 1]
    read_back = [row for batch in batches for row in csv.DictReader(io.StringIO(batch.body.decode(), newline=""))]
    assert read_back == records
    assert all(batch.body.decode().startswith("external_id,name,") for batch in batches)


def test_split_csv_needs_a_header() -> None:
    """An empty CSV file is no feed."""
    with pytest.raises(ValueError, match="header"):
        uploads.split_csv("\n\n", 10)


def test_read_feed_detects_the_format_by_extension_and_drops_a_bom(tmp_path: Path) -> None:
    """`.jsonl` is NDJSON; a UTF-8 BOM does not end up in the first record."""
    path = tmp_path / "katapult.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"external_id": "1"}\n{"external_id": "2"}\n')
    [batch] = feeds.read_feed(path, "auto", 10)
    assert batch.media_type == "application/x-ndjson"
    assert batch.body.startswith(b'{"external_id"')


@pytest.mark.parametrize(
    ("name", "requested", "expected"),
    [
        ("feed.json", "auto", "json"),
        ("feed.NDJSON", "auto", "ndjson"),
        ("feed.jsonl", "auto", "ndjson"),
        ("feed.csv", "auto", "csv"),
        ("feed.txt", "csv", "csv"),
    ],
)
def test_detect_format(name: str, requested: FormatChoice, expected: FeedFormat) -> None:
    """By extension when `auto`; an explicit format wins."""
    assert uploads.detect_format(Path(name), requested) == expected


def test_detect_format_asks_for_format_when_the_extension_says_nothing() -> None:
    """An unknown extension is an error that names the option."""
    with pytest.raises(ValueError, match="--format"):
        uploads.detect_format(Path("feed.txt"))


def test_resolve_url_prefers_the_option_then_stack_json_then_the_default(tmp_path: Path) -> None:
    """The dev stack's registry URL comes from `$LCN_STATE_DIR/stack.json`."""
    environ = {"LCN_STATE_DIR": str(tmp_path)}
    assert feeds.resolve_url(None, environ=environ) == "http://127.0.0.1:8001"
    (tmp_path / "stack.json").write_text(json.dumps({"services": {"registry": "http://127.0.0.1:9101/"}}))
    assert feeds.resolve_url(None, environ=environ) == "http://127.0.0.1:9101"
    assert feeds.resolve_url("http://registry.example:80", environ=environ) == "http://registry.example:80"


def test_resolve_key_prefers_the_option_then_lcn_api_key_then_the_feed_key_in_credentials(tmp_path: Path) -> None:
    """The dev stack's feed key of the same source is the last resort."""
    credentials = {"feeds": [{"source": "techniekpact", "key": "lcn_tp"}, {"source": "katapult", "key": "lcn_kat"}]}
    (tmp_path / "credentials.json").write_text(json.dumps(credentials))
    environ = {"LCN_STATE_DIR": str(tmp_path)}
    assert feeds.resolve_key(None, source="katapult", environ=environ) == "lcn_kat"
    assert feeds.resolve_key(None, source="katapult", environ=environ | {"LCN_API_KEY": "lcn_env"}) == "lcn_env"
    assert feeds.resolve_key("lcn_option", source="katapult", environ=environ | {"LCN_API_KEY": "x"}) == "lcn_option"


def test_resolve_key_without_any_key_says_how_to_get_one(tmp_path: Path) -> None:
    """No key anywhere: the error names the option, the variable and the command."""
    with pytest.raises(ValueError, match="lcn keys create --role feed --feed-source regional:utrecht"):
        feeds.resolve_key(None, source="regional:utrecht", environ={"LCN_STATE_DIR": str(tmp_path)})


def fake_registry(batch_statuses: list[int]) -> Callable[[httpx.Request], httpx.Response]:
    """A registry that answers each batch with the next status (200 echoes one result per record)."""

    def handle(request: httpx.Request) -> httpx.Response:
        job = {"job_id": "j1", "state": "open", "counts": {"added": 0}}
        if request.url.path.endswith("/jobs"):
            return httpx.Response(201, json=job)
        if request.url.path.endswith("/complete"):
            return httpx.Response(200, json=job | {"state": "completed"})
        if request.url.path.endswith("/cancel"):
            return httpx.Response(200, json=job | {"state": "cancelled"})
        status = batch_statuses.pop(0)
        if status != 200:
            problem = {"title": "Forbidden", "detail": "This key delivers for 'x'."}
            return httpx.Response(status, json=problem, headers={"content-type": "application/problem+json"})
        records = json.loads(request.content)
        results = [{"position": 1, "external_id": record["external_id"], "outcome": "added"} for record in records]
        return httpx.Response(200, json={"job": job | {"counts": {"added": len(records)}}, "results": results})

    return handle


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries without waiting."""
    monkeypatch.setattr(uploads, "RETRY_BACKOFF_SECONDS", 0.0)


@pytest.mark.usefixtures("no_backoff")
def test_import_feed_retries_a_batch_after_5xx_and_completes() -> None:
    """Two 503s, then the batch gets through on the third try."""
    batches = uploads.split_json(json.dumps([create_record("KAT-1"), create_record("KAT-2")]), 1)
    client = httpx.Client(transport=httpx.MockTransport(fake_registry([503, 503, 200, 200])), base_url="http://r")
    run = feeds.import_feed(client, source="katapult", mode="upsert", batches=batches)
    assert run.job["state"] == "completed"
    assert [result["external_id"] for result in run.results] == ["KAT-1", "KAT-2"]
    assert run.records == 2


@pytest.mark.usefixtures("no_backoff")
def test_import_feed_stops_on_4xx_with_the_problem_detail() -> None:
    """A 403 is not retried; the error carries the detail and what got through before it."""
    batches = uploads.split_json(json.dumps([create_record("KAT-1"), create_record("KAT-2")]), 1)
    client = httpx.Client(transport=httpx.MockTransport(fake_registry([200, 403, 200])), base_url="http://r")
    with pytest.raises(FeedImportError, match="HTTP 403 Forbidden: This key delivers for 'x'") as raised:
        feeds.import_feed(client, source="katapult", mode="upsert", batches=batches)
    assert raised.value.run is not None
    assert [result["external_id"] for result in raised.value.run.results] == ["KAT-1"]
    assert raised.value.run.job["state"] == "cancelled"  # the job it gave up on is not left open


@pytest.fixture
async def registry_url(platform: PlatformSettings, tmp_path: Path) -> AsyncIterator[str]:
    """A registry served by `lcn serve` on a real port, for the CLI running as another process."""
    port = free_port()
    command = [sys.executable, "-m", "lcn_shared.cli", "serve", "registry", "--port", str(port)]
    process = spawn(command, tmp_path / "registry.log", env=platform_env(platform))
    url = f"http://127.0.0.1:{port}"
    try:
        await wait_until(lambda: _ready(url, process), timeout=60, what="registry subprocess ready", interval=0.2)
        yield url
    finally:
        stop_process(process)


async def _ready(url: str, process: subprocess.Popen[bytes]) -> bool:
    """True once the registry answers its readiness probe; fails fast if the process died."""
    assert process.poll() is None, f"the registry exited with {process.returncode}"
    try:
        async with httpx.AsyncClient(timeout=2) as client:
            return (await client.get(f"{url}/health/ready")).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture
def katapult_csv(tmp_path: Path) -> Path:
    """Five Katapult records as CSV, the fourth without a kind (malformed), with newlines inside cells."""
    records = [create_record(f"KAT-{index}") for index in range(1, 6)]
    records[3]["kinds"] = ""
    path = tmp_path / "katapult.csv"
    path.write_text(csv_text(records), newline="")
    return path


async def test_acceptance_lcn_feeds_import_imports_a_csv_in_batches_and_reports_the_rejected_row(
    platform: PlatformSettings, api_key: KeyFactory, registry_url: str, katapult_csv: Path, tmp_path: Path
) -> None:
    """The real CLI against a real registry: four records import, the malformed one is rejected with its reason."""
    key = await api_key(Role.FEED, feed_source="katapult")
    report = tmp_path / "results.csv"
    args = ("--source", "katapult", "--url", registry_url, "--key", key, "--batch-size", "2", "--report", str(report))
    code, output = await run_lcn(platform, "feeds", "import", str(katapult_csv), *args, "--allow-rejected")
    assert code == 0, output
    assert "rejected records (1)" in output
    assert "kinds" in output
    [(state, counts, received)] = await fetch(
        platform, "registry", "SELECT state, counts, received FROM import_job WHERE feed_source = 'katapult'"
    )
    assert (state, json.loads(counts)["added"], json.loads(counts)["rejected"], received) == ("completed", 4, 1, 5)
    rows = list(csv.DictReader(report.open(newline="")))
    assert [(row["external_id"], row["outcome"]) for row in rows] == [
        ("KAT-1", "added"),
        ("KAT-2", "added"),
        ("KAT-3", "added"),
        ("KAT-4", "rejected"),
        ("KAT-5", "added"),
    ]
    [(description,)] = await fetch(platform, "registry", "SELECT description FROM community LIMIT 1")
    assert description == create_record("X")["description"]


async def test_acceptance_lcn_feeds_import_stops_with_exit_1_and_the_problem_when_the_key_is_refused(
    platform: PlatformSettings, api_key: KeyFactory, registry_url: str, katapult_csv: Path
) -> None:
    """A Techniekpact key may not deliver for Katapult: 403, its detail on the console, exit code 1."""
    key = await api_key(Role.FEED, feed_source="techniekpact")
    args = ("--source", "katapult", "--url", registry_url, "--key", key)
    code, output = await run_lcn(platform, "feeds", "import", str(katapult_csv), *args)
    assert code == 1, output
    assert "HTTP 403" in output
    assert "techniekpact" in output


def test_split_csv_reads_a_semicolon_or_tab_file_alike_and_sends_every_batch_comma_separated() -> None:
    """The delimiter is detected once for the whole file, so the second batch is read as the first."""
    records = [create_record(f"KAT-{index}", description="een, twee; drie") for index in range(3)]
    for delimiter in (";", "\t"):
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(records[0]), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(records)
        batches = uploads.split_csv(buffer.getvalue(), 2)
        read_back = [row for batch in batches for row in csv.DictReader(io.StringIO(batch.body.decode(), newline=""))]
        assert read_back == records


def test_read_feed_reads_a_windows_1252_file_with_a_bom_and_keeps_bad_bytes_for_the_registry(tmp_path: Path) -> None:
    """Windows-1252 (with a stray UTF-8 BOM) is sent as UTF-8; in a UTF-8 file a bad byte travels on as it was."""
    path = tmp_path / "brabant.csv"
    path.write_bytes(b"\xef\xbb\xbfexternal_id;naam\r\nB-1;Co\xf6peratie Ide\xebn\r\n")
    [batch] = feeds.read_feed(path, "auto", 10)
    assert batch.body.decode() == "external_id,naam\r\nB-1,Coöperatie Ideën\r\n"
    path.write_bytes(b"external_id,naam\nB-1,Zo\xc3\xab\nB-2,Slecht \xff\n")
    [batch] = feeds.read_feed(path, "auto", 10)
    assert batch.body == b"external_id,naam\r\nB-1,Zo\xc3\xab\r\nB-2,Slecht \xff\r\n"


def rejecting_registry(requests: list[httpx.Request]) -> Callable[[httpx.Request], httpx.Response]:
    """A registry that rejects every record it is sent, with a hint, and records the requests."""

    def handle(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        job = {"job_id": "j1", "state": "open", "counts": {"rejected": 0}}
        if request.url.path.endswith("/jobs"):
            return httpx.Response(201, json=job)
        if request.url.path.endswith("/complete"):
            return httpx.Response(200, json=job | {"state": "completed"})
        rows = list(csv.DictReader(io.StringIO(request.content.decode())))
        results = [
            {"position": index + 1, "external_id": None, "outcome": "rejected", "reason": "name: Field required"}
            for index, _ in enumerate(rows)
        ]
        answer = {"job": job | {"counts": {"rejected": len(rows)}}, "results": results, "hint": "no mapping: naam"}
        return httpx.Response(200, json=answer)

    return handle


@pytest.mark.parametrize(("extra", "code"), [((), 1), (("--allow-rejected",), 0)])
def test_acceptance_cli_exits_non_zero_when_records_were_rejected_unless_allowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: tuple[str, ...], code: int
) -> None:
    """Acceptance (feeds in their own format): rejected records make `lcn feeds import` exit 1, with the
    registry's hint; --allow-rejected exits 0."""
    requests: list[httpx.Request] = []
    transport = httpx.MockTransport(rejecting_registry(requests))
    monkeypatch.setattr(feeds, "registry_client", lambda url, key: httpx.Client(transport=transport, base_url=url))
    path = tmp_path / "katapult.csv"
    path.write_text("external_id,naam\nK-1,Lab\n")
    result = CliRunner().invoke(feeds.app, ["import", str(path), "--source", "katapult", "--key", "k", *extra])
    assert result.exit_code == code, result.output
    assert "hint: no mapping: naam" in result.output
    assert requests[0].headers["Idempotency-Key"].startswith("lcn-feeds-import-")


@pytest.fixture
def flaky_batches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Retries without waiting; the number of batch requests still to fail with a 503 (set by the test)."""
    monkeypatch.setattr(uploads, "RETRY_BACKOFF_SECONDS", 0.0)
    return [0]


class FlakyTransport(httpx.HTTPTransport):
    """A real transport that loses the first answer to a job's opening and fails batches while told to."""

    def __init__(self, failing_batches: list[int]) -> None:
        super().__init__()
        self.failing_batches = failing_batches
        self.opened = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Pass the request on, except for the failures it is set up for."""
        if request.url.path.endswith("/records") and self.failing_batches[0] > 0:
            self.failing_batches[0] -= 1
            return httpx.Response(503, json={"title": "Service Unavailable", "detail": "try again"})
        response = super().handle_request(request)
        if request.url.path.endswith("/jobs") and request.method == "POST":
            self.opened += 1
            if self.opened == 1:
                response.read()
                raise httpx.ReadTimeout("the answer was lost", request=request)
        return response


async def test_acceptance_a_failing_then_succeeding_run_leaves_no_open_job(
    platform: PlatformSettings, api_key: KeyFactory, registry_url: str, flaky_batches: list[int]
) -> None:
    """Acceptance (rows fail alone): the lost answer to opening a job is retried onto the same job; a run that
    gives up cancels its job; the next run completes. No job of the source is left open."""
    key = await api_key(Role.FEED, feed_source="katapult")
    batches = uploads.split_json(json.dumps([create_record("KAT-1"), create_record("KAT-2")]), 1)
    transport = FlakyTransport(flaky_batches)
    with httpx.Client(transport=transport, base_url=registry_url, headers={"Authorization": f"Bearer {key}"}) as client:
        flaky_batches[0] = uploads.TRIES  # every try of the first batch fails: the run gives up
        with pytest.raises(FeedImportError, match="gave up after 3 tries") as raised:
            feeds.import_feed(client, source="katapult", mode="upsert", batches=batches)
        assert raised.value.run is not None
        assert raised.value.run.job["state"] == "cancelled"
        flaky_batches[0] = 1  # one failure, then the retry gets through
        run = feeds.import_feed(client, source="katapult", mode="upsert", batches=batches)
    assert run.job["state"] == "completed"
    assert [result["outcome"] for result in run.results] == ["added", "added"]
    jobs = await fetch(platform, "registry", "SELECT state FROM import_job WHERE feed_source = 'katapult'")
    assert sorted(row["state"] for row in jobs) == ["cancelled", "completed"]  # the lost answer opened no third


async def test_acceptance_dry_run_prints_the_rows_as_read_through_a_mapping_and_imports_nothing(
    platform: PlatformSettings, api_key: KeyFactory, registry_url: str, tmp_path: Path
) -> None:
    """Acceptance (feeds in their own format): `--dry-run --mapping` shows the first rows of a semicolon,
    Windows-1252 file as the registry reads them through a mapping not yet stored; no job, no community."""
    key = await api_key(Role.FEED, feed_source="katapult")
    path = tmp_path / "katapult.csv"
    path.write_bytes(
        b"external_id;naam;type;plaats;provincie\r\n"
        b"K-1;Skillslab Ide\xebn;Skills lab;Helmond;N-Brabant\r\n"
        b"K-2;Fieldlab Co\xf6peratie;Veldlab;Assen;Drenthe\r\n"
        b"K-3;Niet Meer Getoond;Fieldlab;Assen;Drenthe\r\n"
    )
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps(
            {
                "columns": {"naam": "name", "type": "kinds", "plaats": "municipality", "provincie": "province"},
                "values": {"kinds": {"Veldlab": "fieldlab"}, "province": {"N-Brabant": "noord-brabant"}},
            }
        )
    )
    args = ("--source", "katapult", "--url", registry_url, "--key", key, "--dry-run", "--rows", "2")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "lcn_shared.cli",
        "feeds",
        "import",
        str(path),
        *args,
        "--mapping",
        str(mapping),
        env=platform_env(platform, COLUMNS="200"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output = (await process.communicate())[0].decode()
    assert process.returncode == 0, output
    assert "name: Skillslab Ideën" in output
    assert "name: Fieldlab Coöperatie" in output
    assert "kinds: fieldlab" in output
    assert "province: noord-brabant" in output
    assert "Niet Meer Getoond" not in output
    assert "dry run: nothing was imported" in output
    for table in ("import_job", "community", "feed_mapping"):
        [(count,)] = await fetch(platform, "registry", f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
        assert count == 0, table


def test_lcn_feeds_mapping_put_creates_then_changes_the_mapping_with_the_right_precondition(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`lcn feeds mapping put`: If-None-Match: * when the source has none, If-Match with the ETag read after."""
    stored: list[dict[str, Any]] = []
    seen: list[dict[str, str]] = []

    def handle(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            if not stored:
                return httpx.Response(404, json={"title": "Not Found", "detail": "no mapping"})
            return httpx.Response(200, json=stored[-1], headers={"ETag": f'"{stored[-1]["version"]}"'})
        seen.append({name: request.headers[name] for name in ("If-Match", "If-None-Match") if name in request.headers})
        stored.append({"version": len(stored) + 1, "mapping": json.loads(request.content)})
        return httpx.Response(201 if len(stored) == 1 else 200, json=stored[-1])

    transport = httpx.MockTransport(handle)
    monkeypatch.setattr(feeds, "registry_client", lambda url, key: httpx.Client(transport=transport, base_url=url))
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps({"columns": {"naam": "name"}}))
    for version in (1, 2):
        result = CliRunner().invoke(feeds.app, ["mapping", "put", str(path), "--source", "katapult", "--key", "k"])
        assert result.exit_code == 0, result.output
        assert f"katapult: mapping version {version} stored" in result.output
    assert seen == [{"If-None-Match": "*"}, {"If-Match": '"1"'}]
    shown = CliRunner().invoke(feeds.app, ["mapping", "show", "--source", "katapult", "--key", "k"])
    assert json.loads(shown.output)["mapping"] == {"columns": {"naam": "name"}}
