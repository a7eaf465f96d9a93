"""Builders for the good practices' tests: communities with a lead in the read model, bodies, keys."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

from lcn_monitor.communities import service as communities
from lcn_shared.auth import Role
from lcn_shared.db import SessionFactory
from services.monitor.tests.communities.builders import apply, create_registered, create_state, with_state

KeyMaker = Callable[..., Awaitable[str]]


async def community_led_by(sessions: SessionFactory, lead: UUID | None, **fields: Any) -> UUID:
    """Project a registered community (carrying its state) whose penvoerder is `lead`; return its id."""
    members = (
        [{"organisation_id": lead, "organisation_name": "Hanze", "organisation_type": "school-hbo", "role": "lead"}]
        if lead is not None
        else []
    )
    event = create_registered(**fields)
    state = create_state(1, members=members, **fields)
    await apply(sessions, communities.project_registered, with_state(event, state))
    return event.community_id


async def partner(api_key: KeyMaker, organisation_id: UUID, name: str = "Hanze") -> dict[str, str]:
    """The headers of a partner key speaking for the organisation."""
    key = await api_key(Role.PARTNER, organisation_id=organisation_id, organisation_name=name)
    return {"Authorization": f"Bearer {key}"}


async def coordinator(api_key: KeyMaker) -> dict[str, str]:
    """The headers of a coordinator key."""
    return {"Authorization": f"Bearer {await api_key(Role.COORDINATOR, organisation_name='Katapult')}"}


def practice_body(community_id: UUID, /, **changes: Any) -> dict[str, Any]:
    """A valid new practice of the community, with changes."""
    body: dict[str, Any] = {
        "community_id": str(community_id),
        "title": "Werkplekleren in de zorg",
        "summary": "Studenten en werkenden leren samen op de werkvloer van een zorginstelling.",
        "problem_categories": ["aansluiting-studenten", "aansluiting-werkenden"],
        "success_factors": ["meerwaarde", "fysieke-locatie"],
        "learning_functions": ["voorwaardelijk"],
        "target_groups": ["studenten", "werkenden"],
        "lessons_learned": "Begin klein, met een vaste begeleider per afdeling.",
        "link": "https://example.org/werkplekleren",
    }
    return body | changes


def new_organisation() -> UUID:
    """A fresh organisation id."""
    return uuid.uuid4()
