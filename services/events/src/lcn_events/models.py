"""Every table of the events service, for Alembic (the kit's tables come in through `tables.py`)."""

from lcn_events.directory.models import KnownCommunity, KnownOrganisation
from lcn_events.events.models import Event, EventChange, OccurrenceOverride
from lcn_events.registrations.models import Registration, RegistrationChange
from lcn_events.reminders.models import ReminderSent
from lcn_events.tables import EventsTable

metadata = EventsTable.metadata

__all__ = [
    "Event",
    "EventChange",
    "KnownCommunity",
    "KnownOrganisation",
    "OccurrenceOverride",
    "Registration",
    "RegistrationChange",
    "ReminderSent",
    "metadata",
]
