"""The identity store's tables: the kit's own database, with metadata of its own (API keys live in `keys`)."""

from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, Index, Text
from sqlmodel import Field, SQLModel

from lcn_shared.db import table_registry


class IdentityTable(SQLModel, registry=table_registry()):
    """Base of every identity-store table (API keys, web sessions), apart from every service's tables."""


class WebSession(IdentityTable, table=True):
    """A signed-in browser: the SHA-256 of its random session token (never the token) and the key it signed in with."""

    __tablename__ = "web_session"
    __table_args__ = (Index("ix_web_session_key_id", "key_id"),)

    token_hash: str = Field(sa_column=Column(Text, primary_key=True))
    key_id: str = Field(sa_column=Column(Text, ForeignKey("api_key.key_id", ondelete="CASCADE"), nullable=False))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    last_seen_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    # The absolute end; the idle end is `last_seen_at` plus the service's `session_idle_seconds`.
    expires_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
