"""The events service's consumer of the registry's community events (for organiser and community names)."""

from lcn_events.directory import service
from lcn_shared.contracts import (
    CommunityMerged,
    CommunityRegistered,
    CommunityStatusChanged,
    CommunityUpdated,
    MembershipChanged,
)
from lcn_shared.contracts.registry import COMMUNITY_TOPIC
from lcn_shared.messaging.consumer import BatchHandler, EventConsumer

directory_projection = EventConsumer(
    name="events.directory",
    topic=COMMUNITY_TOPIC,
    handlers=[
        BatchHandler(
            (CommunityRegistered, CommunityUpdated, CommunityStatusChanged, MembershipChanged, CommunityMerged),
            service.project_all,
        )
    ],
    description="Keeps the names of organisations and communities that events name, as the registry tells them.",
)
