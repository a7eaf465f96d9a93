"""Event contracts: one Pydantic model per event type, shared by producers and consumers."""

from lcn_shared.contracts.base import EventContract, all_contracts
from lcn_shared.contracts.registry import (
    CommunityMerged,
    CommunityRegistered,
    CommunityState,
    CommunityStatusChanged,
    CommunityUpdated,
    FeedImportCompleted,
    MembershipChanged,
)

__all__ = [
    "CommunityMerged",
    "CommunityRegistered",
    "CommunityState",
    "CommunityStatusChanged",
    "CommunityUpdated",
    "EventContract",
    "FeedImportCompleted",
    "MembershipChanged",
    "all_contracts",
]
