"""Replaying a topic from its first record: for rebuilding a read model from the events that made it.

The records are read without joining a consumer group (nothing is committed, the live consumers are not disturbed),
up to the end offsets seen when the replay starts, in batches; within a partition in offset order, so one key's
events keep their order.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from lcn_shared.envelope import Envelope, EnvelopeError, from_kafka

FETCH_BYTES = 8 * 1_048_576


class IncompleteTopic(RuntimeError):
    """The topic no longer holds its first records (retention dropped them): a replay would miss events."""


@dataclass(frozen=True)
class ReplayedBatch:
    """Events read in one fetch, and the records that were no CloudEvent (skipped, counted)."""

    events: list[Envelope]
    unreadable: int


async def records_to_end(
    bootstrap_servers: str,
    topics: list[str],
    *,
    max_records: int = 10_000,
    require_complete: bool = False,
    portion: tuple[int, int] = (0, 1),
) -> AsyncIterator[list[ConsumerRecord[bytes, bytes]]]:
    """Every record of the topics up to their ends when the reading starts, a fetch at a time, without a consumer
    group; IncompleteTopic first when `require_complete` and a partition no longer starts at offset 0. A `portion`
    (index, count) reads only the partitions whose number modulo count is index, so `count` readers share a topic
    whatever its partitions are when they start."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        enable_auto_commit=False,
        max_partition_fetch_bytes=FETCH_BYTES,
        fetch_max_bytes=FETCH_BYTES,
    )
    await consumer.start()
    try:
        partitions = [
            TopicPartition(topic, number)
            for topic in topics
            for number in sorted(consumer.partitions_for_topic(topic) or ())
            if number % portion[1] == portion[0]
        ]
        if not partitions:
            return
        consumer.assign(partitions)
        if require_complete:
            first = await consumer.beginning_offsets(partitions)
            if gaps := sorted(f"{part.topic}[{part.partition}]" for part in partitions if first[part]):
                raise IncompleteTopic(f"retention dropped the first records of {', '.join(gaps)}")
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)
        remaining = {partition for partition in partitions if end[partition] > 0}
        settled: set[TopicPartition] = set()
        while remaining:
            fetched = await consumer.getmany(*remaining, timeout_ms=1000, max_records=max_records)
            for partition in remaining - settled:
                # A broker may answer ListOffsets with less than the true end (Tansu gives the start of the last
                # record batch plus one); the high watermark of the first fetch is the end as the reading began.
                if (highwater := consumer.highwater(partition)) is not None:
                    end[partition] = max(end[partition], highwater)
                    settled.add(partition)
            # Records written after the reading began are the live consumer's.
            batch = [record for part, records in fetched.items() for record in records if record.offset < end[part]]
            if batch:
                yield batch
            remaining = {partition for partition in remaining if await consumer.position(partition) < end[partition]}
    finally:
        # Stopped in the loop turn it started in (a portion with no partition), aiokafka cancels a task of its own that
        # never ran, and raises that task's CancelledError: one turn lets the task start.
        await asyncio.sleep(0)
        await consumer.stop()


async def replay(
    bootstrap_servers: str, topic: str, *, max_records: int = 10_000, require_complete: bool = False
) -> AsyncIterator[ReplayedBatch]:
    """Every record of `topic` up to its end when the replay starts, as batches of envelopes (see records_to_end)."""
    async for records in records_to_end(
        bootstrap_servers, [topic], max_records=max_records, require_complete=require_complete
    ):
        events: list[Envelope] = []
        unreadable = 0
        for record in records:
            try:
                events.append(from_kafka(record.headers, record.value))
            except EnvelopeError:
                unreadable += 1
        yield ReplayedBatch(events, unreadable)
