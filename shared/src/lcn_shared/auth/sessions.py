"""Web sessions in the identity database: a random token per signed-in browser, stored only as its SHA-256.

The HTTP side (cookies, sign-in pages, CSRF checks) is `lcn_shared.pages.sessions`; ADR 0026.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

from sqlmodel import col, delete, or_
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_shared.auth.keys import digest
from lcn_shared.auth.tables import WebSession

TOKEN_BYTES = 32
# What `secrets.token_urlsafe(TOKEN_BYTES)` makes: anything else in a cookie is not worth a query.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")
CSRF_LABEL = b"lcn-web-session-csrf-v1"
# `last_seen_at` is written at most this often: one write per minute of use, not one per page.
TOUCH_EVERY = timedelta(minutes=1)


def new_token() -> str:
    """A fresh random token (a session's, or a sign-in form's)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def well_formed(token: str | None) -> bool:
    """Whether `token` looks like one `new_token` made."""
    return token is not None and TOKEN_PATTERN.fullmatch(token) is not None


def csrf_token(session_token: str) -> str:
    """The session's CSRF token: an HMAC under the session token, so nothing more is stored or can leak from storage."""
    return hmac.new(session_token.encode(), CSRF_LABEL, hashlib.sha256).hexdigest()


def expired(row: WebSession, *, now: datetime, idle: timedelta) -> bool:
    """Whether the session has passed its absolute end or been unused for `idle`."""
    return now >= row.expires_at or now - row.last_seen_at >= idle


async def start_session(session: AsyncSession, *, key_id: str, now: datetime, lifetime: timedelta) -> str:
    """Store a new session for the key and return its token (the only copy: the database keeps its digest)."""
    token = new_token()
    session.add(
        WebSession(token_hash=digest(token), key_id=key_id, created_at=now, last_seen_at=now, expires_at=now + lifetime)
    )
    await session.flush()
    return token


async def find_session(session: AsyncSession, token: str, *, now: datetime, idle: timedelta) -> WebSession | None:
    """The live session of a token, marked as used now; an expired one is deleted and None returned."""
    if not well_formed(token):
        return None
    row = await session.get(WebSession, digest(token))
    if row is None:
        return None
    if expired(row, now=now, idle=idle):
        await session.delete(row)
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        session.add(row)
    return row


async def end_session(session: AsyncSession, token: str) -> None:
    """Delete the session of a token (signing out, or signing in again over it)."""
    await session.exec(delete(WebSession).where(col(WebSession.token_hash) == digest(token)))


async def end_key_sessions(session: AsyncSession, key_id: str) -> None:
    """Delete every session of a key (found revoked)."""
    await session.exec(delete(WebSession).where(col(WebSession.key_id) == key_id))


async def purge_expired(session: AsyncSession, *, now: datetime, idle: timedelta) -> None:
    """Delete the sessions that have ended; run on each sign-in, the only thing that adds rows."""
    await session.exec(
        delete(WebSession).where(or_(col(WebSession.expires_at) <= now, col(WebSession.last_seen_at) <= now - idle))
    )
