"""Consuming one topic: inbox for idempotence; a failing partition waits and retries while the others flow."""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from aiokafka import ConsumerRecord, TopicPartition
from faststream.kafka.annotations import KafkaMessage
from faststream.message import StreamMessage
from faststream.middlewares import AckPolicy
from opentelemetry import propagate
from opentelemetry.trace import Span, SpanKind
from pydantic import BaseModel, ValidationError
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_shared.contracts.base import EventContract
from lcn_shared.db import unit_of_work
from lcn_shared.envelope import Envelope, EnvelopeError, from_kafka, header_text
from lcn_shared.messaging.dlq import DLQ_HEADER_PREFIX as DLQ_HEADER_PREFIX
from lcn_shared.messaging.dlq import DLQ_SUFFIX as DLQ_SUFFIX
from lcn_shared.messaging.failures import classify, is_transient
from lcn_shared.messaging.inbox import first_deliveries
from lcn_shared.messaging.stalls import PartitionConsumer, PartitionStalls
from lcn_shared.runtime import ServiceRuntime

log = logging.getLogger(__name__)

# How long a poll waits for records; short, because an idle batch loop also sleeps this long.
BATCH_WAIT_MS = 20
Outcome = Literal["processed", "duplicate", "ignored"]
Apply = Callable[[AsyncSession, Any, Envelope], Awaitable[None]]
ApplyBatch = Callable[[AsyncSession, Sequence[tuple[Any, Envelope]]], Awaitable[None]]


@dataclass(frozen=True)
class Handler:
    """How one event type is applied: the contract to parse and the service function to call."""

    contract: type[EventContract]
    apply: Apply


@dataclass(frozen=True)
class BatchHandler:
    """How some event types are applied a poll at a time: the service function gets every new event of
    these types in the poll, in topic order, after the poll's events of other handlers. For effects that
    gain from one query for many events (and may not depend on their order relative to those others)."""

    contracts: tuple[type[EventContract], ...]
    apply: ApplyBatch
    # A tolerant reader: the few fields the handler reads, parsed instead of the whole contract (for a
    # handler that looks at every event and acts on few). None: the contract of each event's type.
    reads: type[BaseModel] | None = None

    def contract_of(self, event_type: str) -> type[EventContract]:
        """The contract of one of the handled types."""
        return next(contract for contract in self.contracts if contract.event_type == event_type)

    def model_of(self, event_type: str) -> type[BaseModel]:
        """What an event of this type is parsed as for the handler."""
        return self.reads or self.contract_of(event_type)


@dataclass
class EventConsumer:
    """One named consumer of one logical topic, dispatching on the CloudEvents type."""

    name: str
    topic: str
    handlers: Sequence[Handler | BatchHandler]
    description: str = ""
    _by_type: dict[str, Handler | BatchHandler] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_type = {
            contract.event_type: handler
            for handler in self.handlers
            for contract in (handler.contracts if isinstance(handler, BatchHandler) else (handler.contract,))
        }

    @property
    def contracts(self) -> set[type[EventContract]]:
        """The events this consumer applies (any other type on its topic is recorded and skipped)."""
        return {
            handler.contract_of(event_type) if isinstance(handler, BatchHandler) else handler.contract
            for event_type, handler in self._by_type.items()
        }

    def attach(self, runtime: ServiceRuntime) -> None:
        """Subscribe on the runtime's broker; offsets are committed only after the effect."""
        subscriber = runtime.broker.subscriber(
            runtime.config.platform.topic(self.topic),
            group_id=runtime.config.platform.consumer_group(runtime.service),
            auto_offset_reset="earliest",
            ack_policy=AckPolicy.NACK_ON_ERROR,
            batch=True,
            max_records=runtime.config.service.consumer_batch_size,
            batch_timeout_ms=BATCH_WAIT_MS,
            fetch_max_wait_ms=runtime.config.service.consumer_fetch_wait_ms,
            decoder=_undecoded,
            title=f"{self.name}:{self.topic}",
            description=self.description or None,
        )
        stalls = PartitionStalls(consumer=self.name, settings=runtime.config.service, metrics=runtime.metrics)
        runtime.consumer_stalls.append(stalls)

        @subscriber
        async def on_batch(message: KafkaMessage) -> None:
            # FastStream commits the consumer's positions after this returns, so a partition rewound
            # to its failing record keeps what came before it and gets that record again later.
            assert subscriber.consumer is not None
            await self.process_batch(message.raw_message, runtime, stalls, subscriber.consumer)

    async def process_batch(
        self,
        records: Sequence[ConsumerRecord[bytes, bytes]],
        runtime: ServiceRuntime,
        stalls: PartitionStalls,
        consumer: PartitionConsumer,
    ) -> None:
        """Apply a poll's records in one transaction (one fsync, one offset commit); if that fails, go on
        per partition, so a failing partition is held back while the others are applied."""
        stalls.prune(consumer)
        by_partition: dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]] = {}
        for record in records:
            by_partition.setdefault(TopicPartition(record.topic, record.partition), []).append(record)
        for partition in [partition for partition in by_partition if stalls.is_held(partition)]:
            # Records fetched before the pause took effect: rewind again, they come back after the backoff.
            consumer.seek(partition, stalls.stalls[partition].offset)
            del by_partition[partition]
        parsed = _parse_all([record for rows in by_partition.values() for record in rows])
        batch_error: Exception | None = None
        if parsed:
            try:
                outcomes = await self._apply_all(parsed, runtime)
            except Exception as exc:
                log.info("%s: a batch of %d failed (%s); going on per partition", self.name, len(parsed), exc)
                batch_error = exc
            else:
                for outcome in outcomes:
                    self._count(outcome, runtime)
                for partition in by_partition:
                    stalls.cleared(partition)
                return
        # With one partition, its records were the batch: no need to try them together again.
        tried = batch_error if len(by_partition) == 1 else None
        results = await asyncio.gather(
            *(
                self._process_partition(partition, rows, runtime, stalls, consumer, tried=tried)
                for partition, rows in by_partition.items()
            ),
            return_exceptions=True,
        )
        for result in results:
            if isinstance(result, BaseException):  # the DLQ was unreachable: nack, the batch comes again
                raise result

    async def _process_partition(
        self,
        partition: TopicPartition,
        records: Sequence[ConsumerRecord[bytes, bytes]],
        runtime: ServiceRuntime,
        stalls: PartitionStalls,
        consumer: PartitionConsumer,
        *,
        tried: Exception | None,
    ) -> None:
        """Apply one partition's records together; on a transient failure hold the partition back, else
        apply them one by one (one transaction each) to find the record that fails."""
        parsed = _parse_all(records)
        if parsed:
            error = tried
            if error is None:
                try:
                    outcomes = await self._apply_all(parsed, runtime)
                except Exception as exc:
                    error = exc
                else:
                    for outcome in outcomes:
                        self._count(outcome, runtime)
                    stalls.cleared(partition)
                    return
            if is_transient(error):  # not this record's fault: retry from the start of the partition's records
                await self._failed(partition, records[0], error, runtime, stalls, consumer)
                return
        for record in records:
            try:
                envelope = from_kafka(record.headers, record.value)
            except EnvelopeError as exc:  # unreadable: retrying cannot help
                await self._dead_letter(record, exc, attempts=1, runtime=runtime)
                stalls.cleared(partition)
                continue
            try:
                outcome = (await self._apply_all([(record, envelope)], runtime))[0]
            except Exception as exc:
                if not await self._failed(partition, record, exc, runtime, stalls, consumer):
                    return  # held back: the rest of this partition waits for the failing record
                continue
            self._count(outcome, runtime)
            stalls.cleared(partition)

    async def _apply_all(
        self, parsed: Sequence[tuple[ConsumerRecord[bytes, bytes], Envelope]], runtime: ServiceRuntime
    ) -> list[Outcome]:
        """Apply records in order in one transaction; all or none take effect."""
        async with unit_of_work(runtime.sessions()) as session:
            claimed = await first_deliveries(
                session, consumer=self.name, events=[(envelope.id, envelope.type) for _, envelope in parsed]
            )
            outcomes: list[Outcome] = []
            batched: dict[BatchHandler, list[tuple[ConsumerRecord[bytes, bytes], Envelope]]] = {}
            for record, envelope in parsed:
                first = envelope.id in claimed
                claimed.discard(envelope.id)  # the same event twice in one batch: the second is a duplicate
                handler = self._by_type.get(envelope.type)
                if not first:
                    outcomes.append("duplicate")
                elif isinstance(handler, BatchHandler):
                    batched.setdefault(handler, []).append((record, envelope))
                    outcomes.append("processed")
                else:
                    outcomes.append(await self._apply_traced(session, record, envelope, runtime))
            for batch_handler, events in batched.items():
                await self._apply_batch_traced(session, batch_handler, events, runtime)
            return outcomes

    async def _failed(
        self,
        partition: TopicPartition,
        record: ConsumerRecord[bytes, bytes],
        error: Exception,
        runtime: ServiceRuntime,
        stalls: PartitionStalls,
        consumer: PartitionConsumer,
    ) -> bool:
        """Hold the partition back to retry the record, or dead-letter it; True when the partition may go on."""
        # A payload that does not fit the contract fails the same way every time: no point retrying.
        kind = "deterministic" if isinstance(error, ValidationError) else classify(error)
        stall = stalls.failed(partition, record.offset, kind, error)
        if kind == "deterministic" and (
            isinstance(error, ValidationError)
            or stall.deterministic_attempts > runtime.config.service.consumer_max_retries
        ):
            await self._dead_letter(record, error, attempts=stall.attempts, runtime=runtime)
            stalls.cleared(partition)
            return True
        runtime.metrics.consumer_messages.labels(self.name, "retried").inc()
        stalls.hold(consumer, partition, stall)
        return False

    def _count(self, outcome: Outcome, runtime: ServiceRuntime) -> None:
        """Record one applied record's outcome."""
        runtime.metrics.consumer_messages.labels(self.name, outcome).inc()
        if outcome == "duplicate":
            runtime.metrics.inbox_duplicates.labels(self.name).inc()

    async def _apply_traced(
        self, session: AsyncSession, record: ConsumerRecord[bytes, bytes], envelope: Envelope, runtime: ServiceRuntime
    ) -> Outcome:
        """Apply one claimed record in a CONSUMER span that continues the producer's trace (one trace per event)."""
        with self._process_span(record, envelope, runtime):
            return await self._apply(session, envelope)

    async def _apply_batch_traced(
        self,
        session: AsyncSession,
        handler: BatchHandler,
        events: Sequence[tuple[ConsumerRecord[bytes, bytes], Envelope]],
        runtime: ServiceRuntime,
    ) -> None:
        """Apply a poll's events for one batch handler at once, each event in its own CONSUMER span that
        continues its producer's trace (one trace per event, as for single handlers)."""
        payloads = [(envelope.validate(handler.model_of(envelope.type)), envelope) for _, envelope in events]
        with ExitStack() as spans:
            for record, envelope in events:
                spans.enter_context(self._process_span(record, envelope, runtime, batch=len(events)))
            await handler.apply(session, payloads)

    def _process_span(
        self, record: ConsumerRecord[bytes, bytes], envelope: Envelope, runtime: ServiceRuntime, *, batch: int = 1
    ) -> AbstractContextManager[Span]:
        """The CONSUMER span of processing one record, a child of the span that published it."""
        attributes = {
            "messaging.system": "kafka",
            "messaging.operation.type": "process",
            "messaging.destination.name": record.topic,
            "messaging.consumer.group.name": self.name,
            "messaging.message.id": envelope.id,
            "messaging.kafka.offset": record.offset,
            "messaging.destination.partition.id": str(record.partition),
            "messaging.batch.message_count": batch,
            "cloudevents.event_type": envelope.type,
        }
        return runtime.tracer.start_as_current_span(
            f"{record.topic} process",
            context=propagate.extract(header_text(record.headers)),
            kind=SpanKind.CONSUMER,
            attributes=attributes,
        )

    async def _apply(self, session: AsyncSession, envelope: Envelope) -> Outcome:
        """The handler's effect of a claimed event, inside the caller's transaction."""
        handler = self._by_type.get(envelope.type)
        if handler is None:  # a type this consumer does not need; recorded so it is skipped next time
            return "ignored"
        assert isinstance(handler, Handler), "batch handlers are applied per poll"
        payload = envelope.validate(handler.contract)
        await handler.apply(session, payload, envelope)
        return "processed"

    async def _dead_letter(
        self, record: ConsumerRecord[bytes, bytes], error: BaseException, *, attempts: int, runtime: ServiceRuntime
    ) -> None:
        """Publish the record unchanged to `<topic>.dlq`, with the error and origin in headers."""
        headers = {
            name: value for name, value in header_text(record.headers).items() if not name.startswith(DLQ_HEADER_PREFIX)
        }
        headers.update(
            {
                "lcn-dlq-error": str(error)[:4000],
                "lcn-dlq-error-type": type(error).__name__,
                "lcn-dlq-stacktrace": "".join(traceback.format_exception(error))[-4000:],
                "lcn-dlq-consumer": self.name,
                "lcn-dlq-original-topic": record.topic,
                "lcn-dlq-original-partition": str(record.partition),
                "lcn-dlq-original-offset": str(record.offset),
                "lcn-dlq-attempts": str(attempts),
                "lcn-dlq-failed-at": datetime.now(UTC).isoformat(),
            }
        )
        dlq_topic = record.topic + DLQ_SUFFIX
        await runtime.broker.publish(record.value or b"", topic=dlq_topic, key=record.key, headers=headers)
        runtime.metrics.dlq_messages.labels(dlq_topic).inc()
        runtime.metrics.consumer_messages.labels(self.name, "dead_lettered").inc()
        log.error(
            "%s dead-lettered %s:%d@%d after %d attempt(s): %s",
            self.name,
            record.topic,
            record.partition,
            record.offset,
            attempts,
            error,
        )


async def _undecoded(message: StreamMessage[Any]) -> None:
    """No body for the handler: it reads the raw records, so FastStream's JSON decoding of each would be wasted."""
    return None


def _parse_all(records: Sequence[ConsumerRecord[bytes, bytes]]) -> list[tuple[ConsumerRecord[bytes, bytes], Envelope]]:
    """Every record with its envelope, or nothing when one is unreadable (then they go one by one)."""
    try:
        return [(record, from_kafka(record.headers, record.value)) for record in records]
    except EnvelopeError:
        return []
