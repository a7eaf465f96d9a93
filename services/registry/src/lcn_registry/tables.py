"""The base of the registry service's tables."""

from sqlmodel import SQLModel

from lcn_shared.db import table_registry


class RegistryTable(SQLModel, registry=table_registry()):
    """Base of every registry table: its own metadata, apart from other services' tables."""
