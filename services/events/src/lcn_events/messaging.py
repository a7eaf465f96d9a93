"""Every subscription and publication of the events service, in one place."""

from lcn_events.directory.consumers import directory_projection
from lcn_shared.contracts.base import EventContract
from lcn_shared.contracts.events import (
    EventCancelled,
    EventPublished,
    EventRescheduled,
    EventUpdated,
    RegistrationCancelled,
    RegistrationConfirmed,
    RegistrationPromoted,
    RegistrationReminderDue,
    RegistrationWaitlisted,
)
from lcn_shared.messaging.consumer import EventConsumer

CONSUMERS: list[EventConsumer] = [directory_projection]
PUBLISHES: list[type[EventContract]] = [
    EventPublished,
    EventRescheduled,
    EventCancelled,
    EventUpdated,
    RegistrationConfirmed,
    RegistrationWaitlisted,
    RegistrationPromoted,
    RegistrationCancelled,
    RegistrationReminderDue,
]
