"""`lcn keys create`: issue an API key (shown once, stored hashed)."""

from __future__ import annotations

import asyncio
from typing import Annotated
from uuid import UUID

import typer

from lcn_shared.auth.keys import Role, issue_key
from lcn_shared.settings import PlatformSettings

app = typer.Typer(no_args_is_help=True)


@app.command("create")
def create(
    role: Annotated[Role, typer.Option(help="admin, coordinator, conference_team, partner or feed.")],
    organisation_id: Annotated[UUID | None, typer.Option(help="The partner's organisation (partners only).")] = None,
    name: Annotated[str | None, typer.Option(help="The organisation's name (partners only).")] = None,
    feed_source: Annotated[
        str | None, typer.Option(help="The feed source a feed key delivers for: katapult, regional:utrecht, ...")
    ] = None,
    label: Annotated[str, typer.Option(help="A note on who holds the key.")] = "",
) -> None:
    """Issue a key and print it; it cannot be shown again."""
    if (role is Role.PARTNER) != (organisation_id is not None):
        raise typer.BadParameter("--organisation-id is required for partner keys and only for them")
    if (role is Role.FEED) != (feed_source is not None):
        raise typer.BadParameter("--feed-source is required for feed keys and only for them")

    key = issue_key(
        PlatformSettings(),
        role=role,
        organisation_id=organisation_id,
        organisation_name=name,
        feed_source=feed_source,
        label=label,
    )
    typer.echo(asyncio.run(key))
