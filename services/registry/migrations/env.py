"""Alembic environment of the registry service."""

from lcn_registry.models import metadata
from lcn_shared.migrations import run_env

run_env(metadata)
