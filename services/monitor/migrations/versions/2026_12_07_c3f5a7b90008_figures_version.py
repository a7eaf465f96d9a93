"""The figures' version: a counter every statement changing what a figure is made of moves on, by trigger.

Revision ID: c3f5a7b90008
Revises: c3f5a7b90007
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c3f5a7b90008"
down_revision: str | None = "c3f5a7b90007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out here, not imported from the service's code, so this revision stays what it was.
FIGURE_SOURCES = (
    "community",
    "report",
    "report_conflict_choice",
    "reporting_period",
    "indicator",
    "indicator_baseline",
    "indicator_target",
    "indicator_observation",
)


def upgrade() -> None:
    """The one-row table, the function that moves it on, and a statement trigger on each source table."""
    op.create_table(
        "figures_version",
        sa.Column("singleton", sa.Boolean(), server_default="true", nullable=False),
        sa.Column("version", sa.BigInteger(), server_default="0", nullable=False),
        sa.CheckConstraint("singleton", name=op.f("ck_figures_version_one_row")),
        sa.PrimaryKeyConstraint("singleton", name=op.f("pk_figures_version")),
    )
    op.execute("INSERT INTO figures_version (singleton, version) VALUES (true, 0)")
    # Once a transaction: a bulk write runs its statement once per row (executemany), and the version needs to move
    # only once before the commit; a transaction-local setting remembers that it did.
    op.execute("""
        CREATE FUNCTION lcn_figures_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF current_setting('lcn.figures_changed_in', true) = txid_current()::text THEN
                RETURN NULL;
            END IF;
            PERFORM set_config('lcn.figures_changed_in', txid_current()::text, true);
            UPDATE figures_version SET version = version + 1;
            RETURN NULL;
        END $$
    """)
    for table in FIGURE_SOURCES:
        op.execute(
            f"CREATE TRIGGER figures_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION lcn_figures_changed()"
        )


def downgrade() -> None:
    """Drop the triggers, the function and the table."""
    for table in FIGURE_SOURCES:
        op.execute(f"DROP TRIGGER figures_changed ON {table}")
    op.execute("DROP FUNCTION lcn_figures_changed()")
    op.drop_table("figures_version")
