"""The base of the notify service's tables."""

from sqlmodel import SQLModel

from lcn_shared.db import table_registry
from lcn_shared.tables import include_kit_tables


class NotifyTable(SQLModel, registry=table_registry()):
    """Base of every notify table: its own metadata, apart from other services' tables."""


# The kit's outbox and inbox, defined once in the kit, live in this database too.
include_kit_tables(NotifyTable.metadata)
