"""The feeds' own settings, read from `LCN_REGISTRY_*` like the registry's service settings."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class FeedSettings(BaseSettings):
    """Tunables of feed imports."""

    model_config = SettingsConfigDict(env_prefix="LCN_REGISTRY_", extra="ignore")

    # A snapshot withdrawing more than this share of the source's records is held for confirmation.
    snapshot_withdraw_limit: float = Field(0.2, ge=0.0, le=1.0)
