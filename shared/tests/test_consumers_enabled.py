"""`LCN_<SERVICE>_CONSUMERS_ENABLED=false` makes an API-only replica: no consumer is subscribed."""

from __future__ import annotations

import pytest

from lcn_shared.app import ServiceDefinition, create_service_app
from lcn_shared.messaging.consumer import EventConsumer
from lcn_shared.settings import PlatformSettings, ServiceConfig, ServiceSettings


@pytest.mark.parametrize(("enabled", "subscribers"), [(True, 1), (False, 0)])
def test_consumers_are_subscribed_only_when_enabled(enabled: bool, subscribers: int) -> None:
    """The consumer is attached to the broker when enabled, and not at all when disabled."""
    definition = ServiceDefinition(
        name="probe",
        title="probe",
        description="A service with one consumer.",
        consumers=[EventConsumer(name="probe.consumer", topic="lcn.probe.thing", handlers=[])],
    )
    config = ServiceConfig(
        name="probe", platform=PlatformSettings(), service=ServiceSettings(consumers_enabled=enabled)
    )
    app = create_service_app(definition, config)
    assert len(app.state.runtime.broker.subscribers) == subscribers
