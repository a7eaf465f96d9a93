"""API keys.

Revision ID: a1d3e5f70001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a1d3e5f70001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the api_key table."""
    op.create_table(
        "api_key",
        sa.Column("key_id", sa.Text(), nullable=False),
        sa.Column("key_hash", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("organisation_id", sa.Uuid()),
        sa.Column("organisation_name", sa.Text()),
        sa.Column("label", sa.Text(), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("key_id", name="pk_api_key"),
        sa.CheckConstraint(
            "role IN ('admin', 'coordinator', 'conference_team', 'partner')", name="ck_api_key_role_known"
        ),
        sa.CheckConstraint("(role = 'partner') = (organisation_id IS NOT NULL)", name="ck_api_key_partner_has_org"),
    )


def downgrade() -> None:
    """Drop the api_key table."""
    op.drop_table("api_key")
