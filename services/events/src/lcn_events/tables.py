"""The base of the events service's tables."""

from sqlmodel import SQLModel

from lcn_shared.db import table_registry


class EventsTable(SQLModel, registry=table_registry()):
    """Base of every events table: its own metadata, apart from other services' tables."""
