"""Every table of the events service, for Alembic (so far only the kit's, which come in through `tables.py`)."""

from lcn_events.tables import EventsTable

metadata = EventsTable.metadata

__all__ = ["metadata"]
