"""The snapshot safeguard (ADR 0023) on real PostgreSQL: a snapshot that would withdraw too much is held."""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from lcn_registry.feeds import client as feeds
from lcn_registry.feeds.service import hold_reason
from lcn_shared.auth import Role
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import fetch

from .builders import create_record, deliver

KeyFactory = Callable[..., Awaitable[str]]
TOWNS = ("Almelo", "Borne", "Delden", "Goor", "Haaksbergen", "Hengelo", "Losser", "Oldenzaal", "Rijssen", "Tubbergen")


def ten_records() -> list[dict[str, Any]]:
    """Ten distinct communities of one source (no two link to each other)."""
    return [
        create_record(f"KAT-{index}", name=f"Praktijkcentrum {town}", municipality=town, website=None, partners=[])
        for index, town in enumerate(TOWNS)
    ]


async def states(platform: PlatformSettings) -> dict[str, str]:
    """Each source record's state by external id."""
    rows = await fetch(platform, "registry", "SELECT external_id, state FROM source_record")
    return {row[0]: row[1] for row in rows}


async def withdrawal_history(platform: PlatformSettings) -> list[str]:
    """The external ids whose withdrawal the communities' history records."""
    rows = await fetch(platform, "registry", "SELECT changes FROM community_change WHERE change = 'source-withdrawn'")
    return sorted(json.loads(row[0])["source"]["external_id"] for row in rows)


async def test_acceptance_snapshot_safeguard_holds_an_empty_snapshot_and_one_withdrawing_30_percent(
    platform: PlatformSettings, registry: httpx.AsyncClient, api_key: KeyFactory
) -> None:
    """Acceptance (snapshot safeguard): an empty snapshot, and one that would withdraw 30%, are held without
    confirmation (nothing withdrawn, the job says what it would withdraw) and applied with it."""
    key = await api_key(Role.FEED, feed_source="katapult")
    auth = {"Authorization": f"Bearer {key}"}
    records = ten_records()
    assert (await deliver(registry, key, "katapult", records, mode="snapshot")).status_code == 201

    empty = await deliver(registry, key, "katapult", [], mode="snapshot")
    assert empty.status_code == 202, empty.text
    held = empty.json()["job"]
    assert held["state"] == "held"
    assert held["would_withdraw"]["count"] == 10
    assert "empty" in held["would_withdraw"]["reason"]
    assert [record["external_id"] for record in held["would_withdraw"]["data"]] == sorted(
        record["external_id"] for record in records
    )
    assert "confirm_withdrawals=true" in held["would_withdraw"]["confirm"]
    assert set((await states(platform)).values()) == {"active"}

    # 30% through the job protocol: seven of the ten delivered.
    job = (await registry.post("/v1/feeds/katapult/jobs", json={"mode": "snapshot"}, headers=auth)).json()
    path = f"/v1/feeds/katapult/jobs/{job['job_id']}"
    assert (await registry.post(f"{path}/records", json=records[:7], headers=auth)).status_code == 200
    completed = await registry.post(f"{path}/complete", headers=auth)
    assert completed.status_code == 202, completed.text
    would = completed.json()["would_withdraw"]
    assert (completed.json()["state"], would["count"]) == ("held", 3)
    assert "3 of 10" in would["reason"]
    assert "30%" in would["reason"]
    assert "20%" in would["reason"]
    assert [record["external_id"] for record in would["data"]] == ["KAT-7", "KAT-8", "KAT-9"]
    assert all(record["community_id"] for record in would["data"])
    assert set((await states(platform)).values()) == {"active"}
    assert await withdrawal_history(platform) == []
    # The list pages with an opaque cursor; a held job takes no more batches.
    first = (await registry.get(f"{path}/withdrawals", params={"limit": 2}, headers=auth)).json()
    rest = (await registry.get(f"{path}/withdrawals", params={"cursor": first["next_cursor"]}, headers=auth)).json()
    assert [r["external_id"] for r in first["data"] + rest["data"]] == ["KAT-7", "KAT-8", "KAT-9"]
    assert rest["next_cursor"] is None
    refused = await registry.post(f"{path}/records", json=records[7:], headers=auth)
    assert refused.status_code == 409
    assert "confirm_withdrawals" in refused.json()["detail"]
    again = await registry.post(f"{path}/complete", headers=auth)
    assert (again.status_code, again.json()["state"]) == (202, "held")

    confirmed = await registry.post(f"{path}/complete", params={"confirm_withdrawals": "true"}, headers=auth)
    assert confirmed.status_code == 200, confirmed.text
    assert (confirmed.json()["state"], confirmed.json()["counts"]["withdrawn"]) == ("completed", 3)
    assert confirmed.json()["would_withdraw"] is None
    assert {eid for eid, state in (await states(platform)).items() if state == "withdrawn"} == {
        "KAT-7",
        "KAT-8",
        "KAT-9",
    }
    assert await withdrawal_history(platform) == ["KAT-7", "KAT-8", "KAT-9"]
    withdrew = (await registry.get(f"{path}/withdrawals", headers=auth)).json()["data"]
    assert [record["external_id"] for record in withdrew] == ["KAT-7", "KAT-8", "KAT-9"]

    # The older held empty snapshot withdraws only what it listed and nobody delivered since: nothing now.
    stale = await registry.post(
        f"/v1/feeds/katapult/jobs/{held['job_id']}/complete", params={"confirm_withdrawals": "true"}, headers=auth
    )
    assert (stale.status_code, stale.json()["counts"]["withdrawn"]) == (200, 0)

    applied = await deliver(registry, key, "katapult", [], mode="snapshot", confirm_withdrawals=True)
    assert applied.status_code == 201, applied.text
    assert (applied.json()["job"]["state"], applied.json()["job"]["counts"]["withdrawn"]) == ("completed", 7)
    assert set((await states(platform)).values()) == {"withdrawn"}
    assert len(await withdrawal_history(platform)) == 10
    kept = (await fetch(platform, "registry", "SELECT count(*) FROM community"))[0][0]
    assert kept == 10  # withdrawn by the source, never deleted


async def test_a_snapshot_within_the_limit_completes_and_the_limit_is_a_setting(
    platform: PlatformSettings, registry: httpx.AsyncClient, api_key: KeyFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Withdrawing 10% completes at once under the default 20%; with the limit set to 5% it is held."""
    key = await api_key(Role.FEED, feed_source="katapult")
    records = ten_records()
    assert (await deliver(registry, key, "katapult", records, mode="snapshot")).status_code == 201
    within = await deliver(registry, key, "katapult", records[:9], mode="snapshot")
    assert within.status_code == 201, within.text
    assert within.json()["job"]["counts"]["withdrawn"] == 1
    monkeypatch.setenv("LCN_REGISTRY_SNAPSHOT_WITHDRAW_LIMIT", "0.05")
    over = await deliver(registry, key, "katapult", records[:8], mode="snapshot")
    assert (over.status_code, over.json()["job"]["would_withdraw"]["count"]) == (202, 1)


async def test_a_held_snapshot_can_be_cancelled_and_withdraws_nothing(
    platform: PlatformSettings, registry: httpx.AsyncClient, api_key: KeyFactory
) -> None:
    """Cancelling a held job leaves every record active; it cannot be completed afterwards."""
    key = await api_key(Role.FEED, feed_source="katapult")
    auth = {"Authorization": f"Bearer {key}"}
    assert (await deliver(registry, key, "katapult", ten_records())).status_code == 201
    job = (await deliver(registry, key, "katapult", [], mode="snapshot")).json()["job"]
    path = f"/v1/feeds/katapult/jobs/{job['job_id']}"
    other = await api_key(Role.FEED, feed_source="techniekpact")
    forbidden = await registry.post(
        f"/v1/feeds/techniekpact/jobs/{job['job_id']}/cancel", headers={"Authorization": f"Bearer {other}"}
    )
    assert forbidden.status_code == 404
    cancelled = await registry.post(f"{path}/cancel", headers=auth)
    assert (cancelled.status_code, cancelled.json()["state"]) == (200, "cancelled")
    late = await registry.post(f"{path}/complete", params={"confirm_withdrawals": "true"}, headers=auth)
    assert late.status_code == 409
    assert set((await states(platform)).values()) == {"active"}


async def test_renumbered_records_are_held_although_the_new_ones_outnumber_the_old(
    registry: httpx.AsyncClient, api_key: KeyFactory
) -> None:
    """A snapshot whose source changed every external id withdraws all old records: held, whatever it adds."""
    key = await api_key(Role.FEED, feed_source="katapult")
    records = ten_records()
    assert (await deliver(registry, key, "katapult", records[:2])).status_code == 201
    renumbered = [record | {"external_id": f"NEW-{record['external_id']}"} for record in records]
    response = await deliver(registry, key, "katapult", renumbered, mode="snapshot")
    assert response.status_code == 202, response.text
    assert "all 2 records" in response.json()["job"]["would_withdraw"]["reason"]


def test_hold_reasons() -> None:
    """Empty, all rejected, all withdrawn and over the limit are held; at the limit or nothing to withdraw is not."""
    assert hold_reason(unseen=0, before=0, received=0, valid=0, limit=0.2) is None
    assert "empty" in (hold_reason(unseen=5, before=5, received=0, valid=0, limit=0.2) or "")
    assert "rejected" in (hold_reason(unseen=5, before=5, received=5, valid=0, limit=0.2) or "")
    assert "all 5" in (hold_reason(unseen=5, before=5, received=3, valid=3, limit=0.2) or "")
    assert "3 of 10" in (hold_reason(unseen=3, before=10, received=7, valid=7, limit=0.2) or "")
    assert hold_reason(unseen=2, before=10, received=8, valid=8, limit=0.2) is None
    assert hold_reason(unseen=1, before=10, received=9, valid=9, limit=0.2) is None


def held_registry(requests: list[httpx.Request]) -> Callable[[httpx.Request], httpx.Response]:
    """A registry that holds every snapshot unless the completion confirms its withdrawals."""

    def handle(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        job = {"job_id": "j1", "state": "open", "mode": "snapshot", "counts": {"added": 0}}
        if request.url.path.endswith("/jobs"):
            return httpx.Response(201, json=job)
        if request.url.path.endswith("/complete"):
            if request.url.params.get("confirm_withdrawals") == "true":
                return httpx.Response(200, json=job | {"state": "completed", "counts": {"withdrawn": 3}})
            would = {
                "count": 3,
                "reason": hold_reason(unseen=3, before=10, received=7, valid=7, limit=0.2),
                "held_at": "2026-12-02T12:00:00Z",
                "confirm": "POST /v1/feeds/katapult/jobs/j1/complete?confirm_withdrawals=true applies it",
                "data": [{"external_id": f"KAT-{n}", "community_id": str(uuid.uuid4())} for n in (7, 8, 9)],
                "next_cursor": None,
            }
            return httpx.Response(202, json=job | {"state": "held", "would_withdraw": would})
        records = json.loads(request.content)
        results = [{"position": 1, "external_id": record["external_id"], "outcome": "unchanged"} for record in records]
        return httpx.Response(200, json={"job": job, "results": results})

    return handle


def test_acceptance_cli_says_a_snapshot_was_held_and_how_to_confirm_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`lcn feeds import --mode snapshot` exits 1 on a held snapshot, naming the reason, the records and
    --confirm-withdrawals; with that option the completion confirms and the import exits 0."""
    requests: list[httpx.Request] = []
    transport = httpx.MockTransport(held_registry(requests))
    monkeypatch.setattr(feeds, "registry_client", lambda url, key: httpx.Client(transport=transport, base_url=url))
    path = tmp_path / "katapult.json"
    path.write_text(json.dumps(ten_records()[:7]))
    command = ["import", str(path), "--source", "katapult", "--key", "k", "--mode", "snapshot"]
    held = CliRunner().invoke(feeds.app, command)
    assert held.exit_code == 1, held.output
    said = " ".join(held.output.split())
    for words in ("held", "nothing was withdrawn", "3 of 10", "KAT-7, KAT-8, KAT-9", "--confirm-withdrawals"):
        assert words in said
    confirmed = CliRunner().invoke(feeds.app, [*command, "--confirm-withdrawals"])
    assert confirmed.exit_code == 0, confirmed.output
    assert requests[-1].url.params["confirm_withdrawals"] == "true"
