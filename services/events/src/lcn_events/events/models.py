"""The calendar's tables: the event (a single one or a series), its occurrences changed on their own, its history."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Text,
    Uuid,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field

from lcn_events.tables import EventsTable

# draft -> published -> rescheduled / cancelled / completed (ADR 0030).
STATUSES = ("draft", "published", "rescheduled", "cancelled", "completed")
# Once published an event stays public, cancelled or completed included.
PUBLIC_STATUSES = ("published", "rescheduled", "cancelled", "completed")
# No change but the history's after these.
CLOSED_STATUSES = ("cancelled", "completed")
OVERRIDE_STATES = ("moved", "cancelled")


MOMENT = DateTime(timezone=True)


def _column(sql_type: Any, *, nullable: bool = False, default: Any = None, server_default: str | None = None) -> Any:
    """A field on a column of this SQL type, not null unless said; `default=list` for an empty list."""
    column = Column(sql_type, nullable=nullable, server_default=server_default)
    if default is list:
        return Field(default_factory=list, sa_column=column)
    return Field(default=default, sa_column=column)


class Event(EventsTable, table=True):
    """One event of the calendar, or a series of them (an RRULE over its start): times as instants plus the zone."""

    __tablename__ = "event"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES}", name="status_known"),
        CheckConstraint("ends_at IS NULL OR ends_at >= starts_at", name="ends_after_start"),
        Index("ix_event_starts_at", "starts_at"),
        Index("ix_event_last_ends_at", "last_ends_at"),
        Index("ix_event_organiser_id", "organiser_id"),
        Index("ix_event_status", "status"),
    )

    event_id: UUID = Field(primary_key=True)
    title: str = _column(Text)
    kind: str = _column(Text)
    major: bool = _column(Boolean, default=False, server_default="false")
    # None: the conference team organises it.
    organiser_id: UUID | None = _column(Uuid, nullable=True)
    description: str | None = _column(Text, nullable=True)
    community_ids: list[UUID] = _column(ARRAY(Uuid), default=list, server_default="{}")
    timezone: str = _column(Text)
    all_day: bool = _column(Boolean, default=False, server_default="false")
    # The (first) occurrence; an all-day event runs from its first day's midnight to the midnight after its last.
    starts_at: datetime = _column(MOMENT)
    ends_at: datetime | None = _column(MOMENT, nullable=True)
    recurrence: str | None = _column(Text, nullable=True)
    # When the last occurrence ends (the calendar's range queries); None for a series that never ends.
    last_ends_at: datetime | None = _column(MOMENT, nullable=True)
    # {name, address, postal_code, city}
    venue: dict[str, Any] | None = _column(JSONB, nullable=True)
    online_url: str | None = _column(Text, nullable=True)
    landsdelen: list[str] = _column(ARRAY(Text), default=list, server_default="{}")
    topsectors: list[str] = _column(ARRAY(Text), default=list, server_default="{}")
    themes: list[str] = _column(ARRAY(Text), default=list, server_default="{}")
    capacity: int | None = _column(Integer, nullable=True)
    registration_opens_at: datetime | None = _column(MOMENT, nullable=True)
    registration_closes_at: datetime | None = _column(MOMENT, nullable=True)
    requires_approval: bool = _column(Boolean, default=False, server_default="false")
    status: str = _column(Text, default="draft", server_default="draft")
    # RFC 5545 SEQUENCE: 0 when first published, one more with every later change that matters to an attendee.
    sequence: int = _column(Integer, default=0, server_default="0")
    version: int = _column(Integer, default=1)
    published_at: datetime | None = _column(MOMENT, nullable=True)
    created_by: str = _column(Text)
    created_at: datetime = _column(MOMENT)
    updated_by: str = _column(Text)
    updated_at: datetime = _column(MOMENT)


class OccurrenceOverride(EventsTable, table=True):
    """One occurrence of a series moved or cancelled on its own, keyed by the start it had in the series: an edit of
    the series leaves it as it is (re-keyed when the series' occurrences shift)."""

    __tablename__ = "occurrence_override"
    __table_args__ = (CheckConstraint(f"state IN {OVERRIDE_STATES}", name="state_known"),)

    event_id: UUID = Field(
        sa_column=Column(Uuid, ForeignKey("event.event_id", ondelete="CASCADE"), primary_key=True, nullable=False)
    )
    original_starts_at: datetime = Field(sa_column=Column(MOMENT, primary_key=True, nullable=False))
    state: str = _column(Text)
    # When it takes place now (moved), or would have (cancelled).
    starts_at: datetime = _column(MOMENT)
    ends_at: datetime | None = _column(MOMENT, nullable=True)
    sequence: int = _column(Integer, default=0)
    updated_by: str = _column(Text)
    updated_at: datetime = _column(MOMENT)


class EventChange(EventsTable, table=True):
    """One change of an event: who, when, to which version, which fields (old and new), from where."""

    __tablename__ = "event_change"
    __table_args__ = (Index("ix_event_change_event", "event_id", "change_id"),)

    change_id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(always=True), primary_key=True))
    event_id: UUID = Field(sa_column=Column(Uuid, ForeignKey("event.event_id", ondelete="CASCADE"), nullable=False))
    version: int = _column(Integer)
    change: str = _column(Text)
    # Field name -> {"old": value, "new": value}.
    changes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    actor: str = _column(Text)
    origin: str = _column(Text)
    changed_at: datetime = _column(MOMENT)
