"""Who reads feed jobs, results and raw records (ADR 0023), and the feed lists' opaque cursors."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import httpx

from lcn_shared.auth import Role

from .builders import create_record, deliver

KeyFactory = Callable[..., Awaitable[str]]
PROBLEM_JSON = "application/problem+json"


def bearer(key: str) -> dict[str, str]:
    """The Authorization header of a key."""
    return {"Authorization": f"Bearer {key}"}


async def test_acceptance_feed_job_without_key_401(registry: httpx.AsyncClient, api_key: KeyFactory) -> None:
    """Acceptance (checks): a feed's jobs, results and raw records need its own key or a coordinator's:
    401 without a key, 403 with another source's key or a partner's."""
    katapult = await api_key(Role.FEED, feed_source="katapult")
    delivered = await deliver(registry, katapult, "katapult", [create_record("KAT-1", contact="Jan Jansen")])
    job_id = delivered.json()["job"]["job_id"]
    reads = [
        "/v1/feeds",
        "/v1/feeds/katapult/jobs",
        f"/v1/feeds/katapult/jobs/{job_id}",
        f"/v1/feeds/katapult/jobs/{job_id}/results",
        f"/v1/feeds/katapult/jobs/{job_id}/withdrawals",
        "/v1/feeds/katapult/records/KAT-1",
    ]
    others = [
        await api_key(Role.FEED, feed_source="techniekpact"),
        await api_key(Role.PARTNER, organisation_id=uuid.uuid4(), organisation_name="Saxion"),
    ]
    for path in reads:
        anonymous = await registry.get(path)
        assert (anonymous.status_code, anonymous.headers["content-type"]) == (401, PROBLEM_JSON), path
        assert (await registry.get(path, headers=bearer("lcn_nosuch_key"))).status_code == 401, path
        for key in others if path != "/v1/feeds" else others[1:]:
            refused = await registry.get(path, headers=bearer(key))
            assert (refused.status_code, refused.headers["content-type"]) == (403, PROBLEM_JSON), path
        for key in (katapult, await api_key(Role.COORDINATOR)):
            assert (await registry.get(path, headers=bearer(key))).status_code == 200, path
    record = (await registry.get("/v1/feeds/katapult/records/KAT-1", headers=bearer(katapult))).json()
    assert record["raw"]["contact"] == "Jan Jansen"


async def test_lineage_stays_public_but_shows_raw_records_only_to_their_source_or_a_coordinator(
    registry: httpx.AsyncClient, api_key: KeyFactory
) -> None:
    """Anyone reads where a community's values came from; the raw delivery (contact names) only the source's
    own key or a coordinator sees."""
    katapult = await api_key(Role.FEED, feed_source="katapult")
    delivered = await deliver(registry, katapult, "katapult", [create_record("KAT-1", contact="Jan Jansen")])
    path = f"/v1/communities/{delivered.json()['results'][0]['community_id']}/sources"
    public = await registry.get(path)
    assert public.status_code == 200
    source = public.json()["sources"][0]
    assert (source["external_id"], source["raw"], source["record"]["name"]) == (
        "KAT-1",
        None,
        "Fieldlab Slimme Maakindustrie Twente",
    )
    other = await api_key(Role.FEED, feed_source="techniekpact")
    assert (await registry.get(path, headers=bearer(other))).json()["sources"][0]["raw"] is None
    for key in (katapult, await api_key(Role.COORDINATOR)):
        assert (await registry.get(path, headers=bearer(key))).json()["sources"][0]["raw"]["contact"] == "Jan Jansen"
    assert (await registry.get(path, headers=bearer("lcn_nosuch_key"))).status_code == 401


async def test_feed_lists_are_pages_with_opaque_cursors(registry: httpx.AsyncClient, api_key: KeyFactory) -> None:
    """Sources, jobs and results come as {data, next_cursor}; a feed key sees only its own source; a cursor
    that the listing did not issue is a 400 problem."""
    katapult = await api_key(Role.FEED, feed_source="katapult")
    techniekpact = await api_key(Role.FEED, feed_source="techniekpact")
    coordinator = bearer(await api_key(Role.COORDINATOR))
    for _ in range(3):
        await deliver(registry, katapult, "katapult", [create_record("KAT-1"), create_record("KAT-2", name="Lab X")])
    await deliver(registry, techniekpact, "techniekpact", [create_record("TP-1", name="Lab Y", municipality="Ede")])

    own = (await registry.get("/v1/feeds", headers=bearer(katapult))).json()
    assert [source["feed_source"] for source in own["data"]] == ["katapult"]
    first = (await registry.get("/v1/feeds", params={"limit": 1}, headers=coordinator)).json()
    rest = (
        await registry.get("/v1/feeds", params={"limit": 1, "cursor": first["next_cursor"]}, headers=coordinator)
    ).json()
    assert [source["feed_source"] for source in first["data"] + rest["data"]] == ["katapult", "techniekpact"]
    assert first["data"][0]["last_job"]["state"] == "completed"

    jobs = (await registry.get("/v1/feeds/katapult/jobs", params={"limit": 2}, headers=coordinator)).json()
    older = (
        await registry.get("/v1/feeds/katapult/jobs", params={"cursor": jobs["next_cursor"]}, headers=coordinator)
    ).json()
    seen = [job["job_id"] for job in jobs["data"] + older["data"]]
    assert len(set(seen)) == 3
    assert older["next_cursor"] is None
    created = [job["created_at"] for job in jobs["data"] + older["data"]]
    assert created == sorted(created, reverse=True)

    results_path = f"/v1/feeds/katapult/jobs/{seen[0]}/results"
    page = (await registry.get(results_path, params={"limit": 1}, headers=coordinator)).json()
    assert [result["position"] for result in page["data"]] == [1]
    assert not page["next_cursor"].isdigit()
    after = (
        await registry.get(results_path, params={"limit": 1, "cursor": page["next_cursor"]}, headers=coordinator)
    ).json()
    assert [result["position"] for result in after["data"]] == [2]

    # Garbage, an edited cursor, and a cursor of another listing (other source, other filter) are all 400.
    for path, params in (
        ("/v1/feeds", {"cursor": "garbage"}),
        ("/v1/feeds/katapult/jobs", {"cursor": page["next_cursor"]}),
        ("/v1/feeds/techniekpact/jobs", {"cursor": jobs["next_cursor"]}),
        (results_path, {"cursor": "1"}),
        (results_path, {"cursor": page["next_cursor"][:-2] + "AA"}),
        (results_path, {"cursor": page["next_cursor"], "outcome": "rejected"}),
    ):
        refused = await registry.get(path, params=params, headers=coordinator)
        assert (refused.status_code, refused.headers["content-type"]) == (400, PROBLEM_JSON), (path, params)
