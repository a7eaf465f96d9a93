"""API keys: generation, hashing, storage and lookup."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from uuid import UUID

from sqlalchemy import Column, DateTime, Text, func
from sqlmodel import Field, col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_shared.auth.tables import IdentityTable, WebSession
from lcn_shared.db import create_engine, create_session_factory, unit_of_work
from lcn_shared.settings import IDENTITY, PlatformSettings

KEY_PREFIX = "lcn"


class Role(StrEnum):
    """Who a key speaks for."""

    ADMIN = "admin"
    COORDINATOR = "coordinator"
    CONFERENCE_TEAM = "conference_team"
    PARTNER = "partner"
    FEED = "feed"


class ApiKey(IdentityTable, table=True):
    """A stored key: only its SHA-256 digest is kept, never the key itself."""

    __tablename__ = "api_key"

    key_id: str = Field(sa_column=Column(Text, primary_key=True))
    key_hash: str = Field(sa_column=Column(Text, nullable=False))
    role: Role = Field(sa_column=Column(Text, nullable=False))
    organisation_id: UUID | None = None
    organisation_name: str | None = Field(default=None, sa_column=Column(Text))
    feed_source: str | None = Field(default=None, sa_column=Column(Text))
    label: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    )
    revoked_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


@dataclass(frozen=True)
class Principal:
    """The authenticated caller."""

    key_id: str
    role: Role
    organisation_id: UUID | None = None
    organisation_name: str | None = None
    feed_source: str | None = None

    @property
    def actor(self) -> str:
        """Who acted, for history records: the role and the organisation or feed it speaks for."""
        return f"{self.role.value}:{self.organisation_name or self.feed_source or self.key_id}"


def digest(key: str) -> str:
    """SHA-256 of a key: keys carry 256 random bits, so a fast hash is safe (unlike passwords)."""
    return hashlib.sha256(key.encode()).hexdigest()


def generate_key() -> tuple[str, str]:
    """A new (key_id, key); the key reads `lcn_<key_id>_<secret>`."""
    key_id = secrets.token_hex(6)
    return key_id, f"{KEY_PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"


async def create_key(
    session: AsyncSession,
    *,
    role: Role,
    organisation_id: UUID | None = None,
    organisation_name: str | None = None,
    feed_source: str | None = None,
    label: str = "",
) -> str:
    """Store a new key and return it; it is shown once and cannot be recovered."""
    if (role is Role.PARTNER) != (organisation_id is not None):
        raise ValueError("a partner key needs an organisation, and only a partner key has one")
    if (role is Role.FEED) != (feed_source is not None):
        raise ValueError("a feed key needs a feed source, and only a feed key has one")
    key_id, key = generate_key()
    session.add(
        ApiKey(
            key_id=key_id,
            key_hash=digest(key),
            role=role,
            organisation_id=organisation_id,
            organisation_name=organisation_name,
            feed_source=feed_source,
            label=label,
        )
    )
    await session.flush()
    return key


async def find_principal(session: AsyncSession, key: str) -> Principal | None:
    """The principal of a presented key, or None when it is unknown, malformed or revoked."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    row = (await session.exec(select(ApiKey).where(ApiKey.key_id == parts[1]))).first()
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.key_hash, digest(key)):
        return None
    return _principal(row)


async def find_principal_by_id(session: AsyncSession, key_id: str) -> Principal | None:
    """The principal of a stored key by its id (a web session's key), or None when it is unknown or revoked."""
    row = await session.get(ApiKey, key_id)
    return None if row is None or row.revoked_at is not None else _principal(row)


def _principal(row: ApiKey) -> Principal:
    """The principal a stored key speaks for."""
    return Principal(
        key_id=row.key_id,
        role=Role(row.role),
        organisation_id=row.organisation_id,
        organisation_name=row.organisation_name,
        feed_source=row.feed_source,
    )


class KeyNotFound(LookupError):
    """No key, or more than one, matches what the operator named."""


async def list_keys(session: AsyncSession) -> list[ApiKey]:
    """Every key, oldest first (digests included: callers show no secrets)."""
    return list((await session.exec(select(ApiKey).order_by(col(ApiKey.created_at), col(ApiKey.key_id)))).all())


async def revoke_key(session: AsyncSession, *, named: str) -> ApiKey:
    """Revoke the key that `named` designates (the key itself, its id, or a unique prefix of its id); its web sessions
    end with it."""
    parts = named.split("_", 2)
    prefix = parts[1] if len(parts) == 3 and parts[0] == KEY_PREFIX else named
    if len(prefix) < 4:
        raise KeyNotFound("name a key by its id or at least 4 characters of it")
    matches = (await session.exec(select(ApiKey).where(col(ApiKey.key_id).startswith(prefix)))).all()
    if len(matches) != 1:
        found = ", ".join(key.key_id for key in matches) or "none"
        raise KeyNotFound(f"{len(matches)} keys match {prefix!r} ({found}); name exactly one")
    key = matches[0]
    if key.revoked_at is None:
        key.revoked_at = datetime.now(UTC)
        session.add(key)
        await session.flush()
    # Browsers signed in with the key are signed out in the same transaction, not once a cache expires.
    await session.exec(delete(WebSession).where(col(WebSession.key_id) == key.key_id))
    return key


async def issue_key(
    platform: PlatformSettings,
    *,
    role: Role,
    organisation_id: UUID | None = None,
    organisation_name: str | None = None,
    feed_source: str | None = None,
    label: str = "",
) -> str:
    """Issue one key in the platform's identity database (for the CLI and tests); return it."""
    engine = create_engine(platform.database_url_for(IDENTITY), pool_size=1)
    try:
        async with unit_of_work(create_session_factory(engine)) as session:
            return await create_key(
                session,
                role=role,
                organisation_id=organisation_id,
                organisation_name=organisation_name,
                feed_source=feed_source,
                label=label,
            )
    finally:
        await engine.dispose()
