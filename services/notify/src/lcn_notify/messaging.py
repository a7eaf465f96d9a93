"""Every subscription and publication of the notify service, in one place."""

from lcn_shared.contracts.base import EventContract
from lcn_shared.messaging.consumer import EventConsumer

CONSUMERS: list[EventConsumer] = []
PUBLISHES: list[type[EventContract]] = []
