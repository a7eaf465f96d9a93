"""The registry's consumer of its own community events: duplicates of new communities, off the request path."""

from lcn_registry.matching import service
from lcn_registry.matching.schemas import Registered
from lcn_shared.contracts import CommunityRegistered
from lcn_shared.contracts.registry import COMMUNITY_TOPIC
from lcn_shared.messaging.consumer import BatchHandler, EventConsumer

duplicate_review = EventConsumer(
    name="registry.duplicate-review",
    topic=COMMUNITY_TOPIC,
    handlers=[BatchHandler((CommunityRegistered,), service.review_registered, reads=Registered)],
    description="Queues a community registered through the API for review when it looks like an older one.",
    # Polls wait the service's default: with longer waits (200 or 500 ms, for bigger polls at less CPU per
    # event) the embedded broker at times held every delivery back for seconds (ADR 0018).
)
