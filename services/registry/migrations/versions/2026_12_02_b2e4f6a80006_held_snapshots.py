"""Held snapshots: a feed job that would withdraw too much waits for confirmation.

Revision ID: b2e4f6a80006
Revises: b2e4f6a80005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

revision: str = "b2e4f6a80006"
down_revision: str | None = "b2e4f6a80005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing yet."""


def downgrade() -> None:
    """Nothing yet."""
