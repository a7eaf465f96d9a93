"""Community read model, outbox and inbox.

Revision ID: c3f5a7b90001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from lcn_shared.migrations import create_messaging_tables, drop_messaging_tables

revision: str = "c3f5a7b90001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the community read model and the messaging tables."""
    create_messaging_tables()
    op.create_table(
        "community",
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("landsdeel", sa.Text(), nullable=False),
        sa.Column("topsectors", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("owner_organisation_id", sa.Uuid()),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_event_id", sa.Text(), nullable=False),
        sa.Column("projected_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.clock_timestamp()),
        sa.PrimaryKeyConstraint("community_id", name="pk_community"),
    )


def downgrade() -> None:
    """Drop everything the upgrade created."""
    op.drop_table("community")
    drop_messaging_tables()
