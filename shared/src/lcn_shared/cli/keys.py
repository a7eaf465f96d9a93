"""`lcn keys create`: issue an API key (shown once, stored hashed)."""

from __future__ import annotations

import asyncio
from typing import Annotated
from uuid import UUID

import typer

from lcn_shared.auth.keys import Role, create_key
from lcn_shared.db import create_engine, create_session_factory, unit_of_work
from lcn_shared.settings import IDENTITY, PlatformSettings

app = typer.Typer(no_args_is_help=True)


@app.command("create")
def create(
    role: Annotated[Role, typer.Option(help="admin, coordinator, conference_team or partner.")],
    organisation_id: Annotated[UUID | None, typer.Option(help="The partner's organisation (partners only).")] = None,
    name: Annotated[str | None, typer.Option(help="The organisation's name (partners only).")] = None,
    label: Annotated[str, typer.Option(help="A note on who holds the key.")] = "",
) -> None:
    """Issue a key and print it; it cannot be shown again."""
    if (role is Role.PARTNER) != (organisation_id is not None):
        raise typer.BadParameter("--organisation-id is required for partner keys and only for them")

    async def issue() -> str:
        engine = create_engine(PlatformSettings().database_url_for(IDENTITY), pool_size=1)
        try:
            async with unit_of_work(create_session_factory(engine)) as session:
                return await create_key(
                    session, role=role, organisation_id=organisation_id, organisation_name=name, label=label
                )
        finally:
            await engine.dispose()

    typer.echo(asyncio.run(issue()))
