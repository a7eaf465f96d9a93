"""`lcn feeds import`, the registry's `lcn` plugin: deliver a feed file as an import job of batches, with progress."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, get_args

import httpx
import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from lcn_registry.feeds.wire import COUNTED, ImportMode, Outcome
from lcn_registry.plugin import SERVICE
from lcn_shared.cli import uploads
from lcn_shared.cli.uploads import (
    REJECTIONS_SHOWN,
    FormatChoice,
    UploadError,
    find_key,
    live_counts,
    post_json,
    problem_message,
    read_upload,
    rejections_table,
    service_url,
)
from lcn_shared.cli.uploads import UploadBatch as FeedBatch

app = typer.Typer(no_args_is_help=True)
LIVE_COUNTS: tuple[Outcome, ...] = get_args(Outcome)
RESULT_COLUMNS = ("position", "external_id", "outcome", "reason", "community_id", "link")
REJECTION_COLUMNS = {"position": "position", "external id": "external_id", "reason": "reason"}
PREVIEW_FIELDS_SHOWN = 10
mapping_app = typer.Typer(no_args_is_help=True)
app.add_typer(mapping_app, name="mapping", help="A source's mapping: its own column names, separators and spellings.")
# Matching a batch of a thousand records against a large registry takes seconds, not milliseconds.
TIMEOUT = httpx.Timeout(120.0, connect=10.0)


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


class FeedImportError(UploadError):
    """A delivery the registry refused (4xx) or could not take after retries; `run` holds what got through."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message, status=status)
        self.run: ImportRun | None = None


def read_feed(path: Path, feed_format: FormatChoice, batch_size: int) -> list[FeedBatch]:
    """A feed file split into batches, read as the registry reads it."""
    return read_upload(path, feed_format, batch_size)


def resolve_url(url: str | None, *, environ: Mapping[str, str] = os.environ) -> str:
    """`--url`, else the registry of the running dev stack (stack.json), else the default port."""
    return service_url(SERVICE.name, SERVICE.default_port, url, environ=environ)


def resolve_key(key: str | None, *, source: str, environ: Mapping[str, str] = os.environ) -> str:
    """`--key`, else `LCN_API_KEY`, else the dev stack's feed key for `source` (credentials.json)."""
    if (found := find_key(key, environ=environ, source=source)) is not None:
        return found
    raise ValueError(
        f"no API key for {source}: pass --key, set LCN_API_KEY, or issue one with "
        f"`lcn keys create --role feed --feed-source {source}`"
    )


def registry_client(url: str, key: str) -> httpx.Client:
    """An HTTP client for the registry's feed API, authenticated with `key`."""
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=TIMEOUT)


def _post(client: httpx.Client, path: str, **request: Any) -> dict[str, Any]:
    """POST with the uploads' retries (batches are idempotent); failures are FeedImportErrors."""
    return post_json(client, path, error=FeedImportError, **request)


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
    uploads.write_results(results, path, RESULT_COLUMNS)


def _progress_bar(console: Console) -> Progress:
    """A bar with records done/total, rate, ETA and the job's counts so far."""
    return uploads.progress_bar(console)


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
    return rejections_table(results, REJECTION_COLUMNS, option="--report")


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
            on_batch=lambda records, job: progress.update(
                task, advance=records, counts=live_counts(job.get("counts", {}), LIVE_COUNTS)
            ),
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
