"""One lead per community: at most one membership with role lead (ownership, issue 8).

Revision ID: b2e4f6a80004
Revises: b2e4f6a80003
Create Date: 2026-12-02
"""

from collections.abc import Sequence

revision: str = "b2e4f6a80004"
down_revision: str | None = "b2e4f6a80003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing yet."""


def downgrade() -> None:
    """Nothing yet."""
