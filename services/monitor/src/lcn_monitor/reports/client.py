"""`lcn monitor reports import`: deliver a programme's file of reports to the monitor in batches, with progress."""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.table import Table

from lcn_monitor.plugin import SERVICE
from lcn_shared.cli.uploads import (
    FormatChoice,
    UploadBatch,
    UploadError,
    find_key,
    live_counts,
    post_json,
    progress_bar,
    read_upload,
    rejections_table,
    service_url,
    write_results,
)

app = typer.Typer(no_args_is_help=True)
DELIVERIES = "/v1/reports/deliveries"
OUTCOMES = ("added", "updated", "unchanged", "rejected")
RESULT_COLUMNS = ("position", "community_id", "period", "outcome", "reason", "report_id")
REJECTION_COLUMNS = {"position": "position", "community": "community_id", "period": "period", "reason": "reason"}
# A batch of a thousand rows is checked and written in a second or two; far longer means something is wrong.
TIMEOUT = httpx.Timeout(120.0, connect=10.0)


@dataclass
class DeliveryRun:
    """A file's delivery as the client saw it: the source, every row's result and the time taken."""

    source: str | None
    counts: Counter[str] = field(default_factory=Counter)
    results: list[dict[str, Any]] = field(default_factory=list)
    records: int = 0
    seconds: float = 0.0

    @property
    def rejected(self) -> int:
        """Rows the monitor rejected."""
        return self.counts["rejected"]

    @property
    def records_per_second(self) -> float:
        """Rows delivered per second of the whole run."""
        return self.records / self.seconds if self.seconds > 0 else 0.0


class DeliveryError(UploadError):
    """A batch the monitor refused (4xx) or could not take after retries; `run` holds what got through."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message, status=status)
        self.run: DeliveryRun | None = None


def resolve_url(url: str | None, *, environ: Mapping[str, str] = os.environ) -> str:
    """`--url`, else the monitor of the running dev stack (stack.json), else its default port."""
    return service_url(SERVICE.name, SERVICE.default_port, url, environ=environ)


def resolve_key(key: str | None, *, source: str | None, environ: Mapping[str, str] = os.environ) -> str:
    """`--key`, else `LCN_API_KEY`, else the dev stack's feed key for `source`, else its coordinator key."""
    if (found := find_key(key, environ=environ, source=source, role="coordinator")) is not None:
        return found
    raise ValueError(
        "no API key: pass --key or set LCN_API_KEY (a programme's feed key, a partner's or a coordinator's key; "
        "issue one with `lcn keys create --role feed --feed-source katapult`)"
    )


def monitor_client(url: str, key: str) -> httpx.Client:
    """An HTTP client for the monitor's API, authenticated with `key`."""
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=TIMEOUT)


def deliver_file(
    client: httpx.Client,
    *,
    source: str | None,
    batches: Sequence[UploadBatch],
    on_batch: Callable[[int, Mapping[str, int]], None] | None = None,
) -> DeliveryRun:
    """Deliver the batches in order (each retried on 5xx: a batch delivered twice leaves its rows unchanged);
    `on_batch(records, counts)` follows each batch. Positions count from the file's first row."""
    run, started = DeliveryRun(source), time.perf_counter()
    params = {"source": source} if source else {}
    try:
        for batch in batches:
            request = {"params": params, "content": batch.body, "headers": {"Content-Type": batch.media_type}}
            answer = post_json(client, DELIVERIES, error=DeliveryError, **request)
            for result in answer["results"]:
                run.results.append(result | {"position": run.records + result["position"]})
            run.source, run.records = answer["source"], run.records + batch.records
            run.counts.update(answer["counts"])
            if on_batch is not None:
                on_batch(batch.records, run.counts)
    except DeliveryError as error:
        error.run = run
        raise
    finally:
        run.seconds = time.perf_counter() - started
    return run


def deliver_with_progress(
    client: httpx.Client, *, source: str | None, batches: Sequence[UploadBatch], console: Console
) -> DeliveryRun:
    """`deliver_file` with a live progress bar (rows per second, the outcomes so far) on `console`."""
    with progress_bar(console) as progress:
        task = progress.add_task(source or "reports", total=sum(batch.records for batch in batches), counts="")
        return deliver_file(
            client,
            source=source,
            batches=batches,
            on_batch=lambda records, counts: progress.update(
                task, advance=records, counts=live_counts(counts, OUTCOMES)
            ),
        )


def _summary(run: DeliveryRun) -> Table:
    """The source, the counts per outcome, and how fast it went."""
    table = Table("", "", title=f"reports delivered as {run.source or '-'}", show_header=False)
    table.add_row("rows delivered", f"{run.records:,}")
    for outcome in OUTCOMES:
        table.add_row(outcome, f"{run.counts[outcome]:,}")
    table.add_row("time", f"{run.seconds:.1f} s ({run.records_per_second:,.0f} rows/s)")
    return table


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="The reports file.")],
    source: Annotated[
        str | None,
        typer.Option(help="Deliver as this source (katapult, ...): a feed key's own; a coordinator's choice."),
    ] = None,
    url: Annotated[str | None, typer.Option(help="The monitor (default: .lcn/stack.json, else port 8002).")] = None,
    key: Annotated[
        str | None,
        typer.Option(
            help="API key (default: LCN_API_KEY, else .lcn/credentials.json: --source's feed key or the coordinator's)."
        ),
    ] = None,
    batch_size: Annotated[int, typer.Option(min=1, max=10_000, help="Rows per request.")] = 500,
    file_format: Annotated[FormatChoice, typer.Option("--format", help="auto: by extension.")] = "auto",
    allow_rejected: Annotated[
        bool, typer.Option("--allow-rejected", help="Exit 0 even when rows were rejected.")
    ] = False,
    results: Annotated[Path | None, typer.Option(help="Write every row's result to this CSV file.")] = None,
) -> None:
    """Deliver a file of reports (JSON, NDJSON or CSV; one row per community and period) to the monitor.

    Each row is added, updated or left unchanged, or rejected with its reason; delivering the file again changes
    nothing. Exit 1 when a row was rejected (--allow-rejected: exit 0 all the same) or a batch failed. The row
    format is in docs/reports.md and in the monitor's OpenAPI document (POST /v1/reports/deliveries).
    """
    console, errors = Console(), Console(stderr=True)
    try:
        batches = read_upload(file, file_format, batch_size)
        api_key = resolve_key(key, source=source)
    except (ValueError, UnicodeDecodeError) as error:
        errors.print(f"[red]error:[/red] {error}")
        raise typer.Exit(1) from error
    run, failure = DeliveryRun(source), None
    with monitor_client(resolve_url(url), api_key) as client:
        try:
            run = deliver_with_progress(client, source=source, batches=batches, console=console)
        except DeliveryError as error:
            run, failure = error.run or run, error
    console.print(_summary(run))
    if (rejections := rejections_table(run.results, REJECTION_COLUMNS, option="--results")) is not None:
        console.print(rejections)
    if results is not None:
        write_results(run.results, results, RESULT_COLUMNS)
        console.print(f"results: {results}")
    if failure is not None:
        errors.print(f"[red]delivery failed:[/red] {failure}")
        errors.print("Delivering the file again is safe: rows already taken come back unchanged.")
        raise typer.Exit(1)
    if run.rejected and not allow_rejected:
        rows = f"{run.rejected:,} row was" if run.rejected == 1 else f"{run.rejected:,} rows were"
        errors.print(f"[red]{rows} rejected[/red]; --allow-rejected exits 0 all the same.")
        raise typer.Exit(1)
