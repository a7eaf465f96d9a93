"""The kit's own tables (outbox, inbox, idempotency): defined once, copied into every service's metadata.

They live on a metadata of their own, never on SQLModel's global one, so no Alembic environment
picks them up by accident: a service includes them by calling `include_kit_tables` from its
`tables.py`, and its first migration creates them from the same definitions
(`lcn_shared.migrations.create_messaging_tables`).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel

from lcn_shared.db import table_registry


class KitTable(SQLModel, registry=table_registry()):
    """Base of the kit's tables; the kit's code reads and writes them through these classes."""


def messaging_tables() -> tuple[sa.Table, ...]:
    """The outbox and the inbox, as defined once."""
    # Imported on use: these modules derive their tables from KitTable above.
    from lcn_shared.messaging.tables import InboxMessage, OutboxMessage

    return OutboxMessage.__table__, InboxMessage.__table__  # type: ignore[attr-defined]


def idempotency_tables() -> tuple[sa.Table, ...]:
    """The answers stored under `Idempotency-Key`, as defined once."""
    from lcn_shared.idempotency import IdempotentRequest

    return (IdempotentRequest.__table__,)  # type: ignore[attr-defined]


def include_kit_tables(metadata: sa.MetaData, *, idempotency: bool = False) -> None:
    """Copy the outbox and inbox (and, for services taking `Idempotency-Key`, its table) into `metadata`."""
    for table in (*messaging_tables(), *(idempotency_tables() if idempotency else ())):
        if table.name not in metadata.tables:
            table.to_metadata(metadata)
