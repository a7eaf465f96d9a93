"""Acceptance: every metric a dashboard or alert queries is one the services actually export."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from lcn_monitor.main import create_app as create_monitor
from lcn_registry.main import create_app as create_registry
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import run_service, service_config
from tests.deploy.promql import dashboard_metric_names

SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_sum", "_count", "_created"),
    "summary": ("_sum", "_count", "_created"),
    "gauge": ("",),
    "info": ("_info",),
    "unknown": ("",),
}


def exported_series_names(exposition: str) -> set[str]:
    """Every series name a /metrics page can produce, including ones with no samples yet."""
    names: set[str] = set()
    for family in text_string_to_metric_families(exposition):
        names |= {family.name + suffix for suffix in SUFFIXES.get(family.type, ("",))}
    return names


async def test_dashboards_query_only_exported_metrics(platform: PlatformSettings) -> None:
    """Scrape real services (a publisher and a consumer) and compare with the dashboards' PromQL."""
    exported: set[str] = set()
    for factory, name in ((create_registry, "registry"), (create_monitor, "monitor")):
        async with run_service(factory, service_config(platform, name)) as (_, client):
            await client.get("/v1/communities/00000000-0000-0000-0000-000000000000")  # one request to label
            exported |= exported_series_names((await client.get("/metrics")).text)
    queried = dashboard_metric_names()
    assert queried, "the dashboards query no metrics at all"
    assert queried - exported == set()
