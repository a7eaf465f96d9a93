"""Every table of the notify service, for Alembic."""

from lcn_shared.messaging.tables import InboxMessage, OutboxMessage

__all__ = ["InboxMessage", "OutboxMessage"]
