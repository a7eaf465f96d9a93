"""Events (single ones and series), their occurrences changed on their own, their history; the directory of
organisation and community names; the answers to POSTs with an `Idempotency-Key`.

Revision ID: e5b7c9d10002
Revises: d4a6b8c00001
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from lcn_shared.migrations import create_idempotency_table

revision: str = "e5b7c9d10002"
down_revision: str | None = "d4a6b8c00001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = "('draft', 'published', 'rescheduled', 'cancelled', 'completed')"
EVENT_INDEXES = {
    "ix_event_starts_at": "starts_at",
    "ix_event_last_ends_at": "last_ends_at",
    "ix_event_organiser_id": "organiser_id",
    "ix_event_status": "status",
}


def _texts(name: str) -> sa.Column:  # type: ignore[type-arg]
    """A non-null text array column, empty by default."""
    return sa.Column(name, postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False)


def _at(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    """A timestamp with time zone."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _flag(name: str) -> sa.Column:  # type: ignore[type-arg]
    """A non-null boolean, false by default."""
    return sa.Column(name, sa.Boolean(), server_default="false", nullable=False)


def upgrade() -> None:
    """Create the tables and indexes."""
    create_idempotency_table()
    op.create_table(
        "event",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        _flag("major"),
        sa.Column("organiser_id", sa.Uuid(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("community_ids", postgresql.ARRAY(sa.Uuid()), server_default="{}", nullable=False),
        sa.Column("timezone", sa.Text(), nullable=False),
        _flag("all_day"),
        _at("starts_at"),
        _at("ends_at", nullable=True),
        sa.Column("recurrence", sa.Text(), nullable=True),
        _at("last_ends_at", nullable=True),
        sa.Column("venue", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("online_url", sa.Text(), nullable=True),
        _texts("landsdelen"),
        _texts("topsectors"),
        _texts("themes"),
        sa.Column("capacity", sa.Integer(), nullable=True),
        _at("registration_opens_at", nullable=True),
        _at("registration_closes_at", nullable=True),
        _flag("requires_approval"),
        sa.Column("status", sa.Text(), server_default="draft", nullable=False),
        sa.Column("sequence", sa.Integer(), server_default="0", nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _at("published_at", nullable=True),
        sa.Column("created_by", sa.Text(), nullable=False),
        _at("created_at"),
        sa.Column("updated_by", sa.Text(), nullable=False),
        _at("updated_at"),
        sa.CheckConstraint(f"status IN {STATUSES}", name=op.f("ck_event_status_known")),
        sa.CheckConstraint("ends_at IS NULL OR ends_at >= starts_at", name=op.f("ck_event_ends_after_start")),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event")),
    )
    for name, column in EVENT_INDEXES.items():
        op.create_index(name, "event", [column], unique=False)
    op.create_table(
        "occurrence_override",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        _at("original_starts_at"),
        sa.Column("state", sa.Text(), nullable=False),
        _at("starts_at"),
        _at("ends_at", nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=False),
        _at("updated_at"),
        sa.CheckConstraint("state IN ('moved', 'cancelled')", name=op.f("ck_occurrence_override_state_known")),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.event_id"], name=op.f("fk_occurrence_override_event_id_event"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", "original_starts_at", name=op.f("pk_occurrence_override")),
    )
    op.create_table(
        "event_change",
        sa.Column("change_id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("change", sa.Text(), nullable=False),
        sa.Column("changes", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("origin", sa.Text(), nullable=False),
        _at("changed_at"),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.event_id"], name=op.f("fk_event_change_event_id_event"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("change_id", name=op.f("pk_event_change")),
    )
    op.create_index("ix_event_change_event", "event_change", ["event_id", "change_id"], unique=False)
    op.create_table(
        "community",
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("merged_into", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("community_id", name=op.f("pk_community")),
    )
    op.create_table(
        "organisation",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        _at("named_at"),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_organisation")),
    )


def downgrade() -> None:
    """Drop the tables."""
    op.drop_table("organisation")
    op.drop_table("community")
    op.drop_index("ix_event_change_event", table_name="event_change")
    op.drop_table("event_change")
    op.drop_table("occurrence_override")
    for name in reversed(EVENT_INDEXES):
        op.drop_index(name, table_name="event")
    op.drop_table("event")
    op.drop_table("idempotent_request")
