"""The monitor's consumer of the registry's community events."""

from lcn_monitor.communities import service
from lcn_shared.contracts import (
    CommunityMerged,
    CommunityRegistered,
    CommunityStatusChanged,
    CommunityUpdated,
    MembershipChanged,
)
from lcn_shared.contracts.registry import COMMUNITY_TOPIC
from lcn_shared.messaging.consumer import BatchHandler, EventConsumer

community_projection = EventConsumer(
    name="monitor.community-projection",
    topic=COMMUNITY_TOPIC,
    handlers=[
        BatchHandler(
            (CommunityRegistered, CommunityUpdated, CommunityStatusChanged, MembershipChanged, CommunityMerged),
            service.project_all,
        )
    ],
    description="Keeps the monitor's read model of communities in step with the registry, merges included.",
)
