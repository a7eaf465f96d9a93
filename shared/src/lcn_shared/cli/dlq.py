"""`lcn dlq list|show|redrive`: dead letters for operators."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.console import Console

from lcn_shared.cli.output import print_table
from lcn_shared.messaging import dlq
from lcn_shared.settings import PlatformSettings

app = typer.Typer(no_args_is_help=True)
console = Console()
TopicOption = Annotated[str | None, typer.Option(help="Only this DLQ topic (e.g. lcn.<service>.<aggregate>.dlq).")]


def _load(topic: str | None) -> list[dlq.DeadLetter]:
    """Every dead letter, or those of one topic."""
    platform = PlatformSettings()

    async def load() -> list[dlq.DeadLetter]:
        topics = (
            [topic] if topic else await dlq.dead_letter_topics(platform.kafka_bootstrap_servers, platform.topic_prefix)
        )
        return await dlq.read_dead_letters(platform.kafka_bootstrap_servers, topics)

    return asyncio.run(load())


@app.command("list")
def list_letters(topic: TopicOption = None) -> None:
    """One line per dead letter: id, event, consumer, error (ids whole, for `lcn dlq show`)."""
    rows = [
        (
            letter.dead_letter_id,
            letter.event_id,
            letter.headers.get("ce_type", ""),
            letter.headers.get("lcn-dlq-consumer", ""),
            letter.headers.get("lcn-dlq-attempts", ""),
            _error_glimpse(letter.headers),
            letter.headers.get("lcn-dlq-failed-at", ""),
        )
        for letter in _load(topic)
    ]
    print_table(console, ("id", "event id", "type", "consumer", "attempts", "error", "failed at"), rows)


def _error_glimpse(headers: dict[str, str]) -> str:
    """The error's type and the start of its message on one line; `lcn dlq show` has all of it."""
    message = " ".join(headers.get("lcn-dlq-error", "").split())
    return f"{headers.get('lcn-dlq-error-type', '')}: {message[:80]}"


@app.command("show")
def show(dead_letter_id: Annotated[str, typer.Argument(help="An id from `lcn dlq list`, or an event id.")]) -> None:
    """Headers (error and stack trace included) and body of one dead letter."""
    for letter in _load(None):
        if dead_letter_id in (letter.dead_letter_id, letter.event_id):
            for name, value in sorted(letter.headers.items()):
                console.print(f"[bold]{name}[/bold]: {value}")
            console.print(letter.value.decode("utf-8", errors="replace"))
            return
    raise typer.BadParameter(f"no dead letter {dead_letter_id}")


@app.command("redrive")
def redrive(
    dead_letter_ids: Annotated[list[str] | None, typer.Argument(help="Ids or event ids; none with --all.")] = None,
    all_letters: Annotated[bool, typer.Option("--all", help="Re-drive every dead letter (of --topic).")] = False,
    topic: TopicOption = None,
) -> None:
    """Publish dead letters back to their original topics once the cause is fixed."""
    letters = _load(topic)
    if not all_letters:
        wanted = set(dead_letter_ids or ())
        if not wanted:
            raise typer.BadParameter("name dead letters to re-drive, or pass --all")
        letters = [letter for letter in letters if wanted & {letter.dead_letter_id, letter.event_id}]
    count = asyncio.run(dlq.redrive(PlatformSettings().kafka_bootstrap_servers, letters))
    typer.echo(f"re-drove {count} dead letter(s)")
