"""The kit's Prometheus metrics, in a registry of the app's own."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge


class KitMetrics:
    """Outbox, consumer, inbox and dead-letter metrics of one service."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.outbox_backlog = Gauge("lcn_outbox_backlog", "Outbox rows not yet published.", registry=r)
        self.outbox_oldest_age = Gauge(
            "lcn_outbox_oldest_age_seconds", "Age of the oldest unpublished outbox row.", registry=r
        )
        self.outbox_published = Counter("lcn_outbox_published", "Outbox rows published to Kafka.", registry=r)
        self.outbox_publish_failures = Counter(
            "lcn_outbox_publish_failures", "Outbox publish attempts that failed.", registry=r
        )
        self.relay_active = Gauge("lcn_outbox_relay_active", "1 when this replica is the active relay.", registry=r)
        self.consumer_lag = Gauge(
            "lcn_consumer_lag", "Records behind the high watermark.", ["group", "topic", "partition"], registry=r
        )
        self.consumer_messages = Counter(
            "lcn_consumer_messages", "Consumed records by outcome.", ["consumer", "outcome"], registry=r
        )
        self.consumer_stalled = Gauge(
            "lcn_consumer_stalled",
            "1 while a partition is held back retrying a failed record; `kind` is transient or deterministic.",
            ["consumer", "topic", "partition", "kind"],
            registry=r,
        )
        self.consumer_retries = Counter(
            "lcn_consumer_retries", "Failed attempts that will be retried, by kind.", ["consumer", "kind"], registry=r
        )
        self.dlq_messages = Counter("lcn_dlq_messages", "Records sent to a dead-letter topic.", ["topic"], registry=r)
        self.inbox_duplicates = Counter(
            "lcn_inbox_duplicates", "Duplicate deliveries skipped by the inbox.", ["consumer"], registry=r
        )
