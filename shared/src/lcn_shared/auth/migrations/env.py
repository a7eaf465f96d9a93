"""Alembic environment of the identity store."""

from lcn_shared.migrations import run_env

run_env()
