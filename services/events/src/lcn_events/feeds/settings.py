"""The feeds' own settings, read from `LCN_EVENTS_*` like the service's settings."""

from __future__ import annotations

from functools import cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# The host names no machine: it only makes UIDs unique; a deployment sets its own public host once.
DEFAULT_CALENDAR_HOST = "events.lcn.example.org"


class FeedSettings(BaseSettings):
    """What the calendar feeds say about where they come from."""

    model_config = SettingsConfigDict(env_prefix="LCN_EVENTS_", extra="ignore")

    # The host in every UID (`<event id>@<host>`): a setting, never the request's Host header, so UIDs stay the same
    # across replicas, proxies and restarts. Changing it makes every event new to a subscribed calendar app.
    calendar_host: str = Field(DEFAULT_CALENDAR_HOST, pattern=r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$")


@cache
def feed_settings() -> FeedSettings:
    """The feeds' settings, read once per process."""
    return FeedSettings()
