"""The community read model follows every registry change: kinds, region, status, partners, versions, merges.

Revision ID: c3f5a7b90002
Revises: c3f5a7b90001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "c3f5a7b90002"
down_revision: str | None = "c3f5a7b90001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIST_COLUMNS = ("kinds", "key_technologies", "education_levels")
TEXT_COLUMNS = ("primary_topsector", "province", "municipality", "phase")


def upgrade() -> None:
    """Add the registry's newer fields, the applied version, the merge redirect and the partners."""
    for name in LIST_COLUMNS:
        op.add_column("community", sa.Column(name, postgresql.ARRAY(sa.Text()), nullable=False, server_default="{}"))
    for name in TEXT_COLUMNS:
        op.add_column("community", sa.Column(name, sa.Text()))
    op.add_column("community", sa.Column("status", sa.Text(), nullable=False, server_default="active"))
    # Rows so far came from `registered` events, which are version 1 of their community.
    op.add_column("community", sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("community", sa.Column("merged_into", sa.Uuid()))
    # Partners as one JSONB map (organisation id -> name, type, role) rather than a table: the read
    # model always serves them with their community, and a membership change is then one update of
    # one row under the same version guard as every other change.
    op.add_column("community", sa.Column("partners", postgresql.JSONB(), nullable=False, server_default="{}"))
    op.add_column("community", sa.Column("updated_at", sa.DateTime(timezone=True)))
    # The same backfill the registry did on its own rows (without events), so both sides agree.
    op.execute(
        "UPDATE community SET kinds = ARRAY[kind], primary_topsector = topsectors[1], updated_at = registered_at"
    )
    op.alter_column("community", "updated_at", nullable=False)
    op.create_foreign_key(
        "fk_community_merged_into_community", "community", "community", ["merged_into"], ["community_id"]
    )
    # Listings read only the communities not merged away, by name.
    listed = sa.text("merged_into IS NULL")
    op.create_index("ix_community_listed_name", "community", ["name", "community_id"], postgresql_where=listed)


def downgrade() -> None:
    """Drop everything the upgrade added."""
    op.drop_index("ix_community_listed_name", table_name="community")
    op.drop_constraint("fk_community_merged_into_community", "community", type_="foreignkey")
    for name in (*LIST_COLUMNS, *TEXT_COLUMNS, "status", "version", "merged_into", "partners", "updated_at"):
        op.drop_column("community", name)
