"""Registrations (a person's place at an event or occurrence, the waiting list, the person's link's digest), their
history, and the reminders sent (one per registration and rule).

Revision ID: e5b7c9d10003
Revises: e5b7c9d10002
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e5b7c9d10003"
down_revision: str | None = "e5b7c9d10002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = "('pending', 'confirmed', 'waitlisted', 'declined', 'cancelled')"


def _at(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    """A timestamp with time zone."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    """Create the tables and indexes."""
    op.create_table(
        "registration",
        sa.Column("registration_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("occurrence_date", sa.Date(), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("email_key", sa.Text(), nullable=True),
        sa.Column("organisation", sa.Text(), nullable=True),
        sa.Column("token_digest", sa.Text(), nullable=False),
        sa.Column("queued", sa.BigInteger(), nullable=True),
        _at("registered_at"),
        _at("confirmed_at", nullable=True),
        _at("cancelled_at", nullable=True),
        _at("anonymised_at", nullable=True),
        _at("updated_at"),
        sa.CheckConstraint(f"status IN {STATUSES}", name=op.f("ck_registration_status_known")),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.event_id"], name=op.f("fk_registration_event_id_event"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("registration_id", name=op.f("pk_registration")),
    )
    op.create_index(
        "uq_registration_person",
        "registration",
        ["event_id", "occurrence_date", "email_key"],
        unique=True,
        postgresql_where=sa.text("status <> 'cancelled' AND email_key IS NOT NULL"),
        postgresql_nulls_not_distinct=True,
    )
    op.create_index(
        "ix_registration_places", "registration", ["event_id", "occurrence_date", "status", "queued"], unique=False
    )
    op.create_index(
        "ix_registration_waiting",
        "registration",
        ["event_id", "occurrence_date"],
        unique=False,
        postgresql_where=sa.text("status = 'waitlisted'"),
    )
    op.create_index("ix_registration_listing", "registration", ["event_id", "seq"], unique=False)
    op.create_table(
        "registration_change",
        sa.Column("change_id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("registration_id", sa.Uuid(), nullable=False),
        sa.Column("change", sa.Text(), nullable=False),
        sa.Column("old_status", sa.Text(), nullable=True),
        sa.Column("new_status", sa.Text(), nullable=True),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("origin", sa.Text(), nullable=False),
        _at("changed_at"),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.registration_id"],
            name=op.f("fk_registration_change_registration_id_registration"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("change_id", name=op.f("pk_registration_change")),
    )
    op.create_index(
        "ix_registration_change_registration", "registration_change", ["registration_id", "change_id"], unique=False
    )
    op.create_table(
        "reminder_sent",
        sa.Column("registration_id", sa.Uuid(), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        _at("starts_at"),
        _at("sent_at"),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.registration_id"],
            name=op.f("fk_reminder_sent_registration_id_registration"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("registration_id", "rule", name=op.f("pk_reminder_sent")),
    )


def downgrade() -> None:
    """Drop the tables."""
    op.drop_table("reminder_sent")
    op.drop_index("ix_registration_change_registration", table_name="registration_change")
    op.drop_table("registration_change")
    for name in (
        "ix_registration_listing",
        "ix_registration_waiting",
        "ix_registration_places",
        "uq_registration_person",
    ):
        op.drop_index(name, table_name="registration")
    op.drop_table("registration")
