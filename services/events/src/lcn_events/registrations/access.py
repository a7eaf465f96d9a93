"""Who may read and change a registration: the person through the secret link of their registration, and the
event's organiser and the conference team through their keys. Only the link secret's SHA-256 is stored; a link is
checked in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Literal

from lcn_events.events.access import organises, plans
from lcn_events.events.models import Event
from lcn_events.registrations.models import Registration
from lcn_shared.auth import Principal
from lcn_shared.problems import Forbidden, Unauthorized

TOKEN_BYTES = 32
REGISTRANT = "registrant"
SYSTEM = "system"
Role = Literal["registrant", "organiser"]


def new_token() -> tuple[str, str]:
    """A new link secret (32 random bytes, base64url) and the digest that is stored of it."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, token_digest(token)


def token_digest(token: str) -> str:
    """SHA-256 of a link secret: it carries 256 random bits, so a fast hash is safe (as for API keys)."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Caller:
    """Who asks: a link's secret, a key's principal (an organiser, the team), or neither."""

    principal: Principal | None = None
    token: str | None = None

    @property
    def actor(self) -> str:
        """Who acted, for the history: never the person's name."""
        if self.token is not None or self.principal is None:
            return REGISTRANT
        return self.principal.actor

    @property
    def origin(self) -> str:
        """Where the change came from."""
        return "link" if self.token is not None else "api"


def authorise_organiser(event: Event, principal: Principal) -> None:
    """403 unless the principal is the conference team (or an admin) or speaks for the event's organiser."""
    if not (plans(principal) or organises(event, principal)):
        raise Forbidden(f"Only the conference team and the organiser of event {event.event_id} see its registrations.")


def authorise(registration: Registration, event: Event, caller: Caller) -> Role:
    """Whose the request is: the person (a link that is this registration's: 403 for any other), else the organiser
    or the team (403 for any other key), else 401."""
    if caller.token is not None:
        if not hmac.compare_digest(token_digest(caller.token), registration.token_digest):
            raise Forbidden(f"This link is not the link of registration {registration.registration_id}.")
        return "registrant"
    if caller.principal is None:
        raise Unauthorized("Use the link given when registering (`?token=`), or send an API key.")
    authorise_organiser(event, caller.principal)
    return "organiser"
