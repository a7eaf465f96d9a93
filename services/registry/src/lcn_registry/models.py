"""Every table of the registry, for Alembic."""

from lcn_registry.communities.models import Community
from lcn_shared.messaging.tables import InboxMessage, OutboxMessage

__all__ = ["Community", "InboxMessage", "OutboxMessage"]
