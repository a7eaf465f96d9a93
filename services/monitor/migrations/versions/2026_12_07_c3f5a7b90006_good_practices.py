"""Good practices (with a Dutch full-text search vector) and their history.

Revision ID: c3f5a7b90006
Revises: c3f5a7b90005
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "c3f5a7b90006"
down_revision: str | None = "c3f5a7b90005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CODE_COLUMNS = ("problem_categories", "success_factors", "learning_functions", "target_groups")
SEARCH_VECTOR = (
    "setweight(to_tsvector('dutch'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('dutch'::regconfig, coalesce(summary, '')), 'B') || "
    "setweight(to_tsvector('dutch'::regconfig, coalesce(lessons_learned, '')), 'B')"
)


def _texts(name: str) -> sa.Column:  # type: ignore[type-arg]
    """A non-null text array column, empty by default."""
    return sa.Column(name, postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False)


def upgrade() -> None:
    """Create the tables and indexes."""
    op.create_table(
        "practice",
        sa.Column("practice_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("lessons_learned", sa.Text(), nullable=False),
        sa.Column("link", sa.Text(), nullable=True),
        *(_texts(name) for name in CODE_COLUMNS),
        _texts("indicator_keys"),
        sa.Column("curation", sa.Text(), server_default="submitted", nullable=False),
        sa.Column("curation_note", sa.Text(), nullable=True),
        sa.Column("curated_by", sa.Text(), nullable=True),
        sa.Column("curated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("curated_version", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("search_vector", postgresql.TSVECTOR(), sa.Computed(SEARCH_VECTOR, persisted=True), nullable=True),
        sa.CheckConstraint(
            "curation IN ('submitted', 'published', 'featured', 'hidden')", name=op.f("ck_practice_curation_known")
        ),
        sa.PrimaryKeyConstraint("practice_id", name=op.f("pk_practice")),
    )
    op.create_index("ix_practice_community_id", "practice", ["community_id"], unique=False)
    op.create_index("ix_practice_created_order", "practice", ["created_at", "practice_id"], unique=False)
    op.create_index("ix_practice_search_vector", "practice", ["search_vector"], postgresql_using="gin")
    op.create_index("ix_practice_indicator_keys", "practice", ["indicator_keys"], postgresql_using="gin")
    for name in CODE_COLUMNS:
        op.create_index(f"ix_practice_{name}", "practice", [name], postgresql_using="gin")
    op.create_table(
        "practice_change",
        sa.Column("change_id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("practice_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("change", sa.Text(), nullable=False),
        sa.Column("changes", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practice.practice_id"],
            name=op.f("fk_practice_change_practice_id_practice"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("change_id", name=op.f("pk_practice_change")),
    )
    op.create_index("ix_practice_change_practice", "practice_change", ["practice_id", "change_id"], unique=False)


def downgrade() -> None:
    """Drop the tables."""
    op.drop_index("ix_practice_change_practice", table_name="practice_change")
    op.drop_table("practice_change")
    for name in reversed(CODE_COLUMNS):
        op.drop_index(f"ix_practice_{name}", table_name="practice")
    op.drop_index("ix_practice_indicator_keys", table_name="practice")
    op.drop_index("ix_practice_search_vector", table_name="practice")
    op.drop_index("ix_practice_created_order", table_name="practice")
    op.drop_index("ix_practice_community_id", table_name="practice")
    op.drop_table("practice")
