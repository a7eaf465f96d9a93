"""The community projection handles every community event the registry publishes."""

from __future__ import annotations

from lcn_monitor.communities.consumers import community_projection
from lcn_monitor.messaging import CONSUMERS
from lcn_shared.contracts import all_contracts
from lcn_shared.contracts.registry import COMMUNITY_TOPIC


def test_every_event_on_the_community_topic_has_a_handler() -> None:
    """No registry community event is silently skipped as `ignored`."""
    on_topic = {contract for contract in all_contracts() if contract.topic == COMMUNITY_TOPIC}
    assert community_projection.contracts == on_topic
    assert community_projection in CONSUMERS
