"""The read model keeps communities' dates, the survivor every id counts under, and who may edit.

Revision ID: c3f5a7b90003
Revises: c3f5a7b90002
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c3f5a7b90003"
down_revision: str | None = "c3f5a7b90002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add start and end dates and `survivor_id` (filled from the merge chains); partners' leads may edit."""
    op.add_column("community", sa.Column("start_date", sa.Date()))
    op.add_column("community", sa.Column("end_date", sa.Date()))
    op.add_column("community", sa.Column("survivor_id", sa.Uuid()))
    op.execute("""
        WITH RECURSIVE chain(community_id, survivor_id) AS (
            SELECT community_id, community_id FROM community WHERE merged_into IS NULL
            UNION
            SELECT merged.community_id, chain.survivor_id
            FROM community merged JOIN chain ON merged.merged_into = chain.community_id
        )
        UPDATE community SET survivor_id = chain.survivor_id
        FROM chain WHERE community.community_id = chain.community_id
    """)
    # A cycle of merges has no end; such rows count under themselves.
    op.execute("UPDATE community SET survivor_id = community_id WHERE survivor_id IS NULL")
    op.alter_column("community", "survivor_id", nullable=False)
    op.create_index("ix_community_survivor_id", "community", ["survivor_id"])
    # Events before `can_edit` was carried: a lead may edit, as the registry rules.
    op.execute("""
        UPDATE community SET partners = (
            SELECT coalesce(
                jsonb_object_agg(key, value || jsonb_build_object('can_edit', value->>'role' = 'lead')), '{}'
            )
            FROM jsonb_each(partners)
        )
    """)


def downgrade() -> None:
    """Drop what the upgrade added."""
    op.drop_index("ix_community_survivor_id", table_name="community")
    for name in ("start_date", "end_date", "survivor_id"):
        op.drop_column("community", name)
