"""Every table of the notify service, for Alembic (so far only the kit's, which come in through `tables.py`)."""

from lcn_notify.tables import NotifyTable

metadata = NotifyTable.metadata

__all__ = ["metadata"]
