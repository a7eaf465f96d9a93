"""An index of the records each feed delivers now: the search's `source` filter reads it alone.

Revision ID: b2e4f6a80003
Revises: b2e4f6a80002
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b2e4f6a80003"
down_revision: str | None = "b2e4f6a80002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Index the active records by feed and community."""
    op.create_index(
        "ix_source_record_active_source",
        "source_record",
        ["feed_source", "community_id"],
        postgresql_where=sa.text("state = 'active'"),
    )


def downgrade() -> None:
    """Drop the index."""
    op.drop_index("ix_source_record_active_source", table_name="source_record")
