"""Topics keep every record, and a replay reads a topic from its first record to its end as it was when it began."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from lcn_shared.envelope import to_kafka
from lcn_shared.messaging.replay import records_to_end, replay
from lcn_shared.messaging.topics import ensure_topics
from lcn_shared.settings import PlatformSettings


async def test_topics_are_created_to_keep_every_record(platform: PlatformSettings) -> None:
    """retention.ms=-1 and no compaction: a read model can be rebuilt from the first record (ADR 0029)."""
    topic = platform.topic("lcn.probe.kept")
    assert await ensure_topics(platform.kafka_bootstrap_servers, [topic], partitions=2) == [topic]
    admin = AIOKafkaAdminClient(bootstrap_servers=platform.kafka_bootstrap_servers)
    await admin.start()
    try:
        (described,) = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    finally:
        await admin.close()
    configs = {entry[0]: entry[1] for entry in described.resources[0][4]}
    assert (configs["retention.ms"], configs["cleanup.policy"]) == ("-1", "delete")


async def produce(platform: PlatformSettings, topic: str, count: int, *, first: int = 0) -> None:
    """`count` CloudEvents on the topic, keyed over a few keys, plus one record that is no CloudEvent."""
    producer = AIOKafkaProducer(bootstrap_servers=platform.kafka_bootstrap_servers)
    await producer.start()
    try:
        for number in range(first, first + count):
            headers, value = to_kafka(
                event_id=str(uuid.uuid4()),
                source="/lcn/probe",
                event_type="nl.lcn.probe.thing.counted.v1",
                subject=str(number % 5),
                time=datetime.now(UTC),
                data={"number": number},
            )
            await producer.send_and_wait(topic, value, key=str(number % 5).encode(), headers=headers)
        await producer.send_and_wait(topic, b"not a cloudevent", key=b"x")
    finally:
        await producer.stop()


async def test_a_replay_reads_every_event_once_in_key_order_and_counts_the_unreadable(
    platform: PlatformSettings,
) -> None:
    """Every event of every partition, each key's in the order written; a record that is no CloudEvent counted."""
    topic = platform.topic("lcn.probe.replayed")
    await ensure_topics(platform.kafka_bootstrap_servers, [topic], partitions=3)
    await produce(platform, topic, 250)
    numbers: list[int] = []
    unreadable = 0
    async for batch in replay(platform.kafka_bootstrap_servers, topic, max_records=40, require_complete=True):
        numbers += [envelope.data["number"] for envelope in batch.events]
        unreadable += batch.unreadable
    assert sorted(numbers) == list(range(250))
    assert unreadable == 1
    for key in range(5):
        of_key = [number for number in numbers if number % 5 == key]
        assert of_key == sorted(of_key)


async def test_a_replay_stops_at_the_end_it_saw_when_it_began(platform: PlatformSettings) -> None:
    """Records written while a replay runs are the live consumer's, not the replay's."""
    topic = platform.topic("lcn.probe.growing")
    await ensure_topics(platform.kafka_bootstrap_servers, [topic], partitions=1)
    await produce(platform, topic, 30)
    seen: list[int] = []
    async for batch in replay(platform.kafka_bootstrap_servers, topic, max_records=10):
        if not seen:
            await produce(platform, topic, 20, first=1000)
        seen += [envelope.data["number"] for envelope in batch.events]
    assert seen == list(range(30))


async def test_a_replay_reads_records_written_in_one_batch_to_the_last(platform: PlatformSettings) -> None:
    """Records the producer batched together (as the relay does) are all read: the end of a partition is taken from
    the first fetch's high watermark, not only from ListOffsets, which Tansu answers with the last batch's start."""
    topic = platform.topic("lcn.probe.batched")
    await ensure_topics(platform.kafka_bootstrap_servers, [topic], partitions=1)
    producer = AIOKafkaProducer(bootstrap_servers=platform.kafka_bootstrap_servers, linger_ms=200)
    await producer.start()
    try:
        for number in range(40):
            headers, value = to_kafka(
                event_id=str(uuid.uuid4()),
                source="/lcn/probe",
                event_type="nl.lcn.probe.thing.counted.v1",
                subject="one",
                time=datetime.now(UTC),
                data={"number": number},
            )
            await producer.send(topic, value, key=b"one", headers=headers)
        await producer.flush()
    finally:
        await producer.stop()
    numbers = [
        envelope.data["number"]
        async for batch in replay(platform.kafka_bootstrap_servers, topic)
        for envelope in batch.events
    ]
    assert numbers == list(range(40))


async def test_readers_sharing_a_topic_by_portions_read_each_partition_once(platform: PlatformSettings) -> None:
    """Two readers, each with a portion (the partitions whose number modulo two is its index), read every record of
    the three partitions between them, none twice; a portion without a partition reads nothing."""
    topic = platform.topic("lcn.probe.portioned")
    await ensure_topics(platform.kafka_bootstrap_servers, [topic], partitions=3)
    await produce(platform, topic, 60)
    read: list[list[tuple[int, int]]] = []
    for index in range(2):
        read.append(
            [
                (record.partition, record.offset)
                async for batch in records_to_end(platform.kafka_bootstrap_servers, [topic], portion=(index, 2))
                for record in batch
            ]
        )
    assert {partition for partition, _ in read[0]} == {0, 2}
    assert {partition for partition, _ in read[1]} == {1}
    assert len(set(read[0]) | set(read[1])) == len(read[0]) + len(read[1]) == 61
    assert [batch async for batch in records_to_end(platform.kafka_bootstrap_servers, [topic], portion=(3, 4))] == []
