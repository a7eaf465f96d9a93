"""Two kinds of consumer failure: transient (retry until it passes) and deterministic (retry a little, then DLQ)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

import asyncpg
from aiokafka.errors import KafkaConnectionError, KafkaError
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

FailureKind = Literal["transient", "deterministic"]

# SQLSTATE classes and codes that say "the database cannot do it now", not "this record is wrong".
TRANSIENT_SQLSTATE_CLASSES = ("08", "53")  # connection exception; insufficient resources
TRANSIENT_SQLSTATES = frozenset(
    {
        "57P01",  # admin_shutdown: pg_terminate_backend, a fast shutdown
        "57P02",  # crash_shutdown
        "57P03",  # cannot_connect_now: starting up or shutting down
        "57P04",  # database_dropped: an operator's doing; stalling says so, dead letters would hide it
        "57P05",  # idle_session_timeout
        "40001",  # serialization_failure
        "40P01",  # deadlock_detected
    }
)
# `ALTER DATABASE .. ALLOW_CONNECTIONS false` answers 55000 (object_not_in_prerequisite_state), a code
# that otherwise means a defect, so this one is recognised by its message as well.
NOT_ACCEPTING_CONNECTIONS = ("55000", "is not currently accepting connections")
CHAIN_LIMIT = 16


class TransientError(Exception):
    """Raised by a handler when the record is fine but something it needs is not available yet."""


def classify(error: BaseException) -> FailureKind:
    """Transient when anything in the error's chain says the database or broker is unavailable."""
    return "transient" if any(_is_transient(link) for link in _chain(error)) else "deterministic"


def is_transient(error: BaseException) -> bool:
    """True when retrying later may succeed without changing the record."""
    return classify(error) == "transient"


def root_cause(error: BaseException) -> BaseException:
    """The innermost error it wraps (`orig` or `__cause__`): asyncpg's, say, under SQLAlchemy's."""
    current = error
    for _ in range(CHAIN_LIMIT):
        linked = getattr(current, "orig", None) or current.__cause__
        if not isinstance(linked, BaseException) or linked is current:
            return current
        current = linked
    return current


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error and what it wraps: SQLAlchemy's `orig`, `__cause__` and `__context__`, each once."""
    seen: set[int] = set()
    pending = [error]
    while pending and len(seen) < CHAIN_LIMIT:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for linked in (getattr(current, "orig", None), current.__cause__, current.__context__):
            if isinstance(linked, BaseException):
                pending.append(linked)


def _is_transient(error: BaseException) -> bool:
    """One link of the chain, on its own."""
    if isinstance(error, TransientError | OSError):
        return True  # OSError covers refused and reset connections and (asyncio's) TimeoutError
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, DisconnectionError | PoolTimeoutError):
        return True
    if isinstance(error, KafkaConnectionError) or (isinstance(error, KafkaError) and error.retriable):
        return True
    if isinstance(error, asyncpg.InterfaceError) and "connection is closed" in str(error):
        return True  # asyncpg: the connection closed under the query
    sqlstate = _sqlstate(error)
    if sqlstate is None:
        return False
    if sqlstate.startswith(TRANSIENT_SQLSTATE_CLASSES) or sqlstate in TRANSIENT_SQLSTATES:
        return True
    code, message = NOT_ACCEPTING_CONNECTIONS
    return sqlstate == code and message in str(error)


def _sqlstate(error: BaseException) -> str | None:
    """The SQLSTATE asyncpg (`sqlstate`) or SQLAlchemy's adapted error (`pgcode`) carries, if any."""
    for attribute in ("sqlstate", "pgcode"):
        value = getattr(error, attribute, None)
        if isinstance(value, str) and len(value) == 5:
            return value
    return None
