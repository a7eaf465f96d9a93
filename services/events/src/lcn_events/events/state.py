"""What an event shows: the API's view and the public state every event on the wire carries (ADR 0013)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_events.directory import service as directory
from lcn_events.directory.service import Names
from lcn_events.events import repository
from lcn_events.events.models import Event, OccurrenceOverride
from lcn_events.events.occurrences import override_span, span_of
from lcn_events.events.schemas import CONFERENCE_TEAM, EventPublic
from lcn_events.events.times import local
from lcn_shared.contracts.events import EventState

# The event's own fields that are shown as stored.
PLAIN_FIELDS = (
    "title",
    "kind",
    "major",
    "description",
    "timezone",
    "recurrence",
    "venue",
    "online_url",
    "landsdelen",
    "topsectors",
    "themes",
    "capacity",
    "requires_approval",
    "status",
    "sequence",
    "version",
    "published_at",
    "updated_at",
)


async def names_for(session: AsyncSession, events: Sequence[Event]) -> Names:
    """The organiser and community names of these events, in two queries."""
    organisers = {event.organiser_id for event in events if event.organiser_id is not None}
    communities = {community_id for event in events for community_id in event.community_ids}
    return await directory.names(session, organisation_ids=organisers, community_ids=communities)


def _overrides(event: Event, overrides: Sequence[OccurrenceOverride]) -> list[dict[str, Any]]:
    """The event's overridden occurrences, by their date in the series."""
    span = span_of(event)
    shown = [
        {
            "occurrence_date": local(override.original_starts_at, span.zone).date(),
            "original_starts_at": override.original_starts_at.astimezone(span.zone),
            "state": override.state,
            "sequence": override.sequence,
            **override_span(span, override).shown(),
        }
        for override in overrides
    ]
    return sorted(shown, key=lambda override: override["occurrence_date"])


def _shown(event: Event, overrides: Sequence[OccurrenceOverride], names: Names) -> dict[str, Any]:
    """Every field the API and the wire share, times in the event's zone."""
    zone = span_of(event).zone
    return {
        **{name: getattr(event, name) for name in PLAIN_FIELDS},
        **span_of(event).shown(),
        "event_id": event.event_id,
        "organiser_name": names.organisations.get(event.organiser_id) if event.organiser_id else None,
        "communities": [
            {"community_id": community_id, "name": names.communities.get(community_id)}
            for community_id in event.community_ids
        ],
        "overrides": _overrides(event, overrides),
        "registration_opens_at": event.registration_opens_at.astimezone(zone) if event.registration_opens_at else None,
        "registration_closes_at": (
            event.registration_closes_at.astimezone(zone) if event.registration_closes_at else None
        ),
    }


def public_view(event: Event, overrides: Sequence[OccurrenceOverride], names: Names) -> EventPublic:
    """The event as the API shows it."""
    organiser = str(event.organiser_id) if event.organiser_id is not None else CONFERENCE_TEAM
    return EventPublic.model_validate(
        _shown(event, overrides, names) | {"organiser": organiser, "created_at": event.created_at}
    )


def wire_state(event: Event, overrides: Sequence[OccurrenceOverride], names: Names) -> EventState:
    """The event's public state, as every event about it carries it: no actor, nothing that names a person."""
    return EventState.model_validate(_shown(event, overrides, names) | {"organiser_id": event.organiser_id})


async def view_of(session: AsyncSession, event: Event) -> EventPublic:
    """The event as the API shows it, read with its overrides and names."""
    overrides = (await repository.overrides_of(session, [event.event_id]))[event.event_id]
    return public_view(event, overrides, await names_for(session, [event]))
