"""`lcn keys create|list|revoke`: API keys (shown once, stored hashed)."""

from __future__ import annotations

import asyncio
from typing import Annotated
from uuid import UUID

import typer
from rich.console import Console

from lcn_shared.auth.keys import KeyNotFound, Role, issue_key, list_keys, revoke_key
from lcn_shared.auth.validation import KeyRefused, KeyRequest, validate_key_request, validators
from lcn_shared.cli.output import print_table
from lcn_shared.db import create_engine, create_session_factory, unit_of_work
from lcn_shared.settings import IDENTITY, PlatformSettings, ServiceSettings

app = typer.Typer(no_args_is_help=True)
console = Console()


@app.command("create")
def create(
    role: Annotated[Role, typer.Option(help="admin, coordinator, conference_team, partner or feed.")],
    organisation_id: Annotated[
        UUID | None, typer.Option(help="The partner's organisation, an existing one (partners only).")
    ] = None,
    name: Annotated[str | None, typer.Option(help="The organisation's name (default: its recorded name).")] = None,
    feed_source: Annotated[
        str | None, typer.Option(help="The feed source a feed key delivers for: katapult, regional:utrecht, ...")
    ] = None,
    label: Annotated[str, typer.Option(help="A note on who holds the key.")] = "",
) -> None:
    """Issue a key and print it; it cannot be shown again."""
    platform = PlatformSettings()
    request = KeyRequest(role=role, organisation_id=organisation_id, organisation_name=name, feed_source=feed_source)
    try:
        request = asyncio.run(validate_key_request(platform, request))
    except KeyRefused as refused:
        raise typer.BadParameter(str(refused)) from None
    if (organisation_id or feed_source) and not validators():
        typer.echo("warning: no registered service checks organisations and feed sources", err=True)
    key = issue_key(
        platform,
        role=request.role,
        organisation_id=request.organisation_id,
        organisation_name=request.organisation_name,
        feed_source=request.feed_source,
        label=label,
    )
    typer.echo(asyncio.run(key))


@app.command("list")
def list_command() -> None:
    """Every key: id, role, organisation, feed source, label, created and revoked (never a secret)."""

    async def load() -> list[tuple[str, ...]]:
        engine = create_engine(PlatformSettings().database_url_for(IDENTITY), pool_size=1)
        try:
            async with create_session_factory(engine)() as session:
                keys = await list_keys(session)
        finally:
            await engine.dispose()
        return [
            (
                key.key_id,
                str(key.role),
                f"{key.organisation_name or ''} {key.organisation_id}".strip() if key.organisation_id else "",
                key.feed_source or "",
                key.label,
                f"{key.created_at:%Y-%m-%d %H:%M:%S%z}" if key.created_at else "",
                f"{key.revoked_at:%Y-%m-%d %H:%M:%S%z}" if key.revoked_at else "",
            )
            for key in keys
        ]

    columns = ("key id", "role", "organisation", "feed source", "label", "created", "revoked")
    print_table(console, columns, asyncio.run(load()))


@app.command("revoke")
def revoke(
    key: Annotated[str, typer.Argument(help="The key id from `lcn keys list` (or a unique prefix), or the key.")],
) -> None:
    """Revoke a key; every service refuses it within `auth_cache_seconds` (a few seconds)."""

    async def run() -> str:
        engine = create_engine(PlatformSettings().database_url_for(IDENTITY), pool_size=1)
        try:
            async with unit_of_work(create_session_factory(engine)) as session:
                revoked = await revoke_key(session, named=key)
                return revoked.key_id
        finally:
            await engine.dispose()

    try:
        key_id = asyncio.run(run())
    except KeyNotFound as missing:
        raise typer.BadParameter(str(missing)) from None
    seconds = ServiceSettings().auth_cache_seconds
    typer.echo(f"revoked key {key_id}; every service refuses it within {seconds:g} s")
