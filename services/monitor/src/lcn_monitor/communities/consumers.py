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
from lcn_shared.messaging.consumer import EventConsumer, Handler

community_projection = EventConsumer(
    name="monitor.community-projection",
    topic=COMMUNITY_TOPIC,
    handlers=[
        Handler(CommunityRegistered, service.project_registered),
        Handler(CommunityUpdated, service.project_updated),
        Handler(CommunityStatusChanged, service.project_status_changed),
        Handler(MembershipChanged, service.project_membership_changed),
        Handler(CommunityMerged, service.project_merged),
    ],
    description="Keeps the monitor's read model of communities in step with the registry, merges included.",
)
