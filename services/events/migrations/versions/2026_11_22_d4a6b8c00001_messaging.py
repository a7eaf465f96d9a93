"""Outbox and inbox.

Revision ID: d4a6b8c00001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from lcn_shared.migrations import create_messaging_tables, drop_messaging_tables

revision: str = "d4a6b8c00001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the messaging tables."""
    create_messaging_tables()


def downgrade() -> None:
    """Drop the messaging tables."""
    drop_messaging_tables()
