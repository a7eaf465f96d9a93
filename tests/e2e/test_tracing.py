"""Acceptance: over OTLP/HTTP, the registry's HTTP span and the monitor's consumer span share a trace id."""

from __future__ import annotations

import pytest

from lcn_monitor.main import create_app as create_monitor
from lcn_registry.main import create_app as create_registry
from lcn_shared.auth import Role
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import run_service, service_config, wait_until
from tests.e2e.flow import post_community
from tests.e2e.otlp_receiver import OtlpReceiver

SPAN_KIND_SERVER, SPAN_KIND_PRODUCER, SPAN_KIND_CONSUMER = 2, 4, 5


async def test_one_trace_runs_from_registry_http_call_to_monitor_consumer(
    platform: PlatformSettings,
    api_key,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    """HTTP span (registry) -> publish span (relay) -> process span (monitor): one trace id, exported over OTLP."""
    key = await api_key(Role.COORDINATOR)
    with OtlpReceiver() as receiver:
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint)
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
        async with (
            run_service(create_registry, service_config(platform, "registry")) as (_, registry),
            run_service(create_monitor, service_config(platform, "monitor")) as (_, monitor),
        ):
            community_id = (await post_community(registry, key)).json()["community_id"]

            async def projected() -> bool:
                return (await monitor.get(f"/v1/communities/{community_id}")).status_code == 200

            await wait_until(projected, timeout=15, what="the community in the monitor")
        # Leaving the services shut their tracer providers down, which flushes the exporters.
    http_spans = [
        s
        for s in receiver.spans
        if s.service == "lcn-registry" and s.kind == SPAN_KIND_SERVER and s.name.startswith("POST /v1/communities")
    ]
    consumer_spans = [s for s in receiver.spans if s.service == "lcn-monitor" and s.kind == SPAN_KIND_CONSUMER]
    publish_spans = [s for s in receiver.spans if s.service == "lcn-registry" and s.kind == SPAN_KIND_PRODUCER]
    assert len(http_spans) == 1, receiver.spans
    assert consumer_spans, receiver.spans
    trace_id = http_spans[0].trace_id
    assert trace_id in {span.trace_id for span in consumer_spans}
    assert trace_id in {span.trace_id for span in publish_spans}
