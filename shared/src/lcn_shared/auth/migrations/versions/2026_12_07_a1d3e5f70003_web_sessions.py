"""Web sessions: a browser signed in with an API key (ADR 0026).

Only the SHA-256 of the session token is stored; a session belongs to the key it was made from and goes with it.

Revision ID: a1d3e5f70003
Revises: a1d3e5f70002
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a1d3e5f70003"
down_revision: str | None = "a1d3e5f70002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the web_session table."""
    op.create_table(
        "web_session",
        sa.Column("token_hash", sa.Text(), nullable=False),
        sa.Column("key_id", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name="pk_web_session"),
        sa.ForeignKeyConstraint(
            ["key_id"], ["api_key.key_id"], name="fk_web_session_key_id_api_key", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_web_session_key_id", "web_session", ["key_id"])


def downgrade() -> None:
    """Drop the web_session table."""
    op.drop_index("ix_web_session_key_id", table_name="web_session")
    op.drop_table("web_session")
