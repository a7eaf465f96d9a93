"""`lcn feeds import`, the registry's `lcn` plugin: deliver a feed file as an import job of batches, with progress."""

from __future__ import annotations

import base64
import contextlib
import csv
import io
import json
import os
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, get_args

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from lcn_registry.feeds.formats import decode, sniff_delimiter
from lcn_registry.feeds.wire import COUNTED, MEDIA_TYPES, FeedFormat, ImportMode, Outcome
from lcn_registry.plugin import SERVICE

app = typer.Typer(no_args_is_help=True)
T = TypeVar("T")
# What the client sends: the first media type the server lists for each format.
SENT_MEDIA_TYPES: dict[FeedFormat, str] = {
    feed_format: media_type for media_type, feed_format in reversed(MEDIA_TYPES.items())
}
EXTENSIONS: dict[str, FeedFormat] = {".json": "json", ".ndjson": "ndjson", ".jsonl": "ndjson", ".csv": "csv"}
LIVE_COUNTS: tuple[Outcome, ...] = get_args(Outcome)
FormatChoice = Literal["auto", FeedFormat]
RESULT_COLUMNS = ("position", "external_id", "outcome", "reason", "community_id", "link")
TRIES = 3
RETRY_BACKOFF_SECONDS = 0.5
REJECTIONS_SHOWN = 20
PREVIEW_FIELDS_SHOWN = 10
mapping_app = typer.Typer(no_args_is_help=True)
app.add_typer(mapping_app, name="mapping", help="A source's mapping: its own column names, separators and spellings.")
# Matching a batch of a thousand records against a large registry takes seconds, not milliseconds.
TIMEOUT = httpx.Timeout(120.0, connect=10.0)


@dataclass(frozen=True)
class FeedBatch:
    """Part of a feed file, encoded in the file's own format, and how many records it holds."""

    body: bytes
    records: int
    media_type: str


@dataclass
class ImportRun:
    """An import job as the client saw it: the job's last state, every record's result, and the time taken."""

    source: str
    job: dict[str, Any] = field(default_factory=dict)
    results: list[dict[str, Any]] = field(default_factory=list)
    records: int = 0
    seconds: float = 0.0
    hints: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        """Records the registry rejected."""
        return sum(result.get("outcome") == "rejected" for result in self.results)

    @property
    def records_per_second(self) -> float:
        """Records delivered per second of the whole job."""
        return self.records / self.seconds if self.seconds > 0 else 0.0


class FeedImportError(Exception):
    """A delivery the registry refused (4xx) or could not take after retries; `run` holds what got through."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.run: ImportRun | None = None


def detect_format(path: Path, requested: FormatChoice = "auto") -> FeedFormat:
    """The requested format, or the one the file's extension names."""
    if requested != "auto":
        return requested
    suffix = path.suffix.lower()
    if suffix not in EXTENSIONS:
        raise ValueError(f"cannot tell the format of {path.name}; pass --format json, ndjson or csv")
    return EXTENSIONS[suffix]


def read_feed(path: Path, feed_format: FormatChoice, batch_size: int) -> list[FeedBatch]:
    """A feed file split into batches: read in its own encoding (UTF-8 with or without a BOM, or Windows-1252)
    as the registry would, and sent as UTF-8; newlines inside CSV cells are kept as written."""
    return split_feed(decode(path.read_bytes()).text, detect_format(path, feed_format), batch_size)


def _encoded(text: str) -> bytes:
    """Text as UTF-8; bytes that were no text in the file travel on as they were, for the registry to reject."""
    return text.encode("utf-8", errors="surrogateescape")


def split_feed(text: str, feed_format: FeedFormat, batch_size: int) -> list[FeedBatch]:
    """Batches of at most `batch_size` records, each a valid delivery in the same format."""
    splitters = {"json": split_json, "ndjson": split_ndjson, "csv": split_csv}
    return splitters[feed_format](text, batch_size)


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def split_json(text: str, batch_size: int) -> list[FeedBatch]:
    """A JSON array (or `{"records": [...]}`) as arrays of `batch_size`; non-objects travel on to be rejected."""
    document = json.loads(text)
    if isinstance(document, dict) and isinstance(document.get("records"), list):
        document = document["records"]
    if not isinstance(document, list):
        raise ValueError('a JSON feed is an array of records or {"records": [...]}')
    return [
        FeedBatch(_encoded(json.dumps(list(chunk), ensure_ascii=False)), len(chunk), SENT_MEDIA_TYPES["json"])
        for chunk in _chunks(document, batch_size)
    ]


def split_ndjson(text: str, batch_size: int) -> list[FeedBatch]:
    """Non-blank lines in groups of `batch_size`; a broken line travels on and is rejected on its own."""
    lines = [line for line in text.split("\n") if line.strip()]
    media_type = SENT_MEDIA_TYPES["ndjson"]
    return [
        FeedBatch(_encoded("\n".join(chunk) + "\n"), len(chunk), media_type) for chunk in _chunks(lines, batch_size)
    ]


def split_csv(text: str, batch_size: int) -> list[FeedBatch]:
    """The header plus `batch_size` rows per batch, re-quoted by the csv module so quoted newlines survive.

    The file's delimiter (comma, semicolon or tab) is detected once, as the registry does, so that every
    batch is read alike; each is sent comma-separated."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    rows = [row for row in reader if row]  # the server skips blank lines too
    if not rows:
        raise ValueError("a CSV feed starts with a header row")
    header, records = rows[0], rows[1:]
    batches = []
    for chunk in _chunks(records, batch_size):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(chunk)
        batches.append(FeedBatch(_encoded(buffer.getvalue()), len(chunk), SENT_MEDIA_TYPES["csv"] + "; charset=utf-8"))
    return batches


def _state_dir(environ: Mapping[str, str]) -> Path:
    """Where `lcn dev` keeps stack.json and credentials.json."""
    return Path(environ.get("LCN_STATE_DIR", ".lcn"))


def _state_file(environ: Mapping[str, str], name: str) -> dict[str, Any]:
    """A JSON file of the state directory, or nothing when it is missing or unreadable."""
    try:
        document = json.loads((_state_dir(environ) / name).read_text())
    except (OSError, ValueError):
        return {}
    return document if isinstance(document, dict) else {}


def resolve_url(url: str | None, *, environ: Mapping[str, str] = os.environ) -> str:
    """`--url`, else the registry of the running dev stack (stack.json), else the default port."""
    if url:
        return url.rstrip("/")
    registry = _state_file(environ, "stack.json").get("services", {}).get(SERVICE.name)
    return str(registry).rstrip("/") if registry else f"http://127.0.0.1:{SERVICE.default_port}"


def resolve_key(key: str | None, *, source: str, environ: Mapping[str, str] = os.environ) -> str:
    """`--key`, else `LCN_API_KEY`, else the dev stack's feed key for `source` (credentials.json)."""
    if key or environ.get("LCN_API_KEY"):
        return key or environ["LCN_API_KEY"]
    for feed in _state_file(environ, "credentials.json").get("feeds", []):
        if isinstance(feed, dict) and feed.get("source") == source and feed.get("key"):
            return str(feed["key"])
    raise ValueError(
        f"no API key for {source}: pass --key, set LCN_API_KEY, or issue one with "
        f"`lcn keys create --role feed --feed-source {source}`"
    )


def registry_client(url: str, key: str) -> httpx.Client:
    """An HTTP client for the registry's feed API, authenticated with `key`."""
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=TIMEOUT)


def problem_message(response: httpx.Response) -> str:
    """`HTTP 403 Forbidden: detail` from a problem+json (or any) error response."""
    try:
        problem = response.json()
    except ValueError:
        problem = {}
    if not isinstance(problem, dict):
        problem = {}
    title = problem.get("title") or response.reason_phrase
    detail = problem.get("detail") or response.text[:300]
    return f"HTTP {response.status_code} {title}: {detail}"


def _post(client: httpx.Client, path: str, **request: Any) -> dict[str, Any]:
    """POST, trying up to three times on connection errors and 5xx (batches are idempotent); a 4xx stops."""
    for attempt in range(1, TRIES + 1):
        try:
            response = client.post(path, **request)
        except httpx.TransportError as error:
            problem, status = f"{type(error).__name__}: {error or 'no response'}", None
        else:
            if response.is_success:
                return dict(response.json())
            problem, status = problem_message(response), response.status_code
            if response.status_code < 500:
                raise FeedImportError(problem, status=status)
        if attempt < TRIES:
            time.sleep(RETRY_BACKOFF_SECONDS * 2 ** (attempt - 1))
    raise FeedImportError(f"gave up after {TRIES} tries: {problem}", status=status)


def _complete(client: httpx.Client, source: str, job_id: str, *, confirm_withdrawals: bool = False) -> dict[str, Any]:
    """Complete the job (a snapshot over the safeguard comes back `held` unless confirmed); a 409 after a
    retried completion means the first attempt got through."""
    path = f"/v1/feeds/{source}/jobs/{job_id}"
    try:
        return _post(client, f"{path}/complete", params={"confirm_withdrawals": confirm_withdrawals})
    except FeedImportError as error:
        job = client.get(path).json() if error.status == 409 else {}
        if job.get("state") == "completed":
            return dict(job)
        raise


def import_feed(
    client: httpx.Client,
    *,
    source: str,
    mode: ImportMode,
    batches: Sequence[FeedBatch],
    on_batch: Callable[[int, dict[str, Any]], None] | None = None,
    confirm_withdrawals: bool = False,
) -> ImportRun:
    """Open a job, deliver the batches in order, complete it; `on_batch(records, job)` follows each batch."""
    run, started = ImportRun(source), time.perf_counter()
    try:
        # A retried open (its answer lost) gets the same job back instead of leaving another one open.
        opening = {"Idempotency-Key": f"lcn-feeds-import-{uuid.uuid4()}"}
        run.job = _post(client, f"/v1/feeds/{source}/jobs", json={"mode": mode}, headers=opening)
        for batch in batches:
            path = f"/v1/feeds/{source}/jobs/{run.job['job_id']}/records"
            answer = _post(client, path, content=batch.body, headers={"Content-Type": batch.media_type})
            run.job, run.records = answer["job"], run.records + batch.records
            run.results.extend(answer["results"])
            if answer.get("hint") and answer["hint"] not in run.hints:
                run.hints.append(answer["hint"])
            if on_batch is not None:
                on_batch(batch.records, run.job)
        run.job = _complete(client, source, run.job["job_id"], confirm_withdrawals=confirm_withdrawals)
    except FeedImportError as error:
        _cancel(client, run)
        error.run = run
        raise
    finally:
        run.seconds = time.perf_counter() - started
    return run


def _cancel(client: httpx.Client, run: ImportRun) -> None:
    """Close a job the client gives up on, so that no open job is left behind (it stays open if even that fails)."""
    if run.job.get("state") != "open":
        return
    with contextlib.suppress(FeedImportError):
        run.job = _post(client, f"/v1/feeds/{run.source}/jobs/{run.job['job_id']}/cancel")


def write_results(results: Sequence[Mapping[str, Any]], path: Path) -> None:
    """Every record's result as CSV, in delivery order."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=RESULT_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows({name: result.get(name) or "" for name in RESULT_COLUMNS} for result in results)


class RateColumn(ProgressColumn):
    """Records per second."""

    def render(self, task: Task) -> Text:
        """The task's speed in records per second."""
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} records/s" if speed else "- records/s", style="progress.data.speed")


def _live_counts(job: Mapping[str, Any]) -> str:
    """`added 10  updated 2  ...` from a job's counts."""
    counts = job.get("counts", {})
    return "  ".join(f"{name} {counts.get(name, 0):,}" for name in LIVE_COUNTS)


def _progress_bar(console: Console) -> Progress:
    """A bar with records done/total, rate, ETA and the job's counts so far."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), RateColumn())
    return Progress(*columns, TimeRemainingColumn(), TextColumn("{task.fields[counts]}"), console=console)


def _summary(run: ImportRun) -> Table:
    """The job's state and counts, and how fast it went."""
    counts = run.job.get("counts", {})
    table = Table("", "", title=f"{run.source}: job {run.job.get('job_id', '-')}", show_header=False)
    table.add_row("state", str(run.job.get("state", "-")))
    table.add_row("mode", str(run.job.get("mode", "-")))
    table.add_row("records delivered", f"{run.records:,}")
    labels = {"linked": "linked to an existing community", "review": "queued for review"}
    for name in COUNTED:
        table.add_row(labels.get(name, name.replace("_", " ")), f"{counts.get(name, 0):,}")
    table.add_row("time", f"{run.seconds:.1f} s ({run.records_per_second:,.0f} records/s)")
    return table


def _rejections(results: Sequence[Mapping[str, Any]]) -> Table | None:
    """The first rejected records with their reasons, or nothing when none was rejected."""
    rejected = [result for result in results if result.get("outcome") == "rejected"]
    if not rejected:
        return None
    more = len(rejected) - REJECTIONS_SHOWN
    caption = f"{more:,} more rejected; --report writes them all" if more > 0 else None
    table = Table("position", "external id", "reason", title=f"rejected records ({len(rejected):,})", caption=caption)
    for result in rejected[:REJECTIONS_SHOWN]:
        table.add_row(str(result.get("position")), str(result.get("external_id") or "-"), str(result.get("reason")))
    return table


def preview_feed(
    client: httpx.Client, *, source: str, batch: FeedBatch, mapping: dict[str, Any] | None, rows: int
) -> dict[str, Any]:
    """The registry's dry run of a batch: its records read, mapped and validated, nothing written."""
    body = {"content_type": batch.media_type, "content": base64.b64encode(batch.body).decode(), "mapping": mapping}
    return _post(client, f"/v1/feeds/{source}/preview", params={"limit": rows}, json=body)


def _shown(value: Any) -> str:
    """A field's value in a table cell: lists joined, partners as `Name (role)`."""
    if isinstance(value, list):
        return "; ".join(_shown(item) for item in value)
    if isinstance(value, dict) and "name" in value:
        return f"{value['name']} ({value.get('role') or 'partner'})"
    return str(value)


def preview_table(source: str, answer: Mapping[str, Any]) -> Table:
    """The previewed records as the registry reads them, each with what an import would do."""
    version = answer.get("mapping_version")
    through = f"mapping version {version}" if version else "the mapping sent" if answer.get("sent") else "no mapping"
    table = Table(
        "position",
        "outcome",
        "the record as the registry reads it",
        "reason",
        title=f"{source}: {len(answer['rows'])} of {answer['received']:,} records, read through {through}",
        caption="dry run: nothing was imported",
        show_lines=True,
    )
    for row in answer["rows"]:
        record = row.get("record") or row.get("mapped") or row.get("raw") or {}
        fields = [f"{name}: {_shown(value)}" for name, value in record.items() if value not in (None, [], "", False)]
        table.add_row(
            str(row["position"]), row["outcome"], "\n".join(fields[:PREVIEW_FIELDS_SHOWN]), row.get("reason") or ""
        )
    return table


def deliver_with_progress(
    client: httpx.Client,
    *,
    source: str,
    mode: ImportMode,
    batches: Sequence[FeedBatch],
    console: Console,
    confirm_withdrawals: bool = False,
) -> ImportRun:
    """`import_feed` with a live progress bar on `console`."""
    with _progress_bar(console) as progress:
        task = progress.add_task(source, total=sum(batch.records for batch in batches), counts="")
        return import_feed(
            client,
            source=source,
            mode=mode,
            batches=batches,
            on_batch=lambda records, job: progress.update(task, advance=records, counts=_live_counts(job)),
            confirm_withdrawals=confirm_withdrawals,
        )


def held_message(job: Mapping[str, Any]) -> str:
    """What a held snapshot would withdraw, and the two ways on: confirm it, or cancel it."""
    held = job.get("would_withdraw") or {}
    shown = ", ".join(record["external_id"] for record in held.get("data", [])[:REJECTIONS_SHOWN])
    more = held.get("count", 0) - min(len(held.get("data", [])), REJECTIONS_SHOWN)
    return (
        f"The snapshot was held, nothing was withdrawn: {held.get('reason', '')}\n"
        f"It would withdraw {held.get('count', 0):,} records: {shown}{f' and {more:,} more' if more > 0 else ''}.\n"
        "To apply it, import again with --confirm-withdrawals (delivering the file again is safe). "
        f"Through the API: {held.get('confirm', '')}"
    )


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="The feed file.")],
    source: Annotated[str, typer.Option(help="The feed source: katapult, techniekpact, regional:utrecht, ...")],
    mode: Annotated[ImportMode, typer.Option(help="snapshot: records missing from the file get withdrawn.")] = "upsert",
    feed_format: Annotated[FormatChoice, typer.Option("--format", help="auto: by extension.")] = "auto",
    batch_size: Annotated[int, typer.Option(min=1, max=10_000, help="Records per request.")] = 500,
    url: Annotated[str | None, typer.Option(help="The registry (default: .lcn/stack.json, else port 8001).")] = None,
    key: Annotated[str | None, typer.Option(help="API key (default: LCN_API_KEY, else .lcn/credentials.json).")] = None,
    report: Annotated[Path | None, typer.Option(help="Write every record's result to this CSV file.")] = None,
    confirm_withdrawals: Annotated[
        bool,
        typer.Option(help="Apply a snapshot that would withdraw more than the registry's limit (else it is held)."),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show how the registry reads the first rows; import nothing.")
    ] = False,
    mapping: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="With --dry-run: try this mapping (JSON), not the stored one."),
    ] = None,
    rows: Annotated[int, typer.Option(min=1, max=200, help="With --dry-run: how many rows to show.")] = 10,
    allow_rejected: Annotated[
        bool, typer.Option("--allow-rejected", help="Exit 0 even when records were rejected.")
    ] = False,
) -> None:
    """Deliver a feed file (JSON, NDJSON or CSV) to the registry in batches.

    Exit 1 unless the job completes with no record rejected (--allow-rejected: rejected records are fine).
    The record format (every field, the CSV layout, mappings) is in docs/feeds.md and in the registry's
    OpenAPI document (schema FeedRecord). A file with its own column names and spellings imports through
    the source's mapping (`lcn feeds mapping put`); --dry-run shows how the registry reads the first rows.
    """
    console, errors = Console(), Console(stderr=True)
    try:
        if mapping is not None and not dry_run:
            raise ValueError("--mapping tries a mapping with --dry-run; store one with `lcn feeds mapping put`")
        batches = read_feed(file, feed_format, rows if dry_run else batch_size)
        api_key = resolve_key(key, source=source)
        tried = _json_file(mapping) if mapping is not None else None
    except (ValueError, UnicodeDecodeError) as error:
        errors.print(f"[red]error:[/red] {error}")
        raise typer.Exit(1) from error
    if dry_run:
        raise typer.Exit(_dry_run(resolve_url(url), api_key, source, batches, tried, rows, allow_rejected))
    run, failure = ImportRun(source), None
    with registry_client(resolve_url(url), api_key) as client:
        try:
            run = deliver_with_progress(
                client,
                source=source,
                mode=mode,
                batches=batches,
                console=console,
                confirm_withdrawals=confirm_withdrawals,
            )
        except FeedImportError as error:
            run, failure = error.run or run, error
    if run.job:
        console.print(_summary(run))
    if (rejections := _rejections(run.results)) is not None:
        console.print(rejections)
    for hint in run.hints:
        console.print(f"[yellow]hint:[/yellow] {hint}", highlight=False)
    if report is not None:
        write_results(run.results, report)
        console.print(f"results: {report}")
    if failure is not None:
        errors.print(f"[red]import failed:[/red] {failure}")
        if run.job.get("state") == "open":
            errors.print("The job stays open; delivering the file again is safe (records are idempotent).")
        raise typer.Exit(1)
    if run.job.get("state") == "held":
        errors.print(f"[yellow]held:[/yellow] {held_message(run.job)}", highlight=False)
        raise typer.Exit(1)
    if run.rejected and not allow_rejected:
        errors.print(f"[red]{run.rejected:,} records were rejected[/red]; --allow-rejected exits 0 all the same.")
        raise typer.Exit(1)


def _json_file(path: Path) -> dict[str, Any]:
    """A JSON object from a file (a mapping)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as error:
        raise ValueError(f"{path.name} is not a JSON file: {error}") from error
    if not isinstance(document, dict):
        raise ValueError(f"{path.name} holds no JSON object")
    return document


def _dry_run(
    url: str,
    api_key: str,
    source: str,
    batches: Sequence[FeedBatch],
    mapping: dict[str, Any] | None,
    rows: int,
    allow_rejected: bool,
) -> int:
    """Show the first rows as the registry reads them; the exit code says whether any would be rejected."""
    console, errors = Console(), Console(stderr=True)
    if not batches:
        errors.print("[red]error:[/red] the file holds no records")
        return 1
    with registry_client(url, api_key) as client:
        try:
            answer = preview_feed(client, source=source, batch=batches[0], mapping=mapping, rows=rows)
        except FeedImportError as error:
            errors.print(f"[red]dry run failed:[/red] {error}")
            return 1
    console.print(preview_table(source, answer | {"sent": mapping is not None}))
    if answer.get("hint"):
        console.print(f"[yellow]hint:[/yellow] {answer['hint']}", highlight=False)
    rejected = answer.get("counts", {}).get("rejected", 0)
    return 1 if rejected and not allow_rejected else 0


SourceOption = Annotated[str, typer.Option(help="The feed source: katapult, techniekpact, regional:utrecht, ...")]
UrlOption = Annotated[str | None, typer.Option(help="The registry (default: .lcn/stack.json, else port 8001).")]
KeyOption = Annotated[str | None, typer.Option(help="API key (default: LCN_API_KEY, else .lcn/credentials.json).")]


def _mapping_client(url: str | None, key: str | None, source: str) -> httpx.Client:
    """A client for the source's mapping; exit 1 with the reason when there is no key."""
    try:
        return registry_client(resolve_url(url), resolve_key(key, source=source))
    except ValueError as error:
        Console(stderr=True).print(f"[red]error:[/red] {error}")
        raise typer.Exit(1) from error


@mapping_app.command("show")
def show_mapping(source: SourceOption, url: UrlOption = None, key: KeyOption = None) -> None:
    """Print the source's current mapping (JSON)."""
    with _mapping_client(url, key, source) as client:
        response = client.get(f"/v1/feeds/{source}/mapping")
    if not response.is_success:
        Console(stderr=True).print(f"[red]error:[/red] {problem_message(response)}", highlight=False)
        raise typer.Exit(1)
    typer.echo(json.dumps(response.json(), indent=2, ensure_ascii=False))


@mapping_app.command("put")
def put_mapping(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="The mapping (JSON).")],
    source: SourceOption,
    url: UrlOption = None,
    key: KeyOption = None,
) -> None:
    """Store the mapping in FILE as the source's next version (imports opened from now on read through it)."""
    errors = Console(stderr=True)
    try:
        document = _json_file(file)
    except ValueError as error:
        errors.print(f"[red]error:[/red] {error}")
        raise typer.Exit(1) from error
    with _mapping_client(url, key, source) as client:
        path = f"/v1/feeds/{source}/mapping"
        current = client.get(path)
        condition = {"If-Match": current.headers["ETag"]} if current.is_success else {"If-None-Match": "*"}
        response = client.put(path, json=document, headers=condition)
    if not response.is_success:
        errors.print(f"[red]error:[/red] {problem_message(response)}", highlight=False)
        raise typer.Exit(1)
    typer.echo(f"{source}: mapping version {response.json()['version']} stored")
