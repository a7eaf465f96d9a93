"""The outbox relay: publishes committed outbox rows to Kafka, in commit order per key.

One relay per service is active at a time (a PostgreSQL advisory lock); other replicas stand by.
It wakes on LISTEN/NOTIFY when a transaction adds rows and polls as a fallback.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
import zlib
from collections.abc import Sequence
from contextlib import suppress
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from opentelemetry import propagate
from opentelemetry.trace import SpanKind, StatusCode, TracerProvider, set_span_in_context

from lcn_shared.envelope import to_kafka
from lcn_shared.messaging.failures import is_transient
from lcn_shared.messaging.retention import purge_expired
from lcn_shared.messaging.tables import OUTBOX_CHANNEL
from lcn_shared.settings import PlatformSettings, ServiceSettings
from lcn_shared.telemetry.metrics import KitMetrics

log = logging.getLogger(__name__)

# Advisory locks are scoped to the database, and every service has its own database.
RELAY_LOCK_KEY = zlib.crc32(b"lcn.outbox.relay")
PURGE_INTERVAL_SECONDS = 3600.0

# Due rows in commit order; a row waits while an earlier row of the same key is backing off. The keys held
# back are gathered first (almost always none): a correlated NOT EXISTS over the pending rows let the
# planner, with the statistics of a table that was empty when last analysed, scan every pending row once
# per due row (1,000 x 1,000 index entries a batch, half a second, during a bulk import).
SELECT_DUE = """
WITH held AS MATERIALIZED (
    SELECT topic, message_key, min(seq) AS seq
    FROM outbox_message
    WHERE sent_at IS NULL AND next_attempt_at > now()
    GROUP BY topic, message_key
)
SELECT o.event_id, o.topic, o.message_key, o.event_type, o.source, o.subject, o.occurred_at,
       o.payload::text AS payload, o.trace_context::text AS trace_context, o.attempts
FROM outbox_message o
WHERE o.sent_at IS NULL AND o.next_attempt_at <= now()
  AND NOT EXISTS (
    SELECT 1 FROM held h WHERE h.topic = o.topic AND h.message_key = o.message_key AND h.seq < o.seq)
ORDER BY o.seq
LIMIT $1
"""
MARK_SENT = """
UPDATE outbox_message SET sent_at = now(), attempts = attempts + 1, last_error = NULL
WHERE event_id = ANY($1::uuid[])
"""
MARK_FAILED = """
UPDATE outbox_message AS o
SET attempts = o.attempts + 1, last_error = f.error,
    next_attempt_at = now() + make_interval(secs => f.delay)
FROM unnest($1::uuid[], $2::text[], $3::float8[]) AS f(event_id, error, delay)
WHERE o.event_id = f.event_id
"""


class OutboxRelay:
    """Moves outbox rows to Kafka with acks=all, marks them sent, and backs off on failure."""

    def __init__(
        self,
        *,
        service: str,
        dsn: str,
        platform: PlatformSettings,
        settings: ServiceSettings,
        metrics: KitMetrics,
        tracer_provider: TracerProvider,
    ) -> None:
        self.service = service
        self.dsn = dsn
        self.platform = platform
        self.settings = settings
        self.metrics = metrics
        self.tracer = tracer_provider.get_tracer("lcn.outbox.relay")
        self.active = False
        self._wake = asyncio.Event()
        self._last_purge = 0.0

    async def run(self) -> None:
        """Run until cancelled, reconnecting after database or broker failures."""
        while True:
            try:
                await self._lead()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if is_transient(exc):  # the database or broker is away: expected, and logged without a trace
                    log.warning("outbox relay of %s lost its connection (%s); restarting", self.service, exc)
                else:
                    log.exception("outbox relay of %s failed; restarting", self.service)
            finally:
                self._set_active(False)
            await asyncio.sleep(self.settings.relay_standby_seconds)

    async def _lead(self) -> None:
        """Take the advisory lock (or stand by), then drain whenever woken."""
        conn: asyncpg.Connection[Any] = await asyncpg.connect(
            self.dsn, server_settings={"application_name": f"lcn-{self.service}-relay"}
        )
        try:
            while not await conn.fetchval("SELECT pg_try_advisory_lock($1)", RELAY_LOCK_KEY):
                await asyncio.sleep(self.settings.relay_standby_seconds)
            self._set_active(True)
            await conn.add_listener(OUTBOX_CHANNEL, self._on_notify)
            producer = await self.start_producer()
            try:
                await self._drain_forever(conn, producer)
            finally:
                await producer.stop()
        finally:
            with suppress(Exception):
                await conn.close()

    def _set_active(self, active: bool) -> None:
        """Record whether this replica is the active relay."""
        self.active = active
        self.metrics.relay_active.set(1 if active else 0)

    def _on_notify(self, *_: object) -> None:
        """LISTEN callback: a transaction committed new outbox rows."""
        self._wake.set()

    async def start_producer(self) -> AIOKafkaProducer:
        """Start a producer with acks=all, retrying while the broker is unreachable."""
        delay = self.settings.relay_backoff_base_seconds
        while True:
            producer = AIOKafkaProducer(
                bootstrap_servers=self.platform.kafka_bootstrap_servers,
                client_id=f"lcn-{self.service}-relay",
                acks="all",
                enable_idempotence=self.platform.kafka_enable_idempotence,
                linger_ms=5,
                max_batch_size=256 * 1024,
                request_timeout_ms=int(self.settings.relay_request_timeout_seconds * 1000),
            )
            try:
                await producer.start()
                return producer
            except Exception as exc:
                with suppress(Exception):
                    await producer.stop()
                log.warning("relay of %s cannot reach Kafka (%s); retrying in %.1fs", self.service, exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.settings.relay_backoff_max_seconds)

    async def _drain_forever(self, conn: asyncpg.Connection[Any], producer: AIOKafkaProducer) -> None:
        """Publish due batches; sleep until notified or the poll interval passes."""
        while True:
            self._wake.clear()
            published = await self.drain_once(conn, producer)
            await self._purge_if_due(conn)
            if published == 0:
                # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancellation that
                # arrives as the event fires, and the relay would keep running through shutdown.
                with suppress(TimeoutError):
                    async with asyncio.timeout(self.settings.relay_poll_seconds):
                        await self._wake.wait()
                # Like a producer's linger: let the commits arriving together share one batch.
                await asyncio.sleep(self.settings.relay_linger_seconds)

    async def drain_once(self, conn: asyncpg.Connection[Any], producer: AIOKafkaProducer) -> int:
        """Publish one batch of due rows; return how many were sent.

        The batch goes out in waves: wave i holds the i-th row of each key, and the next wave is sent only
        once the broker acknowledged this one. A later row of a key is never sent before the earlier one is
        acknowledged, and once a row of a key fails, the key's later rows stay unsent (they are held back by
        SELECT_DUE while it backs off). Most batches have one row per key: one wave.
        """
        rows = await conn.fetch(SELECT_DUE, self.settings.relay_batch_size)
        if not rows:
            return 0
        sent: list[asyncpg.Record] = []
        failed: list[tuple[asyncpg.Record, str]] = []
        failed_keys: set[tuple[str, str]] = set()
        for wave in _waves(rows):
            pending = [row for row in wave if (row["topic"], row["message_key"]) not in failed_keys]
            outcomes = await self._publish(producer, pending)
            for row, error in zip(pending, outcomes, strict=True):
                if error is None:
                    sent.append(row)
                else:
                    failed.append((row, error))
                    failed_keys.add((row["topic"], row["message_key"]))
        if sent:
            await conn.execute(MARK_SENT, [row["event_id"] for row in sent])
            self.metrics.outbox_published.inc(len(sent))
        if failed:
            await conn.execute(
                MARK_FAILED,
                [row["event_id"] for row, _ in failed],
                [error[:2000] for _, error in failed],
                [self._backoff(row["attempts"]) for row, _ in failed],
            )
            self.metrics.outbox_publish_failures.inc(len(failed))
            log.warning("relay of %s could not publish %d event(s): %s", self.service, len(failed), failed[0][1])
        return len(sent)

    async def _publish(self, producer: AIOKafkaProducer, rows: Sequence[asyncpg.Record]) -> list[str | None]:
        """Send every row of one wave (one per key) and wait for the acks."""
        spans, futures = [], []
        for row in rows:
            topic = self.platform.topic(row["topic"])
            parent = propagate.extract(json.loads(row["trace_context"]))
            span = self.tracer.start_span(
                f"{topic} publish",
                context=parent,
                kind=SpanKind.PRODUCER,
                attributes={
                    "messaging.system": "kafka",
                    "messaging.operation.type": "publish",
                    "messaging.destination.name": topic,
                    "messaging.message.id": str(row["event_id"]),
                    "messaging.kafka.message.key": row["message_key"],
                    "cloudevents.event_type": row["event_type"],
                },
            )
            trace_headers: dict[str, str] = {}
            propagate.inject(trace_headers, context=set_span_in_context(span))
            headers, value = to_kafka(
                event_id=str(row["event_id"]),
                source=row["source"],
                event_type=row["event_type"],
                subject=row["subject"],
                time=row["occurred_at"],
                data=row["payload"].encode(),  # the JSONB's text as it is: no decode and encode again
                trace_headers=trace_headers,
            )
            spans.append(span)
            futures.append(self._send(producer, topic, row["message_key"].encode(), value, headers))
        results = await asyncio.gather(*futures, return_exceptions=True)
        outcomes: list[str | None] = []
        for span, result in zip(spans, results, strict=True):
            if isinstance(result, BaseException):
                span.record_exception(result)
                span.set_status(StatusCode.ERROR)
                outcomes.append(f"{type(result).__name__}: {result}")
            else:
                outcomes.append(None)
            span.end()
        return outcomes

    @staticmethod
    async def _send(
        producer: AIOKafkaProducer, topic: str, key: bytes, value: bytes, headers: list[tuple[str, bytes]]
    ) -> None:
        """Enqueue one record and wait for the broker's acknowledgement."""
        delivery = await producer.send(topic, value=value, key=key, headers=headers)
        await delivery

    def _backoff(self, attempts: int) -> float:
        """Exponential backoff with jitter, capped."""
        delay = self.settings.relay_backoff_base_seconds * float(2 ** min(int(attempts), 16))
        return min(delay, self.settings.relay_backoff_max_seconds) * random.uniform(0.5, 1.0)

    async def _purge_if_due(self, conn: asyncpg.Connection[Any]) -> None:
        """Once an hour the active relay purges old sent outbox rows and old inbox rows."""
        if time.monotonic() - self._last_purge < PURGE_INTERVAL_SECONDS:
            return
        self._last_purge = time.monotonic()
        await purge_expired(
            conn, outbox_days=self.settings.outbox_retention_days, inbox_days=self.settings.inbox_retention_days
        )


def _waves(rows: Sequence[asyncpg.Record]) -> list[list[asyncpg.Record]]:
    """Split rows (in commit order) into waves: wave i holds the i-th row of each (topic, key)."""
    waves: list[list[asyncpg.Record]] = []
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (row["topic"], row["message_key"])
        index = seen.get(key, 0)
        seen[key] = index + 1
        if index == len(waves):
            waves.append([])
        waves[index].append(row)
    return waves
