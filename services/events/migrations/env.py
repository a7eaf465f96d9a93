"""Alembic environment of the events service."""

import lcn_events.models  # noqa: F401  (registers the tables)
from lcn_events.tables import EventsTable
from lcn_shared.migrations import run_env

run_env(EventsTable.metadata)
