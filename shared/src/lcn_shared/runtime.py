"""The per-process state of a service that the lifespan builds and the kit's parts share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from faststream.kafka import KafkaBroker
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import Tracer
from sqlalchemy.ext.asyncio import AsyncEngine

from lcn_shared.clock import Clock, SystemClock
from lcn_shared.db import SessionFactory
from lcn_shared.settings import ServiceConfig
from lcn_shared.telemetry.metrics import KitMetrics

if TYPE_CHECKING:
    from lcn_shared.messaging.relay import OutboxRelay
    from lcn_shared.messaging.stalls import PartitionStalls


@dataclass(eq=False)  # one per app, compared and hashed by identity
class ServiceRuntime:
    """Configuration, broker, metrics and tracing from create_app; engine and relay from the lifespan."""

    config: ServiceConfig
    broker: KafkaBroker
    metrics: KitMetrics
    tracer_provider: TracerProvider
    engine: AsyncEngine | None = None
    session_factory: SessionFactory | None = field(default=None)
    relay: OutboxRelay | None = None
    broker_connected: bool = False
    consumer_stalls: list[PartitionStalls] = field(default_factory=list)
    # What "now" is for the service's rules; a test may swap in a ManualClock before the lifespan starts.
    clock: Clock = field(default_factory=SystemClock)
    tracer: Tracer = field(init=False)

    def __post_init__(self) -> None:
        self.tracer = self.tracer_provider.get_tracer("lcn")

    @property
    def service(self) -> str:
        """The service's name."""
        return self.config.name

    def sessions(self) -> SessionFactory:
        """The session factory; only valid inside the lifespan."""
        if self.session_factory is None:
            raise RuntimeError(f"{self.service} is not started")
        return self.session_factory
