"""An index on the read model's redirect, for the self-reference's checks when rows are deleted (a rebuild).

Revision ID: c3f5a7b90007
Revises: c3f5a7b90006
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c3f5a7b90007"
down_revision: str | None = "c3f5a7b90006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Index `merged_into` where it is set."""
    op.create_index(
        "ix_community_merged_into", "community", ["merged_into"], postgresql_where=sa.text("merged_into IS NOT NULL")
    )


def downgrade() -> None:
    """Drop the index."""
    op.drop_index("ix_community_merged_into", table_name="community")
