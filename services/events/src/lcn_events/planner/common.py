"""What every planner page shares: its templates and words, who may see it, its stylesheet and navigation, and how
a refused write leaves nothing behind."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_events.planner.page_messages import MESSAGES
from lcn_shared.auth import Principal, Role
from lcn_shared.messaging.outbox import forget_events
from lcn_shared.pages import Pages, mount_static, page_link, signed_in
from lcn_shared.pages.rendering import VERSION_PARAMETER, file_version

PAGES = Pages(templates=Path(__file__).with_name("templates"), messages=MESSAGES)
STATIC = Path(__file__).with_name("static")
STATIC_PATH = "/static/events"
STYLESHEET = "planner.css"
PLANNER_PATH = "/planner"
EVENTS_PATH = "/planner/events"
FIRST_YEAR, LAST_YEAR = 2000, 2200
# The conference team plans the calendar (admins always may).
Planner = Annotated[Principal, Depends(signed_in(Role.CONFERENCE_TEAM, Role.ADMIN))]


def mount_planner_static(app: FastAPI) -> None:
    """Serve the planner's stylesheet under /static/events."""
    mount_static(app, STATIC_PATH, STATIC)


def common(request: Request, *, current: str) -> dict[str, Any]:
    """What every planner page shows besides its content: the stylesheet and the navigation."""
    root = str(request.scope.get("root_path", "")).rstrip("/")
    return {
        "stylesheet": f"{root}{STATIC_PATH}/{STYLESHEET}?{VERSION_PARAMETER}={file_version(STATIC / STYLESHEET)}",
        "current": current,
        "paths": {"planner": PLANNER_PATH, "new": f"{EVENTS_PATH}/new"},
    }


def see_other(request: Request, path: str, params: list[tuple[str, Any]] | None = None) -> RedirectResponse:
    """After a form that changed something: the page to show it on (a reload does not post again)."""
    return RedirectResponse(page_link(request, path, params or []), status_code=303)


async def undo(session: AsyncSession) -> None:
    """Drop whatever a refused write did (rows and recorded events): a form's error never leaves half a change."""
    forget_events(session)
    await session.rollback()
