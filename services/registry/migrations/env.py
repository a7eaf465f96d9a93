"""Alembic environment of the registry service."""

import lcn_registry.models  # noqa: F401  (registers the tables)
from lcn_registry.tables import RegistryTable
from lcn_shared.migrations import run_env

run_env(RegistryTable.metadata)
