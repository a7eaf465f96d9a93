"""Alembic environment of the events service."""

from lcn_events.models import metadata
from lcn_shared.migrations import run_env

run_env(metadata)
