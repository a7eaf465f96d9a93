"""Who may see and change which event (ADR 0030): the conference team (and admins) every one, a partner those its
organisation organises; drafts are for those only."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from lcn_events.events.models import PUBLIC_STATUSES, Event
from lcn_shared.auth import Principal, Role
from lcn_shared.problems import Forbidden

PLANNERS = (Role.CONFERENCE_TEAM, Role.ADMIN)


def plans(principal: Principal | None) -> bool:
    """The conference team and admins plan the calendar: they see and change every event."""
    return principal is not None and principal.role in PLANNERS


def organises(event: Event, principal: Principal | None) -> bool:
    """True when the principal is a partner speaking for the event's organiser."""
    return (
        principal is not None
        and principal.role is Role.PARTNER
        and principal.organisation_id is not None
        and principal.organisation_id == event.organiser_id
    )


def may_see(event: Event, principal: Principal | None) -> bool:
    """Everyone sees an event once it was published; a draft only its planners and its organiser."""
    return event.status in PUBLIC_STATUSES or plans(principal) or organises(event, principal)


def authorise_change(event: Event, principal: Principal) -> None:
    """403 unless the principal plans the calendar or organises the event."""
    if not (plans(principal) or organises(event, principal)):
        raise Forbidden(f"Only the conference team and the event's organiser may change event {event.event_id}.")


def authorise_organiser(principal: Principal, organiser_id: UUID | None) -> None:
    """403 when a partner names another organiser than its own organisation (the conference team names any)."""
    if plans(principal):
        return
    if principal.organisation_id is None or organiser_id != principal.organisation_id:
        raise Forbidden("A partner organises events only for its own organisation.")


@dataclass(frozen=True)
class Viewer:
    """Whose eyes a listing reads with: planners see drafts too, a partner its own organisation's drafts."""

    sees_all: bool = False
    organisation_id: UUID | None = None

    @property
    def public(self) -> bool:
        """True when the viewer sees what the public sees: no drafts at all."""
        return not self.sees_all and self.organisation_id is None


def viewer_of(principal: Principal | None) -> Viewer:
    """The eyes of a caller (None: no credential, the public)."""
    if plans(principal):
        return Viewer(sees_all=True)
    if principal is not None and principal.role is Role.PARTNER:
        return Viewer(organisation_id=principal.organisation_id)
    return Viewer()
