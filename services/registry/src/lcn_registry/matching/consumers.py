"""The registry's consumer of its own community events: duplicates of new communities, off the request path."""

from lcn_registry.matching import service
from lcn_shared.contracts import CommunityRegistered
from lcn_shared.contracts.registry import COMMUNITY_TOPIC
from lcn_shared.messaging.consumer import EventConsumer, Handler

duplicate_review = EventConsumer(
    name="registry.duplicate-review",
    topic=COMMUNITY_TOPIC,
    handlers=[Handler(CommunityRegistered, service.review_registered)],
    description="Queues a community registered through the API for review when it looks like an older one.",
)
