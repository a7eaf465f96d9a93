"""The base of the registry service's tables."""

from sqlmodel import SQLModel

from lcn_shared.db import table_registry
from lcn_shared.tables import include_kit_tables


class RegistryTable(SQLModel, registry=table_registry()):
    """Base of every registry table: its own metadata, apart from other services' tables."""


# The kit's outbox and inbox and idempotency table, defined once in the kit, live in this database too.
include_kit_tables(RegistryTable.metadata, idempotency=True)
