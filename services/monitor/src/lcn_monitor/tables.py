"""The base of the monitor service's tables."""

from sqlmodel import SQLModel

from lcn_shared.db import table_registry
from lcn_shared.tables import include_kit_tables


class MonitorTable(SQLModel, registry=table_registry()):
    """Base of every monitor table: its own metadata, apart from other services' tables."""


# The kit's outbox and inbox, defined once in the kit, live in this database too; so do the answers to POSTs with
# an `Idempotency-Key` (reports and good practices take one).
include_kit_tables(MonitorTable.metadata, idempotency=True)
