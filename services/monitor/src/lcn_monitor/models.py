"""Every table of the monitor, for Alembic."""

from lcn_monitor.communities.models import CommunityView
from lcn_shared.messaging.tables import InboxMessage, OutboxMessage

__all__ = ["CommunityView", "InboxMessage", "OutboxMessage"]
