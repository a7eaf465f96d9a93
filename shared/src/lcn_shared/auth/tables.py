"""The base of the identity store's tables: the kit's own database, with metadata of its own."""

from sqlmodel import SQLModel

from lcn_shared.db import table_registry


class IdentityTable(SQLModel, registry=table_registry()):
    """Base of every identity-store table (API keys), apart from every service's tables."""
