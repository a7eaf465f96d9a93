"""Feed mappings: each source's column names, separators and value aliases, versioned (ADR 0022).

Every change of a mapping adds a version; an import job records the version its batches were read through.

Revision ID: b2e4f6a80005
Revises: b2e4f6a80004
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "b2e4f6a80005"
down_revision: str | None = "b2e4f6a80004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """The mapping versions, and the version each import job applies."""
    op.create_table(
        "feed_mapping",
        sa.Column("feed_source", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("mapping", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("feed_source", "version"),
    )
    op.add_column("import_job", sa.Column("mapping_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Drop them."""
    op.drop_column("import_job", "mapping_version")
    op.drop_table("feed_mapping")
