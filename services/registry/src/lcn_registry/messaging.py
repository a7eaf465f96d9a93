"""Every subscription and publication of the registry, in one place."""

from lcn_shared.contracts import (
    CommunityMerged,
    CommunityRegistered,
    CommunityStatusChanged,
    CommunityUpdated,
    FeedImportCompleted,
    MembershipChanged,
)
from lcn_shared.contracts.base import EventContract
from lcn_shared.messaging.consumer import EventConsumer

CONSUMERS: list[EventConsumer] = []  # the registry consumes no other service's events
PUBLISHES: list[type[EventContract]] = [
    CommunityRegistered,
    CommunityUpdated,
    CommunityStatusChanged,
    CommunityMerged,
    MembershipChanged,
    FeedImportCompleted,
]
