"""Reading good practices: Dutch full text, facets, filters through the community read model, cursors, CSV."""

from __future__ import annotations

from typing import Any

import httpx

from lcn_monitor.communities import service as communities
from lcn_monitor.main import create_app as create_monitor
from lcn_shared.db import SessionFactory
from lcn_shared.problems import PROBLEM_JSON
from lcn_shared.settings import PlatformSettings
from lcn_shared.spreadsheets import BOM
from lcn_shared.testing.fixtures import run_service, service_config
from services.monitor.tests.communities.builders import apply, create_merged
from services.monitor.tests.practices.builders import (
    KeyMaker,
    community_led_by,
    coordinator,
    new_organisation,
    partner,
    practice_body,
)


async def _published(
    monitor: httpx.AsyncClient, body: dict[str, Any], *, writer: dict[str, str], curator: dict[str, str]
) -> str:
    """Create a practice and publish it; its id."""
    created = await monitor.post("/v1/practices", json=body, headers=writer)
    assert created.status_code == 201, created.text
    practice_id: str = created.json()["practice_id"]
    published = await monitor.post(
        f"/v1/practices/{practice_id}/curation", json={"state": "published"}, headers=curator | {"If-Match": '"1"'}
    )
    assert published.status_code == 200, published.text
    return practice_id


async def _ids(monitor: httpx.AsyncClient, **params: Any) -> list[str]:
    """The ids a public listing answers, on its first page."""
    response = await monitor.get("/v1/practices", params=params)
    assert response.status_code == 200, response.text
    return [row["practice_id"] for row in response.json()["data"]]


async def test_dutch_search_finds_a_stemmed_word_and_ranks_a_title_hit_first(
    platform: PlatformSettings, sessions: SessionFactory, api_key: KeyMaker
) -> None:
    """`leergemeenschap` finds "Leergemeenschappen" (title) and "leergemeenschappen" (lessons), the title hit
    first; web-search syntax excludes with `-`; a practice not yet curated is not found by the public."""
    hanze = new_organisation()
    community_id = await community_led_by(sessions, hanze)
    writer, curator = await partner(api_key, hanze), await coordinator(api_key)
    lessons = "Zonder vaste plek verwateren leergemeenschappen snel; houd de groep klein."
    async with run_service(create_monitor, service_config(platform, "monitor")) as (_, monitor):
        in_lessons = await _published(
            monitor,
            practice_body(community_id, title="Samen leren in Emmen", lessons_learned=lessons),
            writer=writer,
            curator=curator,
        )
        in_title = await _published(
            monitor,
            practice_body(community_id, title="Leergemeenschappen in de techniek"),
            writer=writer,
            curator=curator,
        )
        await _published(monitor, practice_body(community_id, title="Energie besparen"), writer=writer, curator=curator)
        draft = practice_body(community_id, title="Leergemeenschap in opbouw")
        assert (await monitor.post("/v1/practices", json=draft, headers=writer)).status_code == 201

        assert await _ids(monitor, q="leergemeenschap") == [in_title, in_lessons]
        assert await _ids(monitor, q="leergemeenschap -techniek") == [in_lessons]
        assert await _ids(monitor, q="bestaat niet") == []
        assert len(await _ids(monitor, q="de het")) == 0  # only stop words: nothing, not everything


async def test_facets_count_what_the_filtered_list_holds(
    platform: PlatformSettings, sessions: SessionFactory, api_key: KeyMaker
) -> None:
    """Every vocabulary value is listed (zero included); each count equals the practices of the filtered list
    holding the value; filters on landsdeel and topsector go through the community, a merged-away id counts under
    its survivor; an unknown code is a 422 naming the parameter."""
    noord_lead, oost_lead = new_organisation(), new_organisation()
    noord = await community_led_by(sessions, noord_lead, landsdeel="noord", topsectors=["energie"])
    oost = await community_led_by(
        sessions, oost_lead, name="Oost", landsdeel="oost", topsectors=["htsm"], primary_topsector="htsm"
    )
    merged = await community_led_by(sessions, noord_lead, name="Dubbel", landsdeel="noord")
    await apply(sessions, communities.project_merged, create_merged(noord, merged, 2))
    curator = await coordinator(api_key)
    noord_writer, oost_writer = await partner(api_key, noord_lead), await partner(api_key, oost_lead, "Oost")
    async with run_service(create_monitor, service_config(platform, "monitor")) as (_, monitor):
        first = await _published(monitor, practice_body(noord), writer=noord_writer, curator=curator)
        second = await _published(
            monitor,
            practice_body(merged, problem_categories=["motivatie"], success_factors=[], target_groups=["docenten"]),
            writer=noord_writer,
            curator=curator,
        )
        third = await _published(
            monitor,
            practice_body(oost, problem_categories=["motivatie", "instroom"], learning_functions=["proactief"]),
            writer=oost_writer,
            curator=curator,
        )
        assert set(await _ids(monitor, landsdeel="noord")) == {first, second}
        assert await _ids(monitor, topsector="htsm") == [third]
        assert set(await _ids(monitor, community_id=str(merged))) == {first, second}
        assert await _ids(monitor, problem_category=["motivatie"], landsdeel="oost") == [third]

        for params in ({}, {"problem_category": "motivatie"}, {"landsdeel": "noord"}, {"target_group": "werkenden"}):
            response = await monitor.get("/v1/practices", params={**params, "facets": "true"})
            assert response.status_code == 200, response.text
            body = response.json()
            facets = body["facets"]
            assert facets["total"] == len(body["data"])
            for parameter, column in [
                ("problem_category", "problem_categories"),
                ("success_factor", "success_factors"),
                ("learning_function", "learning_functions"),
                ("target_group", "target_groups"),
            ]:
                for value in facets[parameter]:
                    holding = [row for row in body["data"] if value["code"] in row[column]]
                    assert value["count"] == len(holding), (params, parameter, value)
        assert len(facets["problem_category"]) == 7
        assert len(facets["success_factor"]) == 5

        unknown = await monitor.get("/v1/practices", params={"success_factor": "geluk"})
        assert unknown.status_code == 422
        assert unknown.headers["content-type"].startswith(PROBLEM_JSON)
        assert "success_factor" in unknown.json()["errors"][0]["loc"]


async def test_the_cursor_walks_the_whole_list_once_and_a_forged_one_is_400(
    platform: PlatformSettings, sessions: SessionFactory, api_key: KeyMaker
) -> None:
    """Pages of 2 over 7 practices give each once (also ranked by `q`); a cursor edited, or from other filters,
    is a 400 invalid-cursor problem."""
    hanze = new_organisation()
    community_id = await community_led_by(sessions, hanze)
    writer, curator = await partner(api_key, hanze), await coordinator(api_key)
    async with run_service(create_monitor, service_config(platform, "monitor")) as (_, monitor):
        created = [
            await _published(
                monitor,
                practice_body(community_id, title=f"Praktijk {number} over leergemeenschappen"),
                writer=writer,
                curator=curator,
            )
            for number in range(7)
        ]
        for params in ({}, {"q": "leergemeenschap"}):
            seen: list[str] = []
            cursor: str | None = None
            last_cursor = ""
            while True:
                page = await monitor.get("/v1/practices", params={**params, "limit": 2, "cursor": cursor or ""})
                assert page.status_code == 200, page.text
                seen += [row["practice_id"] for row in page.json()["data"]]
                cursor = page.json()["next_cursor"]
                if cursor is None:
                    break
                last_cursor = cursor
            assert sorted(seen) == sorted(created), params
            assert len(seen) == len(set(seen)), params
        assert await _ids(monitor, limit=10) == list(reversed(created))  # newest first

        forged = last_cursor[:-2] + ("AA" if not last_cursor.endswith("AA") else "BB")
        for params in ({"q": "leergemeenschap", "cursor": forged}, {"q": "anders", "cursor": last_cursor}):
            response = await monitor.get("/v1/practices", params=params)
            assert response.status_code == 400, response.text
            assert response.json()["type"].endswith("/invalid-cursor")


async def test_the_csv_export_is_excel_safe_and_keeps_accents(
    platform: PlatformSettings, sessions: SessionFactory, api_key: KeyMaker
) -> None:
    """A title `=1+1` is written as text, "Fryslân" and "beëindigd" keep their accents, UTF-8 with a BOM, a
    semicolon when asked; the filters are the list's, and only visible practices are exported."""
    hanze = new_organisation()
    community_id = await community_led_by(sessions, hanze, name="Leren in Fryslân")
    writer, curator = await partner(api_key, hanze), await coordinator(api_key)
    async with run_service(create_monitor, service_config(platform, "monitor")) as (_, monitor):
        formula = await _published(
            monitor,
            practice_body(community_id, title="=1+1", summary="Een samenwerking die beëindigd werd, en waarom."),
            writer=writer,
            curator=curator,
        )
        hidden = practice_body(community_id, title="Nog niet gecureerd")
        assert (await monitor.post("/v1/practices", json=hidden, headers=writer)).status_code == 201
        comma = await monitor.get("/v1/practices.csv")
        semicolon = await monitor.get(
            "/v1/practices.csv", params={"separator": "semicolon", "problem_category": "aansluiting-studenten"}
        )
        as_coordinator = await monitor.get("/v1/practices.csv", headers=curator)
        bad = await monitor.get("/v1/practices.csv", params={"separator": "tab"})
    assert comma.status_code == 200, comma.text
    assert comma.headers["content-type"].startswith("text/csv")
    assert 'filename="practices.csv"' in comma.headers["content-disposition"]
    text = comma.content.decode("utf-8")
    assert text.startswith(BOM)
    lines = text.removeprefix(BOM).splitlines()
    assert lines[0].startswith("practice_id,community_id,survivor_id,community_name,landsdeel,title,")
    assert len(lines) == 2
    assert lines[1].startswith(formula)
    assert ",'=1+1," in lines[1]
    assert "Leren in Fryslân" in lines[1]
    assert "beëindigd" in lines[1]
    assert "aansluiting-studenten; aansluiting-werkenden" in lines[1]
    assert semicolon.content.decode("utf-8").removeprefix(BOM).splitlines()[0].startswith("practice_id;community_id;")
    assert len(as_coordinator.content.decode("utf-8").splitlines()) == 3
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith(PROBLEM_JSON)
