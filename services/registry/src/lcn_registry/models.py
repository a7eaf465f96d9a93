"""Every table of the registry, for Alembic (the kit's tables come in through `tables.py`)."""

from lcn_registry.communities.models import Community, CommunityChange, CommunityRedirect
from lcn_registry.feeds.models import FeedMappingVersion, ImportJob, ImportResult, SourceRecord
from lcn_registry.matching.models import MatchKey, MatchReview
from lcn_registry.organisations.models import Membership, Organisation
from lcn_registry.tables import RegistryTable

metadata = RegistryTable.metadata

__all__ = [
    "Community",
    "CommunityChange",
    "CommunityRedirect",
    "FeedMappingVersion",
    "ImportJob",
    "ImportResult",
    "MatchKey",
    "MatchReview",
    "Membership",
    "Organisation",
    "SourceRecord",
    "metadata",
]
