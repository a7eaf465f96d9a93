"""Partitions held back by a failing record: rewound to it, paused for a backoff, then resumed to retry."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from aiokafka import TopicPartition

from lcn_shared.messaging.failures import FailureKind, root_cause
from lcn_shared.settings import ServiceSettings
from lcn_shared.telemetry.metrics import KitMetrics

log = logging.getLogger(__name__)


class PartitionConsumer(Protocol):
    """What the tracker needs of aiokafka's consumer: seek, pause, resume and the assignment."""

    def seek(self, partition: TopicPartition, offset: int) -> None: ...
    def pause(self, *partitions: TopicPartition) -> None: ...
    def resume(self, *partitions: TopicPartition) -> None: ...
    def assignment(self) -> set[TopicPartition]: ...


@dataclass
class Stall:
    """One partition waiting to retry the record at `offset`."""

    offset: int
    kind: FailureKind
    reason: str
    error_type: str
    attempts: int  # failed attempts at this offset, of any kind
    deterministic_attempts: int
    since: datetime
    retry_at: float  # monotonic

    def describe(self, topic: str, partition: int) -> dict[str, Any]:
        """What /health/ready shows about the stall."""
        return {
            "topic": topic,
            "partition": partition,
            "offset": self.offset,
            "kind": self.kind,
            "reason": self.reason,
            "attempts": self.attempts,
            "since": self.since.isoformat(),
            "retry_in_seconds": round(max(self.retry_at - time.monotonic(), 0.0), 3),
        }


class PartitionStalls:
    """Per consumer and process: which partitions are held back, why, and until when."""

    def __init__(self, *, consumer: str, settings: ServiceSettings, metrics: KitMetrics) -> None:
        self.consumer = consumer
        self.settings = settings
        self.metrics = metrics
        self.stalls: dict[TopicPartition, Stall] = {}
        self._timers: dict[TopicPartition, asyncio.TimerHandle] = {}

    def failed(self, partition: TopicPartition, offset: int, kind: FailureKind, error: BaseException) -> Stall:
        """Record a failed attempt at `offset` and return the partition's stall (attempts counted per offset)."""
        previous = self.stalls.get(partition)
        previous_kind = previous.kind if previous is not None else None
        current = previous
        if current is None or current.offset != offset:
            current = Stall(offset, kind, "", "", 0, 0, datetime.now(UTC), 0.0)
        cause = root_cause(error)
        current.kind, current.attempts = kind, current.attempts + 1
        current.reason = f"{type(cause).__name__}: {cause}"[:500]
        current.error_type = type(cause).__name__
        if kind == "deterministic":
            current.deterministic_attempts += 1
        self._set_gauge(partition, kind, previous_kind)
        self.stalls[partition] = current
        self.metrics.consumer_retries.labels(self.consumer, kind).inc()
        return current

    def hold(self, consumer: PartitionConsumer, partition: TopicPartition, stall: Stall) -> float:
        """Rewind the partition to the failing record and pause it for its backoff; return the delay."""
        delay = self.backoff(stall)
        stall.retry_at = time.monotonic() + delay
        if partition not in consumer.assignment():
            return delay  # a rebalance took it away; its new owner starts from the committed offset
        consumer.seek(partition, stall.offset)
        consumer.pause(partition)
        if timer := self._timers.pop(partition, None):
            timer.cancel()
        self._timers[partition] = asyncio.get_running_loop().call_later(delay, self._resume, consumer, partition)
        log.warning(
            "%s holds %s:%d at offset %d for %.2fs after a %s failure (attempt %d): %s",
            self.consumer,
            partition.topic,
            partition.partition,
            stall.offset,
            delay,
            stall.kind,
            stall.attempts,
            stall.reason,
        )
        return delay

    def cleared(self, partition: TopicPartition) -> None:
        """The partition moved past its failing record (applied or dead-lettered)."""
        stall = self.stalls.pop(partition, None)
        if stall is None:
            return
        self._remove_gauge((self.consumer, partition.topic, str(partition.partition)), stall.kind)
        log.info("%s: %s:%d moves on after %d failed attempt(s)", self.consumer, *partition, stall.attempts)

    def is_held(self, partition: TopicPartition) -> bool:
        """True while the partition waits for its backoff to end."""
        stall = self.stalls.get(partition)
        return stall is not None and stall.retry_at > time.monotonic()

    def backoff(self, stall: Stall) -> float:
        """Capped exponential backoff with jitter; transient failures may wait longer than a bad record."""
        cap = (
            self.settings.consumer_transient_backoff_max_seconds
            if stall.kind == "transient"
            else self.settings.consumer_retry_max_seconds
        )
        attempt = stall.attempts if stall.kind == "transient" else stall.deterministic_attempts
        delay = min(self.settings.consumer_retry_base_seconds * 2.0 ** min(attempt - 1, 30), cap)
        return delay * random.uniform(0.5, 1.0)

    def describe(self) -> list[dict[str, Any]]:
        """Every stalled partition, for /health/ready."""
        return [
            {"consumer": self.consumer, **stall.describe(partition.topic, partition.partition)}
            for partition, stall in sorted(self.stalls.items())
        ]

    def prune(self, consumer: PartitionConsumer) -> None:
        """Forget stalls of partitions a rebalance took away: their new owner retries them."""
        for partition in [partition for partition in self.stalls if partition not in consumer.assignment()]:
            self.cleared(partition)

    def _resume(self, consumer: PartitionConsumer, partition: TopicPartition) -> None:
        """The backoff ended: fetch the partition again (unless a rebalance took it away)."""
        self._timers.pop(partition, None)
        with suppress(Exception):  # stopped or rebalanced meanwhile: nothing to resume
            if partition in consumer.assignment():
                consumer.resume(partition)

    def _set_gauge(self, partition: TopicPartition, kind: FailureKind, previous_kind: FailureKind | None) -> None:
        """One series per stalled partition, labelled with the kind of failure it waits on."""
        labels = (self.consumer, partition.topic, str(partition.partition))
        if previous_kind is not None and previous_kind != kind:
            self._remove_gauge(labels, previous_kind)
        self.metrics.consumer_stalled.labels(*labels, kind).set(1)

    def _remove_gauge(self, labels: tuple[str, str, str], kind: FailureKind) -> None:
        """Drop a stalled series (gone already when a test shares the metrics)."""
        with suppress(KeyError):
            self.metrics.consumer_stalled.remove(*labels, kind)
