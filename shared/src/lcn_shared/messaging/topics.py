"""Creating the Kafka topics a service needs, when they are missing."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

log = logging.getLogger(__name__)
# Topics keep every event: read models are rebuilt by replaying them from the first record (ADR 0029), and
# compaction would drop a merge's redirect once its survivor changed again.
TOPIC_CONFIG = {"retention.ms": "-1", "cleanup.policy": "delete"}


async def ensure_topics(bootstrap_servers: str, topics: Iterable[str], *, partitions: int) -> list[str]:
    """Create each missing topic, keeping its records for ever (TOPIC_CONFIG); return the ones created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="lcn-topics")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = sorted(set(topics) - existing)
        if missing:
            try:
                await admin.create_topics(
                    [NewTopic(name, partitions, 1, topic_configs=TOPIC_CONFIG) for name in missing]
                )
            except TopicAlreadyExistsError:  # another replica was faster
                pass
            log.info("created topics %s", ", ".join(missing))
        return missing
    finally:
        await admin.close()
