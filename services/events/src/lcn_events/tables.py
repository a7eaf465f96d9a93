"""The base of the events service's tables."""

from sqlmodel import SQLModel

from lcn_shared.db import table_registry
from lcn_shared.tables import include_kit_tables


class EventsTable(SQLModel, registry=table_registry()):
    """Base of every events table: its own metadata, apart from other services' tables."""


# The kit's outbox and inbox, defined once in the kit, live in this database too; so do the answers to POSTs with
# an `Idempotency-Key`.
include_kit_tables(EventsTable.metadata, idempotency=True)
