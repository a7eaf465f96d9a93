"""Writing good practices: who may write for which community, curation, If-Match, history, and bad input."""

from __future__ import annotations

import json
import uuid
from typing import Any

from lcn_monitor.main import create_app as create_monitor
from lcn_shared.db import SessionFactory
from lcn_shared.problems import PROBLEM_JSON
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import fetch, run_service, service_config
from services.monitor.tests.practices.builders import (
    KeyMaker,
    community_led_by,
    coordinator,
    new_organisation,
    partner,
    practice_body,
)


async def test_a_partner_writes_for_its_own_community_and_gets_403_for_another(
    platform: PlatformSettings, sessions: SessionFactory, api_key: KeyMaker
) -> None:
    """The lead's partner creates (201, submitted, ETag, Location); a partner of another community gets 403 for
    creating there and for changing the practice; nothing is written by the refusals."""
    hanze, other = new_organisation(), new_organisation()
    own = await community_led_by(sessions, hanze)
    await community_led_by(sessions, other, name="Elders")
    ours, theirs = await partner(api_key, hanze), await partner(api_key, other, "Elders")
    async with run_service(create_monitor, service_config(platform, "monitor")) as (_, monitor):
        created = await monitor.post("/v1/practices", json=practice_body(own), headers=ours)
        assert created.status_code == 201, created.text
        practice = created.json()
        assert (practice["curation"], practice["version"], created.headers["etag"]) == ("submitted", 1, '"1"')
        assert created.headers["location"].endswith(f"/v1/practices/{practice['practice_id']}")
        assert (practice["survivor_id"], practice["landsdeel"]) == (str(own), "noord")

        refused = await monitor.post("/v1/practices", json=practice_body(own), headers=theirs)
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith(PROBLEM_JSON)
        path = f"/v1/practices/{practice['practice_id']}"
        patched = await monitor.patch(path, json={"title": "Van ons"}, headers=theirs | {"If-Match": '"1"'})
        assert patched.status_code == 403
        assert patched.headers["content-type"].startswith(PROBLEM_JSON)
        # Not yet curated: the other partner and the public do not see it; its own partner does.
        assert (await monitor.get(path, headers=theirs)).status_code == 404
        assert (await monitor.get(path)).status_code == 404
        assert (await monitor.get(path, headers=ours)).status_code == 200
        unknown = await monitor.post("/v1/practices", json=practice_body(uuid.uuid4()), headers=ours)
        assert unknown.status_code == 422
    rows = await fetch(platform, "monitor", "SELECT title, version FROM practice")
    assert [tuple(row) for row in rows] == [("Werkplekleren in de zorg", 1)]


async def test_a_coordinator_curates_and_visibility_follows(
    platform: PlatformSettings, sessions: SessionFactory, api_key: KeyMaker
) -> None:
    """Published is public, hidden needs a note and is seen by its editors only; partners may not curate; a
    partner's edit of a hidden practice puts it up for curation again."""
    hanze = new_organisation()
    community_id = await community_led_by(sessions, hanze)
    ours, curator = await partner(api_key, hanze), await coordinator(api_key)
    async with run_service(create_monitor, service_config(platform, "monitor")) as (_, monitor):
        practice_id = (await monitor.post("/v1/practices", json=practice_body(community_id), headers=ours)).json()[
            "practice_id"
        ]
        path = f"/v1/practices/{practice_id}"
        curation = f"{path}/curation"
        by_partner = await monitor.post(curation, json={"state": "published"}, headers=ours | {"If-Match": '"1"'})
        assert by_partner.status_code == 403
        published = await monitor.post(
            curation, json={"state": "published", "note": "Mooi voorbeeld"}, headers=curator | {"If-Match": '"1"'}
        )
        assert published.status_code == 200, published.text
        assert (published.json()["curation"], published.headers["etag"]) == ("published", '"2"')
        assert published.json()["changed_since_curation"] is False
        public = await monitor.get(path)
        assert (public.status_code, public.json()["curation_note"]) == (200, "Mooi voorbeeld")

        no_reason = await monitor.post(curation, json={"state": "hidden"}, headers=curator | {"If-Match": '"2"'})
        assert no_reason.status_code == 422
        hidden = await monitor.post(
            curation, json={"state": "hidden", "note": "Noem geen namen"}, headers=curator | {"If-Match": '"2"'}
        )
        assert hidden.json()["curation"] == "hidden"
        assert (await monitor.get(path)).status_code == 404
        listed = await monitor.get("/v1/practices")
        assert listed.json()["data"] == []
        edited = await monitor.patch(path, json={"title": "Zonder namen"}, headers=ours | {"If-Match": '"3"'})
        assert edited.status_code == 200, edited.text
        assert (edited.json()["curation"], edited.json()["version"]) == ("submitted", 4)
        assert edited.json()["changed_since_curation"] is True
        mine = await monitor.get("/v1/practices", headers=ours)
        assert [row["practice_id"] for row in mine.json()["data"]] == [practice_id]
        everything = await monitor.get("/v1/practices", params={"curation": "submitted"}, headers=curator)
        assert [row["practice_id"] for row in everything.json()["data"]] == [practice_id]


async def test_changes_need_if_match_and_the_history_shows_both_versions(
    platform: PlatformSettings, sessions: SessionFactory, api_key: KeyMaker
) -> None:
    """PATCH without If-Match is 428, with a stale one 412 (nothing changes); the history holds the creation and
    the edit with old and new values, each at its version; a repeated patch changes nothing."""
    hanze = new_organisation()
    community_id = await community_led_by(sessions, hanze)
    ours = await partner(api_key, hanze)
    async with run_service(create_monitor, service_config(platform, "monitor")) as (_, monitor):
        created = await monitor.post("/v1/practices", json=practice_body(community_id), headers=ours)
        path = f"/v1/practices/{created.json()['practice_id']}"
        patch = {"title": "Leren op de werkvloer", "link": None, "target_groups": ["docenten"]}
        missing = await monitor.patch(path, json=patch, headers=ours)
        assert missing.status_code == 428
        assert missing.headers["content-type"].startswith(PROBLEM_JSON)
        stale = await monitor.patch(path, json=patch, headers=ours | {"If-Match": '"7"'})
        assert stale.status_code == 412
        merge = ours | {"If-Match": created.headers["etag"], "Content-Type": "application/merge-patch+json"}
        changed = await monitor.patch(path, content=json.dumps(patch), headers=merge)
        assert changed.status_code == 200, changed.text
        assert (changed.json()["title"], changed.json()["link"], changed.headers["etag"]) == (
            "Leren op de werkvloer",
            None,
            '"2"',
        )
        again = await monitor.patch(path, json=patch, headers=ours | {"If-Match": '"2"'})
        assert again.headers["etag"] == '"2"'
        history = await monitor.get(f"{path}/history", headers=ours)
        assert (await monitor.get(f"{path}/history")).status_code == 401
    assert history.status_code == 200, history.text
    entries = history.json()["data"]
    assert [(entry["change"], entry["version"]) for entry in entries] == [("created", 1), ("edited", 2)]
    assert entries[0]["changes"]["title"] == {"old": None, "new": "Werkplekleren in de zorg"}
    assert entries[1]["changes"] == {
        "title": {"old": "Werkplekleren in de zorg", "new": "Leren op de werkvloer"},
        "link": {"old": "https://example.org/werkplekleren", "new": None},
        "target_groups": {"old": ["studenten", "werkenden"], "new": ["docenten"]},
    }
    assert all(entry["actor"] == "partner:Hanze" for entry in entries)


BAD_BODIES: list[dict[str, Any]] = [
    {"problem_categories": ["wereldvrede"]},
    {"problem_categories": []},
    {"problem_categories": ["motivatie", "motivatie"]},
    {"success_factors": ["geld"]},
    {"link": "javascript:alert(1)"},
    {"link": "ftp://example.org/file"},
    {"title": "x" * 201},
    {"title": "   "},
    {"unexpected": True},
    {"community_id": "not-a-uuid"},
    {"indicator_keys": ["no-such-indicator"]},
    {"indicator_keys": ["Not A Key"]},
]


async def test_bad_input_is_a_problem_and_writes_nothing(
    platform: PlatformSettings, sessions: SessionFactory, api_key: KeyMaker
) -> None:
    """Unknown codes, bad URL schemes, over-long titles, extra fields, unknown indicators, bad cursors and limits:
    each a 4xx problem+json, and not a row written."""
    hanze = new_organisation()
    community_id = await community_led_by(sessions, hanze)
    ours = await partner(api_key, hanze)
    async with run_service(create_monitor, service_config(platform, "monitor")) as (_, monitor):
        for changes in BAD_BODIES:
            response = await monitor.post("/v1/practices", json=practice_body(community_id, **changes), headers=ours)
            assert response.status_code == 422, (changes, response.text)
            assert response.headers["content-type"].startswith(PROBLEM_JSON)
        for params, status in [
            ({"cursor": "-1"}, 400),
            ({"cursor": "garbage!!"}, 400),
            ({"limit": "-5"}, 422),
            ({"limit": "0"}, 422),
            ({"problem_category": "wereldvrede"}, 422),
            ({"landsdeel": "atlantis"}, 422),
            ({"curation": "deleted"}, 422),
            ({"community_id": str(uuid.uuid4())}, 422),
            ({"indicator": "no-such-indicator"}, 422),
            ({"nonsense": "1"}, 422),
        ]:
            response = await monitor.get("/v1/practices", params=params)
            assert response.status_code == status, (params, response.text)
            assert response.headers["content-type"].startswith(PROBLEM_JSON)
    assert await fetch(platform, "monitor", "SELECT 1 FROM practice UNION ALL SELECT 1 FROM practice_change") == []


async def test_a_linked_indicator_must_exist_and_a_retried_post_is_answered_once(
    platform: PlatformSettings, sessions: SessionFactory, api_key: KeyMaker
) -> None:
    """Linking a seeded indicator works, an unknown one is 422 naming it (also in a patch, which then changes
    nothing); the same Idempotency-Key replays the first answer instead of writing twice."""
    hanze = new_organisation()
    community_id = await community_led_by(sessions, hanze)
    ours = await partner(api_key, hanze)
    body = practice_body(community_id, indicator_keys=["partner-reach"])
    async with run_service(create_monitor, service_config(platform, "monitor")) as (_, monitor):
        first = await monitor.post("/v1/practices", json=body, headers=ours | {"Idempotency-Key": "k-1"})
        replay = await monitor.post("/v1/practices", json=body, headers=ours | {"Idempotency-Key": "k-1"})
        assert first.status_code == 201, first.text
        assert (replay.status_code, replay.json(), replay.headers["idempotent-replayed"]) == (201, first.json(), "true")
        path = f"/v1/practices/{first.json()['practice_id']}"
        unknown = await monitor.patch(
            path, json={"indicator_keys": ["partner-reach", "nope"]}, headers=ours | {"If-Match": '"1"'}
        )
        assert unknown.status_code == 422
        assert unknown.json()["errors"][0]["invalid"] == ["nope"]
        removed = await monitor.patch(path, json={"title": None}, headers=ours | {"If-Match": '"1"'})
        assert removed.status_code == 422
        linked = await monitor.get("/v1/practices", params={"indicator": "partner-reach"}, headers=ours)
        assert [row["indicator_keys"] for row in linked.json()["data"]] == [["partner-reach"]]
    rows = await fetch(platform, "monitor", "SELECT version, indicator_keys FROM practice")
    assert [tuple(row) for row in rows] == [(1, ["partner-reach"])]
