"""Builders for the planner's page tests: signing in through the kit's page, a page's CSRF token, the event form."""

from __future__ import annotations

import re
from typing import Any

import httpx

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FORM = {
    "title": "Techniekpactdag 2027",
    "kind": "conference",
    "organiser": "conference-team",
    "description": "De jaarlijkse dag van het Techniekpact.",
    "timezone": "Europe/Amsterdam",
    "start_date": "2027-06-10",
    "start_time": "09:30",
    "end_date": "2027-06-10",
    "end_time": "17:00",
    "venue_address": "Leonard Springerlaan 2",
    "venue_postal_code": "9727 KB",
    "venue_city": "Groningen",
    "landsdelen": "noord",
    "topsectors": "energie",
    "repeat": "none",
}


def csrf_of(page: httpx.Response) -> str:
    """The CSRF token a page's forms carry."""
    found = CSRF.search(page.text)
    assert found is not None, page.text
    return found.group(1)


async def sign_in_as(client: httpx.AsyncClient, key: str) -> None:
    """Sign in through the kit's sign-in page with `key`; the client keeps the session cookie."""
    page = await client.get("/sign-in", params={"next": "/planner"})
    answer = await client.post("/sign-in", data={"api_key": key, "csrf_token": csrf_of(page), "next": "/planner"})
    assert answer.status_code == 303, answer.text


async def post_form(client: httpx.AsyncClient, page_path: str, action: str, **fields: Any) -> httpx.Response:
    """Open a page and post one of its forms (`action`) with the page's CSRF token and `fields`."""
    page = await client.get(page_path)
    assert page.status_code == 200, page.text
    return await client.post(action, data={**fields, "csrf_token": csrf_of(page)})


def event_form(**changes: Any) -> dict[str, Any]:
    """The new-event form filled in for a conference in Noord on 10 June 2027, with changes."""
    return FORM | changes
