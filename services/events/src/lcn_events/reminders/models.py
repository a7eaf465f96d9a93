"""The reminders sent: one row per registration and rule, whose key makes each reminder go out once."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import Column, DateTime, ForeignKey, Text, Uuid
from sqlmodel import Field

from lcn_events.tables import EventsTable


class ReminderSent(EventsTable, table=True):
    """A reminder recorded for a registration under a rule (such as `7d`), with the start it reminded of."""

    __tablename__ = "reminder_sent"

    registration_id: UUID = Field(
        sa_column=Column(
            Uuid, ForeignKey("registration.registration_id", ondelete="CASCADE"), primary_key=True, nullable=False
        )
    )
    rule: str = Field(sa_column=Column(Text, primary_key=True, nullable=False))
    starts_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    sent_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
