"""The registrations' tables: one row per person and event (or occurrence of a series), and its history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import BigInteger, CheckConstraint, Column, Date, DateTime, ForeignKey, Identity, Index, Text, Uuid
from sqlalchemy import text as sql_text
from sqlmodel import Field

from lcn_events.tables import EventsTable

# pending -> confirmed / waitlisted / declined; waitlisted -> confirmed (promoted); any but declined -> cancelled.
STATUSES = ("pending", "confirmed", "waitlisted", "declined", "cancelled")
# A registration in one of these still stands: the same person registering again gets it back.
STANDING = ("pending", "confirmed", "waitlisted", "declined")


def _at(nullable: bool = False) -> Any:
    """A timestamp with time zone."""
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


def _personal() -> Any:
    """A column of personal data: null once anonymised."""
    return Field(default=None, sa_column=Column(Text, nullable=True))


class Registration(EventsTable, table=True):
    """One person's registration for an event, or for one occurrence of a series (named by its date in the series,
    as the calendar lists it, so that a moved occurrence keeps its registrations)."""

    __tablename__ = "registration"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES}", name="status_known"),
        # One standing registration per e-mail address (case-insensitive) and event or occurrence; a single event's
        # null occurrence counts as one value.
        Index(
            "uq_registration_person",
            "event_id",
            "occurrence_date",
            "email_key",
            unique=True,
            postgresql_where=sql_text("status <> 'cancelled' AND email_key IS NOT NULL"),
            postgresql_nulls_not_distinct=True,
        ),
        # Counts and the waiting list's order per event and occurrence.
        Index("ix_registration_places", "event_id", "occurrence_date", "status", "queued"),
        # The periodic check's places with a waiting list.
        Index(
            "ix_registration_waiting",
            "event_id",
            "occurrence_date",
            postgresql_where=sql_text("status = 'waitlisted'"),
        ),
        # The attendee list, in the order people registered.
        Index("ix_registration_listing", "event_id", "seq"),
    )

    registration_id: UUID = Field(primary_key=True)
    # The order registrations were made in (first come, first served), and the attendee list's cursor.
    seq: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(always=True), nullable=False))
    event_id: UUID = Field(sa_column=Column(Uuid, ForeignKey("event.event_id", ondelete="CASCADE"), nullable=False))
    occurrence_date: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    status: str = Field(sa_column=Column(Text, nullable=False))
    name: str | None = _personal()
    email: str | None = _personal()
    # The address in lower case: what makes two registrations the same person's.
    email_key: str | None = _personal()
    organisation: str | None = _personal()
    # SHA-256 of the secret in the person's own link; the secret itself is never stored.
    token_digest: str = Field(sa_column=Column(Text, nullable=False))
    # Its turn on the event's waiting list (set when it joins the list; the lowest waiting goes first).
    queued: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    registered_at: datetime = _at()
    confirmed_at: datetime | None = _at(nullable=True)
    cancelled_at: datetime | None = _at(nullable=True)
    anonymised_at: datetime | None = _at(nullable=True)
    updated_at: datetime = _at()


class RegistrationChange(EventsTable, table=True):
    """One step of a registration: which, from and to which status, who (never the person's name), from where."""

    __tablename__ = "registration_change"
    __table_args__ = (Index("ix_registration_change_registration", "registration_id", "change_id"),)

    change_id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(always=True), primary_key=True))
    registration_id: UUID = Field(
        sa_column=Column(Uuid, ForeignKey("registration.registration_id", ondelete="CASCADE"), nullable=False)
    )
    change: str = Field(sa_column=Column(Text, nullable=False))
    old_status: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    new_status: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # `registrant` (through the link), the organiser's or team's key, or `system` (promotion, anonymisation).
    actor: str = Field(sa_column=Column(Text, nullable=False))
    origin: str = Field(sa_column=Column(Text, nullable=False))
    changed_at: datetime = _at()
