"""The base of the monitor service's tables."""

from sqlmodel import SQLModel

from lcn_shared.db import table_registry


class MonitorTable(SQLModel, registry=table_registry()):
    """Base of every monitor table: its own metadata, apart from other services' tables."""
