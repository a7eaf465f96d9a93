"""The base of the notify service's tables."""

from sqlmodel import SQLModel

from lcn_shared.db import table_registry


class NotifyTable(SQLModel, registry=table_registry()):
    """Base of every notify table: its own metadata, apart from other services' tables."""
