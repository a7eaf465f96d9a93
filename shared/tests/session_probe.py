"""A tiny service with one page behind `signed_in(Role.COORDINATOR)` and a form on it, for the session tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request
from starlette.responses import RedirectResponse, Response

from lcn_shared.app import ServiceDefinition, create_service_app
from lcn_shared.auth import Principal, Role
from lcn_shared.clock import Clock
from lcn_shared.pages import Messages, Pages, page_link, read_form, signed_in
from lcn_shared.settings import ServiceConfig

NOTES_PATH = "/notes"
PAGES = Pages(
    templates=Path(__file__).with_name("session_probe_templates"),
    messages=Messages(
        {
            "notes": {"nl": "Notities", "en": "Notes"},
            "note": {"nl": "Notitie", "en": "Note"},
            "add_note": {"nl": "Notitie toevoegen", "en": "Add note"},
        }
    ),
)
Coordinator = Annotated[Principal, Depends(signed_in(Role.COORDINATOR))]


def probe(notes: list[str]) -> ServiceDefinition:
    """A service whose `/notes` page lists `notes` to coordinators (and admins), and whose form adds one."""
    router = APIRouter(include_in_schema=False)

    @router.get(NOTES_PATH)
    async def notes_page(request: Request, principal: Coordinator) -> Response:
        return PAGES.render(request, "notes.html", notes=notes)

    @router.post(NOTES_PATH)
    async def add_note(request: Request, principal: Coordinator) -> Response:
        note = (await read_form(request)).get("note")
        notes.append(f"{principal.key_id}: {note}")
        return RedirectResponse(page_link(request, NOTES_PATH), status_code=303)

    return ServiceDefinition(name="registry", title="probe", description="A page behind a session.", pages=[router])


def probe_app(notes: list[str], clock: Clock | None = None) -> Callable[[ServiceConfig], FastAPI]:
    """An app factory for `run_service` or `served`, on `clock` when given."""

    def factory(config: ServiceConfig) -> FastAPI:
        app = create_service_app(probe(notes), config)
        if clock is not None:
            app.state.runtime.clock = clock
        return app

    return factory
