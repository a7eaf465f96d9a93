"""Where the tests' PostgreSQL and Kafka come from: the environment, testcontainers, or embedded."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from lcn_shared.embedded import EmbeddedKafka, EmbeddedPostgres, free_port


@dataclass(frozen=True)
class Infrastructure:
    """A PostgreSQL server and a Kafka bootstrap address for one test session."""

    database_url: str
    kafka_bootstrap_servers: str
    kind: str


@contextmanager
def session_infrastructure() -> Iterator[Infrastructure]:
    """External servers when DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS are set; containers when
    LCN_TEST_INFRA=containers (needs Docker); otherwise the embedded ones, started once."""
    database_url = os.environ.get("DATABASE_URL")
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    stops: list[Callable[[], None]] = []
    try:
        if os.environ.get("LCN_TEST_INFRA") == "containers":
            database_url, bootstrap = _containers(stops, database_url, bootstrap)
            kind = "containers"
        else:
            state = Path(tempfile.mkdtemp(prefix="lcn-test-"))
            if not database_url:
                postgres = EmbeddedPostgres(state / "postgres", free_port(), durable=False)
                postgres.start()
                stops.append(postgres.stop)
                database_url = postgres.url
            if not bootstrap:
                kafka = EmbeddedKafka(free_port(), state / "kafka.log")
                kafka.start()
                stops.append(kafka.stop)
                bootstrap = kafka.bootstrap_servers
            kind = "embedded" if stops else "external"
        yield Infrastructure(database_url, bootstrap, kind)
    finally:
        for stop in reversed(stops):
            stop()


def _containers(stops: list[Callable[[], None]], database_url: str | None, bootstrap: str | None) -> tuple[str, str]:
    """Apache Kafka and PostgreSQL from testcontainers, for machines with Docker."""
    from testcontainers.kafka import KafkaContainer
    from testcontainers.postgres import PostgresContainer

    if not database_url:
        postgres = PostgresContainer("postgres:17", driver=None).start()
        stops.append(postgres.stop)
        database_url = postgres.get_connection_url()
    if not bootstrap:
        kafka = KafkaContainer("apache/kafka:3.9.0").with_kraft().start()
        stops.append(kafka.stop)
        bootstrap = kafka.get_bootstrap_server()
    return database_url, bootstrap
