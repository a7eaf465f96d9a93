"""Indicators (definitions, baselines, targets, observations, history, status), reporting periods and reports
(revisions, audit trail, overdue notices, conflict choices).

Revision ID: c3f5a7b90004
Revises: c3f5a7b90003
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from lcn_shared.migrations import create_idempotency_table

revision: str = "c3f5a7b90004"
down_revision: str | None = "c3f5a7b90003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the tables, and the kit's table of answers under `Idempotency-Key` (a report's POST takes one)."""
    create_idempotency_table()
    op.create_table(
        "indicator",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("name_nl", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("direction", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("aggregation", sa.Text(), nullable=False),
        sa.Column("definition", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("tolerance", sa.Double(), server_default="0.1", nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "aggregation IN ('count', 'cumulative', 'per_period', 'ratio')", name=op.f("ck_indicator_aggregation_known")
        ),
        sa.CheckConstraint("direction IN ('higher', 'lower')", name=op.f("ck_indicator_direction_known")),
        sa.CheckConstraint("source IN ('registry', 'reports', 'ratio')", name=op.f("ck_indicator_source_known")),
        sa.CheckConstraint("unit IN ('count', 'eur', 'ratio')", name=op.f("ck_indicator_unit_known")),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_indicator")),
    )
    op.create_table(
        "indicator_change",
        sa.Column("change_id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("indicator_key", sa.Text(), nullable=False),
        sa.Column("part", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=True),
        sa.Column("change", sa.Text(), nullable=False),
        sa.Column("changes", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("change_id", name=op.f("pk_indicator_change")),
    )
    op.create_index("ix_indicator_change_indicator", "indicator_change", ["indicator_key", "change_id"], unique=False)
    op.create_table(
        "reporting_period",
        sa.Column("period_id", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("reports_required", sa.Boolean(), server_default="true", nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "starts_on <= ends_on AND ends_on <= deadline AND deadline <= closes_on",
            name=op.f("ck_reporting_period_dates_in_order"),
        ),
        sa.PrimaryKeyConstraint("period_id", name=op.f("pk_reporting_period")),
    )
    op.create_table(
        "indicator_baseline",
        sa.Column("indicator_key", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("source_note", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_key"],
            ["indicator.key"],
            name=op.f("fk_indicator_baseline_indicator_key_indicator"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("indicator_key", "scope", name=op.f("pk_indicator_baseline")),
    )
    op.create_table(
        "indicator_observation",
        sa.Column("indicator_key", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("period_id", sa.Text(), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("source_note", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_key"],
            ["indicator.key"],
            name=op.f("fk_indicator_observation_indicator_key_indicator"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["reporting_period.period_id"],
            name=op.f("fk_indicator_observation_period_id_reporting_period"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("indicator_key", "scope", "period_id", name=op.f("pk_indicator_observation")),
    )
    op.create_table(
        "indicator_status",
        sa.Column("indicator_key", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("actual", sa.Double(), nullable=False),
        sa.Column("expected", sa.Double(), nullable=True),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_key"],
            ["indicator.key"],
            name=op.f("fk_indicator_status_indicator_key_indicator"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("indicator_key", "scope", name=op.f("pk_indicator_status")),
    )
    op.create_table(
        "indicator_target",
        sa.Column("indicator_key", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("source_note", sa.Text(), nullable=False),
        sa.Column("trajectory", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_key"],
            ["indicator.key"],
            name=op.f("fk_indicator_target_indicator_key_indicator"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("indicator_key", "scope", "due_on", name=op.f("pk_indicator_target")),
    )
    op.create_table(
        "report",
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("period_id", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("approved_revision", sa.Integer(), nullable=True),
        sa.Column("counted_companies", sa.BigInteger(), nullable=True),
        sa.Column("counted_students", sa.BigInteger(), nullable=True),
        sa.Column("counted_employees", sa.BigInteger(), nullable=True),
        sa.Column("counted_teachers", sa.BigInteger(), nullable=True),
        sa.Column("counted_new_outputs", sa.BigInteger(), nullable=True),
        sa.Column("counted_cofinancing_cash_eur", sa.BigInteger(), nullable=True),
        sa.Column("counted_cofinancing_in_kind_eur", sa.BigInteger(), nullable=True),
        sa.Column("first_submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "state IN ('draft', 'submitted', 'returned', 'approved')", name=op.f("ck_report_state_known")
        ),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["reporting_period.period_id"],
            name=op.f("fk_report_period_id_reporting_period"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("report_id", name=op.f("pk_report")),
        sa.UniqueConstraint("source", "community_id", "period_id", name="uq_report_source_community_period"),
    )
    op.create_index("ix_report_community_id", "report", ["community_id"], unique=False)
    op.create_index("ix_report_period_id", "report", ["period_id"], unique=False)
    op.create_table(
        "report_overdue",
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("period_id", sa.Text(), nullable=False),
        sa.Column("noticed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["reporting_period.period_id"],
            name=op.f("fk_report_overdue_period_id_reporting_period"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("community_id", "period_id", name=op.f("pk_report_overdue")),
    )
    op.create_table(
        "report_change",
        sa.Column("change_id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("change", sa.Text(), nullable=False),
        sa.Column("changes", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.report_id"], name=op.f("fk_report_change_report_id_report"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("change_id", name=op.f("pk_report_change")),
    )
    op.create_index("ix_report_change_report", "report_change", ["report_id", "change_id"], unique=False)
    op.create_table(
        "report_conflict_choice",
        sa.Column("survivor_id", sa.Uuid(), nullable=False),
        sa.Column("period_id", sa.Text(), nullable=False),
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["reporting_period.period_id"],
            name=op.f("fk_report_conflict_choice_period_id_reporting_period"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.report_id"],
            name=op.f("fk_report_conflict_choice_report_id_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("survivor_id", "period_id", name=op.f("pk_report_conflict_choice")),
    )
    op.create_table(
        "report_revision",
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("companies", sa.BigInteger(), nullable=True),
        sa.Column("students", sa.BigInteger(), nullable=True),
        sa.Column("employees", sa.BigInteger(), nullable=True),
        sa.Column("teachers", sa.BigInteger(), nullable=True),
        sa.Column("new_outputs", sa.BigInteger(), nullable=True),
        sa.Column("cofinancing_cash_eur", sa.BigInteger(), nullable=True),
        sa.Column("cofinancing_in_kind_eur", sa.BigInteger(), nullable=True),
        sa.Column("results", sa.Text(), nullable=True),
        sa.Column("bottlenecks", sa.Text(), nullable=True),
        sa.Column("solutions", sa.Text(), nullable=True),
        sa.Column("correction_reason", sa.Text(), nullable=True),
        sa.Column("warnings", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False),
        sa.Column("return_reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_by", sa.Text(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "state IN ('draft', 'submitted', 'returned', 'approved')", name=op.f("ck_report_revision_state_known")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.report_id"], name=op.f("fk_report_revision_report_id_report"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("report_id", "revision", name=op.f("pk_report_revision")),
    )


def downgrade() -> None:
    """Drop the tables."""
    op.drop_table("idempotent_request")
    op.drop_table("report_revision")
    op.drop_table("report_conflict_choice")
    op.drop_index("ix_report_change_report", table_name="report_change")
    op.drop_table("report_change")
    op.drop_table("report_overdue")
    op.drop_index("ix_report_period_id", table_name="report")
    op.drop_index("ix_report_community_id", table_name="report")
    op.drop_table("report")
    op.drop_table("indicator_target")
    op.drop_table("indicator_status")
    op.drop_table("indicator_observation")
    op.drop_table("indicator_baseline")
    op.drop_table("reporting_period")
    op.drop_index("ix_indicator_change_indicator", table_name="indicator_change")
    op.drop_table("indicator_change")
    op.drop_table("indicator")
