"""One lead per community: at most one membership with role lead (ownership, issue 8; ADR 0021).

Before the index, a community that has more than one lead keeps one: its registrant's (the owner) if that is
a lead, else the earliest; the others stay as partners who may edit, as a handover leaves the previous lead.

Revision ID: b2e4f6a80004
Revises: b2e4f6a80003
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b2e4f6a80004"
down_revision: str | None = "b2e4f6a80003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEEP_ONE_LEAD = """
UPDATE membership SET role = 'partner', can_edit = true
FROM (
    SELECT membership.community_id, membership.organisation_id,
           row_number() OVER (
               PARTITION BY membership.community_id
               ORDER BY membership.organisation_id IS NOT DISTINCT FROM community.owner_organisation_id DESC,
                        membership.created_at, membership.organisation_id
           ) AS rank
    FROM membership JOIN community USING (community_id)
    WHERE membership.role = 'lead'
) AS leads
WHERE membership.community_id = leads.community_id AND membership.organisation_id = leads.organisation_id
  AND leads.rank > 1
"""


def upgrade() -> None:
    """Keep one lead per community, then let the database refuse a second."""
    op.execute(KEEP_ONE_LEAD)
    op.create_index(
        "ix_membership_one_lead",
        "membership",
        ["community_id"],
        unique=True,
        postgresql_where=sa.text("role = 'lead'"),
    )


def downgrade() -> None:
    """Drop the index (the demoted leads stay partners)."""
    op.drop_index("ix_membership_one_lead", table_name="membership")
