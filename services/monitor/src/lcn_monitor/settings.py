"""The monitor's own settings, read from `LCN_MONITOR_*` like its service settings."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class MonitorSettings(BaseSettings):
    """How often the monitor's checks run."""

    model_config = SettingsConfigDict(env_prefix="LCN_MONITOR_", extra="ignore")

    # A missing report is noticed at most this long after its deadline passes.
    overdue_check_seconds: float = Field(60.0, gt=0)
    # An indicator's change of status is published at most this long after the figures changed.
    status_check_seconds: float = Field(5.0, gt=0)
