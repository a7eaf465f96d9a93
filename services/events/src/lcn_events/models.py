"""Every table of the events service, for Alembic."""

from lcn_shared.messaging.tables import InboxMessage, OutboxMessage

__all__ = ["InboxMessage", "OutboxMessage"]
