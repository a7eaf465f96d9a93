"""Holding a partition back: rewind, pause, resume after a capped backoff, and the stalled gauge."""

from __future__ import annotations

import asyncio

from aiokafka import TopicPartition

from lcn_shared.messaging.failures import TransientError
from lcn_shared.messaging.stalls import PartitionStalls
from lcn_shared.settings import ServiceSettings
from lcn_shared.telemetry.metrics import KitMetrics

PARTITION = TopicPartition("lcn.kit.things", 1)


class RecordingConsumer:
    """Stands in for aiokafka's consumer: records seeks, pauses and resumes (a unit test of the tracker)."""

    def __init__(self) -> None:
        self.assigned = {PARTITION, TopicPartition("lcn.kit.things", 0)}
        self.calls: list[tuple[str, int]] = []

    def seek(self, partition: TopicPartition, offset: int) -> None:
        self.calls.append(("seek", offset))

    def pause(self, *partitions: TopicPartition) -> None:
        self.calls += [("pause", partition.partition) for partition in partitions]

    def resume(self, *partitions: TopicPartition) -> None:
        self.calls += [("resume", partition.partition) for partition in partitions]

    def assignment(self) -> set[TopicPartition]:
        return self.assigned


def _stalls(metrics: KitMetrics) -> PartitionStalls:
    settings = ServiceSettings(consumer_retry_base_seconds=0.01, consumer_transient_backoff_max_seconds=0.04)
    return PartitionStalls(consumer="kit.things", settings=settings, metrics=metrics)


async def test_hold_rewinds_pauses_and_resumes_after_the_backoff() -> None:
    """The partition is rewound to the failing record, paused, and resumed when the backoff ends."""
    metrics, consumer = KitMetrics(), RecordingConsumer()
    stalls = _stalls(metrics)
    stall = stalls.failed(PARTITION, 42, "transient", TransientError("partner away"))
    delay = stalls.hold(consumer, PARTITION, stall)
    assert consumer.calls == [("seek", 42), ("pause", 1)]
    assert stalls.is_held(PARTITION)
    await asyncio.sleep(delay + 0.05)
    assert consumer.calls[-1] == ("resume", 1)
    assert not stalls.is_held(PARTITION)
    [entry] = stalls.describe()
    assert (entry["offset"], entry["kind"], entry["reason"]) == (42, "transient", "TransientError: partner away")
    assert metrics.consumer_stalled.labels("kit.things", "lcn.kit.things", "1", "transient")._value.get() == 1


def test_transient_backoff_is_capped_and_jittered() -> None:
    """Attempts double the delay up to the cap; jitter keeps it within half the cap and the cap."""
    stalls = _stalls(KitMetrics())
    for _ in range(20):
        stall = stalls.failed(PARTITION, 7, "transient", OSError("refused"))
    delays = {stalls.backoff(stall) for _ in range(50)}
    assert stall.attempts == 20
    assert all(0.02 <= delay <= 0.04 for delay in delays)
    assert len(delays) > 1


def test_moving_on_or_losing_the_partition_clears_the_stall() -> None:
    """Cleared and pruned partitions leave /health/ready and the gauge."""
    metrics, consumer = KitMetrics(), RecordingConsumer()
    stalls = _stalls(metrics)
    stalls.failed(PARTITION, 3, "deterministic", ValueError("rejected"))
    stalls.failed(PARTITION, 3, "transient", OSError("refused"))  # the kind changed: one series, relabelled
    exposition = metrics.registry.get_sample_value
    assert exposition("lcn_consumer_stalled", {**_labels(), "kind": "transient"}) == 1
    assert exposition("lcn_consumer_stalled", {**_labels(), "kind": "deterministic"}) is None
    stalls.cleared(PARTITION)
    assert stalls.describe() == []
    assert exposition("lcn_consumer_stalled", {**_labels(), "kind": "transient"}) is None

    stalls.failed(PARTITION, 4, "transient", OSError("refused"))
    consumer.assigned = set()  # a rebalance gave the partition to another replica
    stalls.prune(consumer)
    assert stalls.describe() == []


def _labels() -> dict[str, str]:
    return {"consumer": "kit.things", "topic": "lcn.kit.things", "partition": "1"}
