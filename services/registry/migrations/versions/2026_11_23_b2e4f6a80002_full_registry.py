"""The full registry: the community's domain model, history, organisations, feeds, matching, idempotency.

Revision ID: b2e4f6a80002
Revises: b2e4f6a80001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from lcn_shared.migrations import create_idempotency_table

revision: str = "b2e4f6a80002"
down_revision: str | None = "b2e4f6a80001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIST_FIELDS = (
    "kinds",
    "education_levels",
    "topsectors",
    "societal_challenges",
    "key_technologies",
    "learning_functions",
    "learning_forms",
    "problem_categories",
    "target_groups",
    "funding_sources",
)
NEW_LIST_FIELDS = tuple(name for name in LIST_FIELDS if name != "topsectors")  # the first revision has it
SEARCH_VECTOR = (
    "setweight(to_tsvector('dutch'::regconfig, coalesce(name, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(municipality, '')), 'B') || "
    "setweight(to_tsvector('dutch'::regconfig, coalesce(description, '')), 'C')"
)


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    """A timezone-aware timestamp column."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _extend_community() -> None:
    """Every field of the domain model on the existing community table; `kind` becomes `kinds`."""
    for name in NEW_LIST_FIELDS:
        op.add_column("community", sa.Column(name, postgresql.ARRAY(sa.Text()), nullable=False, server_default="{}"))
    op.execute("UPDATE community SET kinds = ARRAY[kind]")
    op.drop_column("community", "kind")
    for name in ("primary_topsector", "province", "municipality", "phase", "website", "description"):
        op.add_column("community", sa.Column(name, sa.Text()))
    op.execute("UPDATE community SET primary_topsector = topsectors[1]")
    op.add_column("community", sa.Column("latitude", sa.Double()))
    op.add_column("community", sa.Column("longitude", sa.Double()))
    op.add_column("community", sa.Column("status", sa.Text(), nullable=False, server_default="active"))
    op.add_column("community", sa.Column("start_date", sa.Date()))
    op.add_column("community", sa.Column("end_date", sa.Date()))
    op.add_column("community", sa.Column("synthetic", sa.Boolean(), nullable=False, server_default="false"))
    op.add_column("community", sa.Column("provenance", postgresql.JSONB(), nullable=False, server_default="{}"))
    op.add_column(
        "community", sa.Column("search_vector", postgresql.TSVECTOR(), sa.Computed(SEARCH_VECTOR, persisted=True))
    )
    for name in LIST_FIELDS:
        op.create_index(f"ix_community_{name}", "community", [name], postgresql_using="gin")
    op.create_index("ix_community_search_vector", "community", ["search_vector"], postgresql_using="gin")
    op.create_index("ix_community_name_order", "community", [sa.text("lower(name)"), "community_id"])
    op.create_index("ix_community_updated_order", "community", ["updated_at", "community_id"])
    op.create_index("ix_community_landsdeel", "community", ["landsdeel"])
    # Search: index-only counts by status, keyset pages by created_at, exact municipality in any case.
    op.create_index("ix_community_status", "community", ["status"])
    op.create_index("ix_community_created_order", "community", ["created_at", "community_id"])
    op.create_index("ix_community_municipality", "community", [sa.text("lower(municipality)")])


def _history_and_redirects() -> None:
    """Every change of a community, and the ids merged away."""
    op.create_table(
        "community_change",
        sa.Column("change_id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("change", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("origin", sa.Text(), nullable=False),
        sa.Column("changes", postgresql.JSONB(), nullable=False),
        _timestamp("changed_at"),
        sa.PrimaryKeyConstraint("change_id", name="pk_community_change"),
    )
    op.create_index("ix_community_change_community", "community_change", ["community_id", "change_id"])
    op.create_table(
        "community_redirect",
        sa.Column("merged_community_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        _timestamp("merged_at"),
        sa.PrimaryKeyConstraint("merged_community_id", name="pk_community_redirect"),
    )
    op.create_index("ix_community_redirect_community_id", "community_redirect", ["community_id"])


def _organisations() -> None:
    """Organisations and memberships."""
    op.create_table(
        "organisation",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_key", sa.Text(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("website", sa.Text()),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("organisation_id", name="pk_organisation"),
    )
    op.create_index("ix_organisation_name_key", "organisation", ["name_key"], unique=True)
    op.create_table(
        "membership",
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("can_edit", sa.Boolean(), nullable=False, server_default="false"),
        sa.Column("origin", sa.Text(), nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("community_id", "organisation_id", name="pk_membership"),
        sa.ForeignKeyConstraint(
            ["community_id"], ["community.community_id"], name="fk_membership_community_id_community"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.organisation_id"], name="fk_membership_organisation_id_organisation"
        ),
    )
    op.create_index("ix_membership_organisation", "membership", ["organisation_id", "community_id"])


def _feeds() -> None:
    """Source records (lineage), import jobs and their per-record results."""
    op.create_table(
        "source_record",
        sa.Column("feed_source", sa.Text(), nullable=False),
        sa.Column("external_id", sa.Text(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("raw", postgresql.JSONB(), nullable=False),
        sa.Column("record", postgresql.JSONB(), nullable=False),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("match", postgresql.JSONB(), nullable=False),
        _timestamp("first_seen_at"),
        _timestamp("last_seen_at"),
        sa.Column("last_job_id", sa.Uuid(), nullable=False),
        _timestamp("withdrawn_at", nullable=True),
        sa.PrimaryKeyConstraint("feed_source", "external_id", name="pk_source_record"),
    )
    op.create_index("ix_source_record_community", "source_record", ["community_id"])
    op.create_table(
        "import_job",
        sa.Column("job_id", sa.Uuid(), nullable=False),
        sa.Column("feed_source", sa.Text(), nullable=False),
        sa.Column("mode", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("counts", postgresql.JSONB(), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        _timestamp("created_at"),
        _timestamp("completed_at", nullable=True),
        sa.PrimaryKeyConstraint("job_id", name="pk_import_job"),
    )
    op.create_index("ix_import_job_source", "import_job", ["feed_source", "created_at"])
    op.create_table(
        "import_result",
        sa.Column("job_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.Text()),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text()),
        sa.Column("community_id", sa.Uuid()),
        sa.Column("link", sa.Text()),
        sa.PrimaryKeyConstraint("job_id", "position", name="pk_import_result"),
    )


def _matching() -> None:
    """Blocking keys and the review queue."""
    op.create_table(
        "match_key",
        sa.Column("block_key", sa.Text(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("block_key", "community_id", name="pk_match_key"),
    )
    op.create_index("ix_match_key_community", "match_key", ["community_id"])
    op.create_table(
        "match_review",
        sa.Column("review_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("candidate_id", sa.Uuid(), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("explanation", postgresql.JSONB(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        _timestamp("created_at"),
        _timestamp("decided_at", nullable=True),
        sa.Column("decided_by", sa.Text()),
        sa.PrimaryKeyConstraint("review_id", name="pk_match_review"),
    )
    op.create_index("ix_match_review_pair", "match_review", ["community_id", "candidate_id"], unique=True)
    op.create_index("ix_match_review_state", "match_review", ["state", "created_at"])


def _idempotency() -> None:
    """Answers of POSTs made with an Idempotency-Key (the kit's table, from its one definition)."""
    create_idempotency_table()


def upgrade() -> None:
    """Create everything the registry's domain needs."""
    _extend_community()
    _history_and_redirects()
    _organisations()
    _feeds()
    _matching()
    _idempotency()


def downgrade() -> None:
    """Back to the first revision's community (kinds collapse to their first kind)."""
    for table in (
        "idempotent_request",
        "match_review",
        "match_key",
        "import_result",
        "import_job",
        "source_record",
        "membership",
        "organisation",
        "community_redirect",
        "community_change",
    ):
        op.drop_table(table)
    for index in ("name_order", "updated_order", "created_order", "landsdeel", "status", "municipality"):
        op.drop_index(f"ix_community_{index}", "community")
    op.add_column("community", sa.Column("kind", sa.Text(), nullable=False, server_default="learning-community"))
    op.execute("UPDATE community SET kind = coalesce(kinds[1], 'learning-community')")
    for name in ("search_vector", "provenance", "synthetic", "end_date", "start_date", "status", "longitude"):
        op.drop_column("community", name)
    for name in ("latitude", "description", "website", "phase", "municipality", "province", "primary_topsector"):
        op.drop_column("community", name)
    for name in NEW_LIST_FIELDS:
        op.drop_column("community", name)
