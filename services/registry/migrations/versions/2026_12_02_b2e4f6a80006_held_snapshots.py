"""Held snapshots: a feed job that would withdraw too much waits for confirmation (ADR 0023).

The job keeps when it was held, how many records it would withdraw and why; the records themselves
are found again from `source_record` (active, not seen by the job, last seen before the hold).

Revision ID: b2e4f6a80006
Revises: b2e4f6a80005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b2e4f6a80006"
down_revision: str | None = "b2e4f6a80005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the held state's columns to import jobs."""
    op.add_column("import_job", sa.Column("held_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("import_job", sa.Column("held_withdrawals", sa.Integer(), nullable=True))
    op.add_column("import_job", sa.Column("hold_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    """Drop them."""
    op.drop_column("import_job", "hold_reason")
    op.drop_column("import_job", "held_withdrawals")
    op.drop_column("import_job", "held_at")
