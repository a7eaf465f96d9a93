"""Which records of the registry's topic a rebuild decodes and projects: the newest state of each community by
version (not by offset: a redriven dead letter comes back later with an older version), every merge and every
event without a state; other types are ignored and what is no CloudEvent is rejected."""

from __future__ import annotations

import uuid

from aiokafka import ConsumerRecord

from lcn_monitor.rebuild import DecidingRecords, Rebuilt, envelopes_of
from lcn_shared.contracts.base import EventContract
from lcn_shared.envelope import Envelope, to_kafka

from .builders import NOW, create_merged, create_registered, create_state, create_updated, with_state


def record(
    offset: int, event: EventContract | None = None, *, event_type: str | None = None
) -> ConsumerRecord[bytes, bytes]:
    """A record as the replay reads it: the event in binary mode, or (without one) a value that is no CloudEvent."""
    if event is None:
        headers, value = [], b"not a cloud event"
    else:
        headers, value = to_kafka(
            event_id=str(uuid.uuid4()),
            source=event.source,
            event_type=event_type or event.event_type,
            subject=event.aggregate_id(),
            time=NOW,
            data=event.model_dump(mode="json"),
        )
    return ConsumerRecord("lcn.registry.community", 0, offset, 0, 0, None, value, None, 0, len(value), tuple(headers))


def deciding(*batches: list[ConsumerRecord[bytes, bytes]], found: Rebuilt) -> list[Envelope]:
    """The envelopes a rebuild decodes from these batches of the replay."""
    chosen = DecidingRecords(found)
    for batch in batches:
        chosen.add(batch)
    return chosen.newest_states() + envelopes_of(chosen.the_others(), found)


def test_only_the_newest_state_of_a_community_is_decoded_even_when_an_older_one_comes_in_a_later_batch() -> None:
    community = uuid.uuid4()
    registered = with_state(create_registered(community), create_state(1))
    newest = with_state(create_updated(community, 3, {"name": "Nieuw"}), create_state(3, name="Nieuw"))
    redriven = with_state(create_updated(community, 2, {"name": "Oud"}), create_state(2, name="Oud"))
    found = Rebuilt()

    kept = deciding([record(0, registered), record(1, newest)], [record(2, redriven)], found=found)

    assert [envelope.validate(type(newest)).state for envelope in kept] == [newest.state]
    assert (found.ignored, found.rejected) == (0, 0)


def test_merges_and_events_without_a_state_are_all_kept_in_topic_order_beside_the_newest_state() -> None:
    survivor, duplicate = uuid.uuid4(), uuid.uuid4()
    stateless = create_updated(survivor, 2, {"name": "Zonder staat"})
    merge = with_state(create_merged(survivor, duplicate, 3), create_state(3))
    newest = with_state(create_updated(survivor, 4, {"name": "Na de fusie"}), create_state(4, name="Na de fusie"))
    found = Rebuilt()

    chosen = DecidingRecords(found)
    chosen.add([record(0, stateless)])
    chosen.add([record(1, merge), record(2, newest)])

    assert [envelope.type for envelope in chosen.newest_states()] == [newest.event_type]
    assert [envelope.type for envelope in envelopes_of(chosen.the_others(), found)] == [
        stateless.event_type,
        merge.event_type,
    ]


def test_other_types_are_ignored_and_records_that_are_no_cloud_event_rejected() -> None:
    community = uuid.uuid4()
    registered = with_state(create_registered(community), create_state(1))
    found = Rebuilt()

    kept = deciding(
        [record(0, registered, event_type="nl.lcn.registry.feed.imported"), record(1), record(2, registered)],
        found=found,
    )

    assert [envelope.type for envelope in kept] == [registered.event_type]
    assert (found.ignored, found.rejected) == (1, 1)
