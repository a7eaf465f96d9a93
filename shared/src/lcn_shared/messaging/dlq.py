"""Dead letters for operators: list and inspect `<topic>.dlq` records, and re-drive them."""

from __future__ import annotations

from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from lcn_shared.envelope import header_text
from lcn_shared.messaging.replay import records_to_end

# Dead letters go to `<topic>.dlq`, the failure in headers of this prefix (lcn_shared.messaging.consumer).
DLQ_SUFFIX = ".dlq"
DLQ_HEADER_PREFIX = "lcn-dlq-"


@dataclass(frozen=True)
class DeadLetter:
    """One record in a dead-letter topic."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    headers: dict[str, str]

    @property
    def dead_letter_id(self) -> str:
        """`<dlq topic>:<partition>:<offset>`: how operators name a dead letter."""
        return f"{self.topic}:{self.partition}:{self.offset}"

    @property
    def event_id(self) -> str:
        """The CloudEvents id of the original event, when it had one."""
        return self.headers.get("ce_id", "")

    def original_headers(self) -> list[tuple[str, bytes]]:
        """The headers the event had before it was dead-lettered."""
        return [
            (name, value.encode()) for name, value in self.headers.items() if not name.startswith(DLQ_HEADER_PREFIX)
        ]


async def dead_letter_topics(bootstrap_servers: str, topic_prefix: str = "") -> list[str]:
    """Every DLQ topic on the cluster within the prefix."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers)
    await consumer.start()
    try:
        topics = await consumer.topics()
    finally:
        await consumer.stop()
    return sorted(t for t in topics if t.endswith(DLQ_SUFFIX) and t.startswith(topic_prefix))


async def read_dead_letters(bootstrap_servers: str, topics: list[str]) -> list[DeadLetter]:
    """All records of the given DLQ topics, read from the start without joining a group."""
    letters = [
        DeadLetter(r.topic, r.partition, r.offset, r.key, r.value or b"", header_text(r.headers))
        async for records in records_to_end(bootstrap_servers, topics)
        for r in records
    ]
    return sorted(letters, key=lambda letter: (letter.topic, letter.partition, letter.offset))


async def redrive(bootstrap_servers: str, letters: list[DeadLetter]) -> int:
    """Publish each dead letter back to its original topic, as it was; the inbox absorbs repeats."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, acks="all")
    await producer.start()
    try:
        for letter in letters:
            original = letter.headers.get("lcn-dlq-original-topic") or letter.topic.removesuffix(DLQ_SUFFIX)
            await producer.send_and_wait(
                original, value=letter.value, key=letter.key, headers=letter.original_headers()
            )
    finally:
        await producer.stop()
    return len(letters)
