"""Communities, outbox and inbox.

Revision ID: b2e4f6a80001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from lcn_shared.migrations import create_messaging_tables, drop_messaging_tables

revision: str = "b2e4f6a80001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the community table and the messaging tables."""
    create_messaging_tables()
    op.create_table(
        "community",
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("landsdeel", sa.Text(), nullable=False),
        sa.Column("topsectors", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("owner_organisation_id", sa.Uuid()),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("community_id", name="pk_community"),
    )
    op.create_index("ix_community_owner_organisation_id", "community", ["owner_organisation_id"])


def downgrade() -> None:
    """Drop everything the upgrade created."""
    op.drop_table("community")
    drop_messaging_tables()
