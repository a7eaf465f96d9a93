"""Acceptance (feeds and linking): the two overlapping demo feeds link into one golden record per community."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from itertools import combinations

import httpx
import pytest

from lcn_registry.demo.feeds import DemoFeeds, demo_feeds
from lcn_registry.main import create_app
from lcn_shared.auth import Role
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import fetch, run_service, service_config
from services.registry.tests.feeds.builders import deliver

KeyFactory = Callable[..., Awaitable[str]]
Pair = frozenset[tuple[str, str]]


@pytest.fixture
async def registry(platform: PlatformSettings) -> AsyncIterator[httpx.AsyncClient]:
    """A running registry."""
    async with run_service(create_app, service_config(platform, "registry", consumers_enabled=False)) as (_, client):
        yield client


def pairs(clusters: dict[str, list[tuple[str, str]]]) -> set[Pair]:
    """Every pair of records placed in the same cluster."""
    return {frozenset(pair) for members in clusters.values() for pair in combinations(sorted(members), 2)}


def precision_recall(predicted: set[Pair], true: set[Pair]) -> tuple[float, float]:
    """Pairwise precision and recall of a linkage."""
    correct = len(predicted & true)
    return correct / len(predicted) if predicted else 1.0, correct / len(true) if true else 1.0


async def _import_both(registry: httpx.AsyncClient, api_key: KeyFactory, feeds: DemoFeeds) -> None:
    """Deliver Katapult's feed, then Techniekpact's, each with its own key."""
    for source, records in (("katapult", feeds.katapult), ("techniekpact", feeds.techniekpact)):
        response = await deliver(registry, await api_key(Role.FEED, feed_source=source), source, records)
        assert response.status_code == 201, response.text
        assert response.json()["job"]["counts"]["rejected"] == 0


async def test_acceptance_demo_feeds_link_with_precision_095_and_recall_090_against_ground_truth(
    platform: PlatformSettings, registry: httpx.AsyncClient, api_key: KeyFactory
) -> None:
    """Pairwise precision ≥ 0.95 and recall ≥ 0.90 of the automatic links, and one golden record per community."""
    feeds = demo_feeds()
    await _import_both(registry, api_key, feeds)
    rows = await fetch(platform, "registry", "SELECT feed_source, external_id, community_id FROM source_record")
    linked: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for feed_source, external_id, community_id in rows:
        linked[str(community_id)].append((feed_source, external_id))
    truth: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for record, community_key in feeds.truth.items():
        truth[community_key].append(record)
    precision, recall = precision_recall(pairs(linked), pairs(truth))
    assert len(pairs(truth)) > 50, "the demo feeds must overlap for the measure to mean anything"
    assert precision >= 0.95, f"precision {precision:.3f}"
    assert recall >= 0.90, f"recall {recall:.3f}"
    communities = len(await fetch(platform, "registry", "SELECT 1 FROM community"))
    open_reviews = len(await fetch(platform, "registry", "SELECT 1 FROM match_review WHERE state = 'open'"))
    # Every real community has one golden record; a pair still awaiting review counts as two.
    assert len(truth) <= communities <= len(truth) + open_reviews


async def test_acceptance_re_importing_the_demo_feeds_changes_nothing_and_emits_no_event(
    platform: PlatformSettings, registry: httpx.AsyncClient, api_key: KeyFactory
) -> None:
    """The second delivery of both demo feeds: every record unchanged, no community event, no version bump."""
    feeds = demo_feeds()
    await _import_both(registry, api_key, feeds)
    before = await fetch(platform, "registry", "SELECT community_id, version FROM community ORDER BY 1")
    events = await fetch(platform, "registry", "SELECT count(*) FROM outbox_message WHERE topic LIKE '%community'")
    for source, records in (("katapult", feeds.katapult), ("techniekpact", feeds.techniekpact)):
        response = await deliver(registry, await api_key(Role.FEED, feed_source=source), source, records)
        counts = response.json()["job"]["counts"]
        assert counts["unchanged"] == len(records), counts
    assert await fetch(platform, "registry", "SELECT community_id, version FROM community ORDER BY 1") == before
    assert (
        await fetch(platform, "registry", "SELECT count(*) FROM outbox_message WHERE topic LIKE '%community'") == events
    )
