"""Alembic environment of the identity store."""

import lcn_shared.auth.keys  # noqa: F401  (defines the tables)
from lcn_shared.auth.tables import IdentityTable
from lcn_shared.migrations import run_env

run_env(IdentityTable.metadata)
