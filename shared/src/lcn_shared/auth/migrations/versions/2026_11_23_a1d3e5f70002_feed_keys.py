"""Feed keys: a key may speak for a feed source.

Revision ID: a1d3e5f70002
Revises: a1d3e5f70001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a1d3e5f70002"
down_revision: str | None = "a1d3e5f70001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add feed_source and allow the feed role."""
    op.add_column("api_key", sa.Column("feed_source", sa.Text()))
    op.drop_constraint(op.f("ck_api_key_role_known"), "api_key", type_="check")
    op.create_check_constraint(
        op.f("ck_api_key_role_known"),
        "api_key",
        "role IN ('admin', 'coordinator', 'conference_team', 'partner', 'feed')",
    )
    op.create_check_constraint(
        op.f("ck_api_key_feed_has_source"), "api_key", "(role = 'feed') = (feed_source IS NOT NULL)"
    )


def downgrade() -> None:
    """Remove feed keys' column and role."""
    op.execute("DELETE FROM api_key WHERE role = 'feed'")
    op.drop_constraint(op.f("ck_api_key_feed_has_source"), "api_key", type_="check")
    op.drop_constraint(op.f("ck_api_key_role_known"), "api_key", type_="check")
    op.create_check_constraint(
        op.f("ck_api_key_role_known"), "api_key", "role IN ('admin', 'coordinator', 'conference_team', 'partner')"
    )
    op.drop_column("api_key", "feed_source")
