"""Alembic environment of the monitor service."""

import lcn_monitor.models  # noqa: F401  (registers the tables)
from lcn_monitor.tables import MonitorTable
from lcn_shared.migrations import run_env

run_env(MonitorTable.metadata)
