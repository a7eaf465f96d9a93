"""The outbox and inbox tables every service carries in its own database (defined here only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import BigInteger, Column, DateTime, Identity, Index, Integer, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from lcn_shared.tables import KitTable

OUTBOX_CHANNEL = "lcn_outbox"


class OutboxMessage(KitTable, table=True):
    """One event waiting to be (or already) published, written in the state change's transaction."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        # The relay's hot query reads only unsent rows in commit order.
        Index("ix_outbox_message_pending", "seq", postgresql_where=text("sent_at IS NULL")),
        Index("ix_outbox_message_pending_key", "topic", "message_key", "seq", postgresql_where=text("sent_at IS NULL")),
        Index("ix_outbox_message_sent_at", "sent_at", postgresql_where=text("sent_at IS NOT NULL")),
    )

    event_id: UUID = Field(primary_key=True)
    seq: int | None = Field(
        default=None, sa_column=Column(BigInteger, Identity(always=True), nullable=False, unique=True)
    )
    topic: str = Field(sa_column=Column(Text, nullable=False))
    message_key: str = Field(sa_column=Column(Text, nullable=False))
    event_type: str = Field(sa_column=Column(Text, nullable=False))
    source: str = Field(sa_column=Column(Text, nullable=False))
    subject: str = Field(sa_column=Column(Text, nullable=False))
    occurred_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    payload: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    trace_context: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    next_attempt_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    )
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    )
    sent_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class InboxMessage(KitTable, table=True):
    """An event a consumer has applied: (consumer, event id) makes the effect happen once."""

    __tablename__ = "inbox_message"

    consumer: str = Field(sa_column=Column(Text, primary_key=True))
    event_id: str = Field(sa_column=Column(Text, primary_key=True))
    event_type: str = Field(sa_column=Column(Text, nullable=False))
    received_at: datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now(), index=True),
    )
