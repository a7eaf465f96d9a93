"""Alembic environment of the notify service."""

import lcn_notify.models  # noqa: F401  (registers the tables)
from lcn_notify.tables import NotifyTable
from lcn_shared.migrations import run_env

run_env(NotifyTable.metadata)
