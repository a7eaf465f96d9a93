"""The events service's own settings, read from `LCN_EVENTS_*` like its service settings."""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from lcn_events.reminders.rules import ReminderRule, parse_rules


class EventsSettings(BaseSettings):
    """Reminder rules, how long personal data is kept, and how often the background checks run."""

    model_config = SettingsConfigDict(env_prefix="LCN_EVENTS_", extra="ignore")

    # Before each start, comma separated: days (`7d`), hours (`12h`) or minutes (`30m`).
    reminder_offsets: str = "7d,1d"
    # A reminder goes out at most this long after it is due.
    reminder_check_seconds: float = Field(60.0, gt=0)
    # Registrations lose their names, e-mail addresses and organisations this long after their event ended (AVG).
    anonymise_after_days: float = Field(30.0, ge=0)
    anonymise_check_seconds: float = Field(3600.0, gt=0)
    # Free places (a capacity raised, say) go to the waiting list at most this long after they came.
    waiting_list_check_seconds: float = Field(30.0, gt=0)

    @field_validator("reminder_offsets")
    @classmethod
    def _rules(cls, value: str) -> str:
        """The offsets must read as rules."""
        parse_rules(value)
        return value

    @property
    def reminder_rules(self) -> list[ReminderRule]:
        """The reminder rules, the furthest from the start first."""
        return parse_rules(self.reminder_offsets)
