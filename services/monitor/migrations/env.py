"""Alembic environment of the monitor service."""

from lcn_monitor.models import metadata
from lcn_shared.migrations import run_env

run_env(metadata)
