"""Every table of the registry, for Alembic."""

from lcn_registry.communities.models import Community, CommunityChange, CommunityRedirect
from lcn_registry.feeds.models import ImportJob, ImportResult, SourceRecord
from lcn_registry.matching.models import MatchKey, MatchReview
from lcn_registry.organisations.models import Membership, Organisation
from lcn_shared.idempotency import IdempotentRequest
from lcn_shared.messaging.tables import InboxMessage, OutboxMessage

__all__ = [
    "Community",
    "CommunityChange",
    "CommunityRedirect",
    "IdempotentRequest",
    "ImportJob",
    "ImportResult",
    "InboxMessage",
    "MatchKey",
    "MatchReview",
    "Membership",
    "Organisation",
    "OutboxMessage",
    "SourceRecord",
]
