"""Alembic environment of the notify service."""

from lcn_notify.models import metadata
from lcn_shared.migrations import run_env

run_env(metadata)
