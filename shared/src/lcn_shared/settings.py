"""Settings from the environment (pydantic-settings): platform-wide and per service."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import URL, make_url

# The kit's own database (API keys); services are registered by entry point (`lcn_shared.plugins`).
IDENTITY = "identity"


class PlatformSettings(BaseSettings):
    """What every service and the `lcn` CLI share: where PostgreSQL, Kafka and state live."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    database_url: str = Field("postgresql://postgres@127.0.0.1:5432/postgres", validation_alias="DATABASE_URL")
    kafka_bootstrap_servers: str = Field("127.0.0.1:9092", validation_alias="KAFKA_BOOTSTRAP_SERVERS")
    state_dir: Path = Field(Path(".lcn"), validation_alias="LCN_STATE_DIR")
    # Prefixes let several stacks (or test cases) share one server without seeing each other.
    database_prefix: str = Field("lcn_", validation_alias="LCN_DATABASE_PREFIX")
    topic_prefix: str = Field("", validation_alias="LCN_TOPIC_PREFIX")
    kafka_partitions: int = Field(3, ge=1, validation_alias="LCN_KAFKA_PARTITIONS")
    # Off by default: the embedded broker has no idempotent producer; outbox + inbox carry correctness.
    kafka_enable_idempotence: bool = Field(False, validation_alias="LCN_KAFKA_ENABLE_IDEMPOTENCE")

    def database_name(self, owner: str) -> str:
        """The database that `owner` (a service or the identity store) uses on the server."""
        return f"{self.database_prefix}{owner}"

    def database_url_for(self, owner: str) -> URL:
        """SQLAlchemy URL (asyncpg driver) of `owner`'s own database."""
        url = make_url(self.database_url).set(drivername="postgresql+asyncpg")
        return url.set(database=self.database_name(owner))

    def server_url(self) -> URL:
        """SQLAlchemy URL (asyncpg driver) of the server's maintenance database."""
        return make_url(self.database_url).set(drivername="postgresql+asyncpg")

    def topic(self, name: str) -> str:
        """The physical Kafka topic for a logical topic name such as `lcn.<service>.<aggregate>`."""
        return f"{self.topic_prefix}{name}"

    def consumer_group(self, service: str) -> str:
        """The Kafka consumer group of one service."""
        return f"{self.topic_prefix}lcn.{service}"


class ServiceSettings(BaseSettings):
    """Per-service tunables, read from `LCN_<SERVICE>_*`."""

    model_config = SettingsConfigDict(extra="ignore")

    host: str = "127.0.0.1"
    port: int = 0
    database_url: str | None = None  # a full override of the derived per-service URL
    db_pool_size: int = 20
    max_body_bytes: int = 1_048_576
    max_upload_bytes: int = 64 * 1_048_576  # bulk feed deliveries, on the paths a service marks as uploads
    auth_cache_seconds: float = 2.0  # how long a revoked key may still pass: see ADR 0016
    # A signed-in browser's session ends after this long unused, and this long after signing in at most (ADR 0026).
    session_idle_seconds: float = Field(8 * 3600, gt=0)
    session_lifetime_seconds: float = Field(7 * 24 * 3600, gt=0)
    # Secure (and `__Host-`) session cookies even when a request arrives over plain http: behind a proxy that ends
    # TLS without saying so. Over https they are Secure anyway.
    session_cookie_secure: bool = False
    relay_enabled: bool = True
    # Off for an API-only replica, or a test that needs none: joining a consumer group waits for its rebalance.
    consumers_enabled: bool = True
    # Off for an API-only replica: the service's background workers (its `ServiceDefinition.workers`) do not run.
    workers_enabled: bool = True
    relay_batch_size: int = 1000
    relay_poll_seconds: float = 1.0
    relay_linger_seconds: float = 0.005
    relay_backoff_base_seconds: float = 0.5
    relay_backoff_max_seconds: float = 30.0
    relay_request_timeout_seconds: float = 15.0
    relay_standby_seconds: float = 2.0
    consumer_batch_size: int = 500
    # Tansu answers a waiting fetch only when the wait ends, so a short wait keeps delivery fast.
    consumer_fetch_wait_ms: int = 50
    # A deterministic failure (the handler rejects the record) is retried this often, then dead-lettered.
    consumer_max_retries: int = 4
    consumer_retry_base_seconds: float = 0.2
    consumer_retry_max_seconds: float = 5.0
    # A transient failure (database or broker away) is retried without limit, at most this far apart.
    consumer_transient_backoff_max_seconds: float = 10.0
    outbox_retention_days: float = 7.0
    inbox_retention_days: float = 30.0
    metrics_interval_seconds: float = 5.0


@dataclass(frozen=True)
class ServiceConfig:
    """Everything one service process needs: its name, the platform and its own settings."""

    name: str
    platform: PlatformSettings
    service: ServiceSettings

    @property
    def database_url(self) -> URL:
        """SQLAlchemy URL of this service's own database."""
        if self.service.database_url:
            return make_url(self.service.database_url).set(drivername="postgresql+asyncpg")
        return self.platform.database_url_for(self.name)


def load_config(name: str, **service_overrides: object) -> ServiceConfig:
    """Read the platform and `LCN_<NAME>_*` settings from the environment."""
    from lcn_shared.plugins import default_port  # imported here: the plugins module reads this one

    service = ServiceSettings(_env_prefix=f"LCN_{name.upper()}_", **service_overrides)  # type: ignore[arg-type]
    # The registered port is only a default: `LCN_<NAME>_PORT` (or an override) wins.
    if "port" not in service.model_fields_set:
        service = service.model_copy(update={"port": default_port(name)})
    return ServiceConfig(name=name, platform=PlatformSettings(), service=service)


def asyncpg_dsn(url: URL) -> str:
    """Render a SQLAlchemy URL as a plain DSN for asyncpg."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)
