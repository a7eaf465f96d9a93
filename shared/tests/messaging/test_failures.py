"""The classifier on real errors from PostgreSQL, asyncpg, SQLAlchemy and aiokafka."""

from __future__ import annotations

import uuid

import asyncpg
import pytest
from aiokafka.errors import KafkaConnectionError, RequestTimedOutError, TopicAuthorizationFailedError
from pydantic import BaseModel, ValidationError
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from lcn_shared.db import create_engine
from lcn_shared.embedded import free_port
from lcn_shared.messaging.failures import TransientError, classify
from lcn_shared.settings import PlatformSettings, asyncpg_dsn


def _raise_sqlstate(code: str) -> str:
    """A statement that fails with the given SQLSTATE, as PostgreSQL itself raises it."""
    return f"DO $$ BEGIN RAISE EXCEPTION 'simulated' USING ERRCODE = '{code}'; END $$"


async def _error_of(platform: PlatformSettings, statement: str) -> BaseException:
    """Run a statement through the kit's SQLAlchemy engine and return what it raised."""
    engine = create_engine(platform.database_url_for("monitor"), pool_size=1)
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    except Exception as exc:
        return exc
    finally:
        await engine.dispose()
    raise AssertionError("the statement did not fail")


@pytest.mark.parametrize(
    ("sqlstate", "kind"),
    [
        ("40001", "transient"),  # serialization failure
        ("40P01", "transient"),  # deadlock
        ("53300", "transient"),  # too many connections
        ("57P03", "transient"),  # cannot connect now
        ("08006", "transient"),  # connection failure
        ("23505", "deterministic"),  # unique violation
        ("P0001", "deterministic"),  # a trigger rejects the row
        ("22P02", "deterministic"),  # invalid text representation
        ("55000", "deterministic"),  # object not in prerequisite state, other than the database refusing
    ],
)
async def test_sqlstates_through_sqlalchemy(platform: PlatformSettings, sqlstate: str, kind: str) -> None:
    """SQLAlchemy wraps asyncpg's error; the classifier finds the SQLSTATE underneath."""
    error = await _error_of(platform, _raise_sqlstate(sqlstate))
    assert isinstance(error, DBAPIError)
    assert classify(error) == kind


async def test_database_refusing_connections_is_transient(platform: PlatformSettings) -> None:
    """`ALLOW_CONNECTIONS false` answers 55000 with its own message: transient."""
    name = platform.database_name("monitor")
    admin = await asyncpg.connect(asyncpg_dsn(platform.server_url()))
    try:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        error = await _error_of(platform, "SELECT 1")
        assert getattr(getattr(error, "orig", None), "sqlstate", None) == "55000"
        assert "not currently accepting connections" in str(error)
        assert classify(error) == "transient"
    finally:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await admin.close()


async def test_terminated_backend_is_transient(platform: PlatformSettings) -> None:
    """A pooled connection whose backend was terminated fails its next statement: transient."""
    engine = create_engine(platform.database_url_for("monitor"), pool_size=1, application_name="doomed")
    admin = await asyncpg.connect(asyncpg_dsn(platform.server_url()))
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'doomed'"
            )
            with pytest.raises(DBAPIError) as raised:
                await conn.execute(text("SELECT 1"))
        assert classify(raised.value) == "transient"
    finally:
        await admin.close()
        await engine.dispose()


async def test_refused_connection_is_transient() -> None:
    """Nothing listens on the port: the connection is refused (an OSError)."""
    with pytest.raises(ConnectionRefusedError) as raised:
        await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{free_port()}/postgres", timeout=5)
    assert classify(raised.value) == "transient"


def test_kit_error_and_broker_errors() -> None:
    """A handler's TransientError, a timeout and the broker's retriable errors are transient."""
    assert classify(TransientError("the partner API is down")) == "transient"
    assert classify(TimeoutError()) == "transient"
    assert classify(KafkaConnectionError()) == "transient"
    assert classify(RequestTimedOutError()) == "transient"
    assert classify(TopicAuthorizationFailedError()) == "deterministic"


def test_wrapped_transient_error_is_found() -> None:
    """A handler that wraps a transient cause in its own error is still transient."""
    wrapped = RuntimeError("projection failed")
    wrapped.__cause__ = ConnectionResetError("peer reset")
    assert classify(wrapped) == "transient"


def test_handler_defects_are_deterministic() -> None:
    """A rejected record, a bug and a contract mismatch are deterministic."""

    class Shape(BaseModel):
        size: int

    with pytest.raises(ValidationError) as raised:
        Shape.model_validate({"size": "large"})
    assert classify(raised.value) == "deterministic"
    assert classify(KeyError("name")) == "deterministic"
    assert classify(ValueError(str(uuid.uuid4()))) == "deterministic"
