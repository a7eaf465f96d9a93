"""Every subscription and publication of the registry, in one place."""

from lcn_registry.matching.consumers import duplicate_review
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

# The registry consumes no other service's events; it reads its own to look for duplicates after the commit.
CONSUMERS: list[EventConsumer] = [duplicate_review]
PUBLISHES: list[type[EventContract]] = [
    CommunityRegistered,
    CommunityUpdated,
    CommunityStatusChanged,
    CommunityMerged,
    MembershipChanged,
    FeedImportCompleted,
]
