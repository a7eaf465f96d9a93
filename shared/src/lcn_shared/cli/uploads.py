"""The client side of a bulk upload (`lcn feeds import`, `lcn monitor reports import`): a file read in its own
encoding and split into batches in its own format, each POSTed with retries, a service and a key found through the
dev stack's state files, a progress bar in records per second, and the results shown and written."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import httpx
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from lcn_shared.deliveries import MEDIA_TYPES, DeliveryFormat, decode, sniff_delimiter

T = TypeVar("T")
FormatChoice = Literal["auto", DeliveryFormat]
EXTENSIONS: dict[str, DeliveryFormat] = {".json": "json", ".ndjson": "ndjson", ".jsonl": "ndjson", ".csv": "csv"}
# What the client sends: the first media type the server lists for each format.
SENT_MEDIA_TYPES: dict[DeliveryFormat, str] = {
    delivery_format: media_type for media_type, delivery_format in reversed(MEDIA_TYPES.items())
}
TRIES = 3
RETRY_BACKOFF_SECONDS = 0.5
REJECTIONS_SHOWN = 20


@dataclass(frozen=True)
class UploadBatch:
    """Part of a file, encoded in the file's own format, and how many records it holds."""

    body: bytes
    records: int
    media_type: str


class UploadError(Exception):
    """A delivery the service refused (4xx) or could not take after retries."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def detect_format(path: Path, requested: FormatChoice = "auto") -> DeliveryFormat:
    """The requested format, or the one the file's extension names."""
    if requested != "auto":
        return requested
    suffix = path.suffix.lower()
    if suffix not in EXTENSIONS:
        raise ValueError(f"cannot tell the format of {path.name}; pass --format json, ndjson or csv")
    return EXTENSIONS[suffix]


def read_upload(path: Path, requested: FormatChoice, batch_size: int) -> list[UploadBatch]:
    """A file split into batches: read in its own encoding (UTF-8 with or without a BOM, or Windows-1252) as the
    service would, and sent as UTF-8; newlines inside CSV cells are kept as written."""
    return split_upload(decode(path.read_bytes()).text, detect_format(path, requested), batch_size)


def split_upload(text: str, delivery_format: DeliveryFormat, batch_size: int) -> list[UploadBatch]:
    """Batches of at most `batch_size` records, each a valid delivery in the same format."""
    splitters = {"json": split_json, "ndjson": split_ndjson, "csv": split_csv}
    return splitters[delivery_format](text, batch_size)


def _encoded(text: str) -> bytes:
    """Text as UTF-8; bytes that were no text in the file travel on as they were, for the service to reject."""
    return text.encode("utf-8", errors="surrogateescape")


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def split_json(text: str, batch_size: int) -> list[UploadBatch]:
    """A JSON array (or `{"records": [...]}`) as arrays of `batch_size`; non-objects travel on to be rejected."""
    document = json.loads(text)
    if isinstance(document, dict) and isinstance(document.get("records"), list):
        document = document["records"]
    if not isinstance(document, list):
        raise ValueError('a JSON file is an array of records or {"records": [...]}')
    return [
        UploadBatch(_encoded(json.dumps(list(chunk), ensure_ascii=False)), len(chunk), SENT_MEDIA_TYPES["json"])
        for chunk in _chunks(document, batch_size)
    ]


def split_ndjson(text: str, batch_size: int) -> list[UploadBatch]:
    """Non-blank lines in groups of `batch_size`; a broken line travels on and is rejected on its own."""
    lines = [line for line in text.split("\n") if line.strip()]
    media_type = SENT_MEDIA_TYPES["ndjson"]
    return [
        UploadBatch(_encoded("\n".join(chunk) + "\n"), len(chunk), media_type) for chunk in _chunks(lines, batch_size)
    ]


def split_csv(text: str, batch_size: int) -> list[UploadBatch]:
    """The header plus `batch_size` rows per batch, re-quoted by the csv module so quoted newlines survive.

    The file's delimiter (comma, semicolon or tab) is detected once, as the service does, so that every
    batch is read alike; each is sent comma-separated."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    rows = [row for row in reader if row]  # the server skips blank lines too
    if not rows:
        raise ValueError("a CSV file starts with a header row")
    header, records = rows[0], rows[1:]
    batches = []
    for chunk in _chunks(records, batch_size):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(chunk)
        batches.append(
            UploadBatch(_encoded(buffer.getvalue()), len(chunk), SENT_MEDIA_TYPES["csv"] + "; charset=utf-8")
        )
    return batches


def state_file(environ: Mapping[str, str], name: str) -> dict[str, Any]:
    """A JSON file of the dev stack's state directory, or nothing when it is missing or unreadable."""
    try:
        document = json.loads((Path(environ.get("LCN_STATE_DIR", ".lcn")) / name).read_text())
    except (OSError, ValueError):
        return {}
    return document if isinstance(document, dict) else {}


def service_url(service: str, default_port: int, url: str | None, *, environ: Mapping[str, str]) -> str:
    """`url`, else the service of the running dev stack (stack.json), else its default port on this machine."""
    if url:
        return url.rstrip("/")
    found = state_file(environ, "stack.json").get("services", {}).get(service)
    return str(found).rstrip("/") if found else f"http://127.0.0.1:{default_port}"


def find_key(
    key: str | None, *, environ: Mapping[str, str], source: str | None = None, role: str | None = None
) -> str | None:
    """`key`, else `LCN_API_KEY`, else the dev stack's (credentials.json): the feed key of `source`, else the key of
    `role`; None when there is none."""
    if key or environ.get("LCN_API_KEY"):
        return key or environ["LCN_API_KEY"]
    credentials = state_file(environ, "credentials.json")
    for feed in credentials.get("feeds", []) if source is not None else []:
        if isinstance(feed, dict) and feed.get("source") == source and feed.get("key"):
            return str(feed["key"])
    found = credentials.get(role) if role is not None else None
    return found if isinstance(found, str) and found else None


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


def post_json(
    client: httpx.Client, path: str, *, error: type[UploadError] = UploadError, **request: Any
) -> dict[str, Any]:
    """POST and return the JSON answer, trying up to three times on connection errors and 5xx (the endpoints
    that take uploads are idempotent); a 4xx stops at once. Failures raise `error`."""
    for attempt in range(1, TRIES + 1):
        try:
            response = client.post(path, **request)
        except httpx.TransportError as failure:
            problem, status = f"{type(failure).__name__}: {failure or 'no response'}", None
        else:
            if response.is_success:
                return dict(response.json())
            problem, status = problem_message(response), response.status_code
            if response.status_code < 500:
                raise error(problem, status=status)
        if attempt < TRIES:
            time.sleep(RETRY_BACKOFF_SECONDS * 2 ** (attempt - 1))
    raise error(f"gave up after {TRIES} tries: {problem}", status=status)


class RateColumn(ProgressColumn):
    """Records per second."""

    def render(self, task: Task) -> Text:
        """The task's speed in records per second."""
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} records/s" if speed else "- records/s", style="progress.data.speed")


def progress_bar(console: Console) -> Progress:
    """A bar with records done of the total, their rate, the time left and the task's `counts` so far."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), RateColumn())
    return Progress(*columns, TimeRemainingColumn(), TextColumn("{task.fields[counts]}"), console=console)


def live_counts(counts: Mapping[str, int], names: Sequence[str]) -> str:
    """`added 10  updated 2  ...`: the counts of `names`, for the progress bar."""
    return "  ".join(f"{name} {counts.get(name, 0):,}" for name in names)


def rejections_table(results: Sequence[Mapping[str, Any]], columns: Mapping[str, str], *, option: str) -> Table | None:
    """The first rejected records with their reasons (`columns`: heading -> field of a result), or nothing when
    none was rejected; `option` is the one that writes them all."""
    rejected = [result for result in results if result.get("outcome") == "rejected"]
    if not rejected:
        return None
    more = len(rejected) - REJECTIONS_SHOWN
    caption = f"{more:,} more rejected; {option} writes them all" if more > 0 else None
    table = Table(title=f"rejected records ({len(rejected):,})", caption=caption)
    for heading in columns:
        table.add_column(heading, overflow="fold")  # ids and reasons shown whole, however narrow the terminal
    for result in rejected[:REJECTIONS_SHOWN]:
        table.add_row(*(str(result.get(name) or "-") for name in columns.values()))
    return table


def write_results(results: Sequence[Mapping[str, Any]], path: Path, columns: Sequence[str]) -> None:
    """Every record's result as CSV, in delivery order."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows({name: result.get(name) or "" for name in columns} for result in results)
