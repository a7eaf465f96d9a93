"""Event contracts: one Pydantic model per event type, shared by producers and consumers."""

from lcn_shared.contracts.base import EventContract, all_contracts
from lcn_shared.contracts.registry import CommunityRegistered

__all__ = ["CommunityRegistered", "EventContract", "all_contracts"]
