"""The planner in headless Chromium, against the events service served over HTTP on real PostgreSQL: signed in with
the keyboard as the conference team, an event created in the year planner, its clash warning, the year's drafts
published, and its registrations; axe's WCAG 2.1 AA rules on every page, screenshots saved."""

from __future__ import annotations

from pathlib import Path

import httpx

from lcn_shared.auth import Role
from lcn_shared.clock import ManualClock
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import service_config
from lcn_shared.testing.http import served
from services.events.tests.builders import NOW, KeyMaker, create, events_on
from tests.browser.chromium import assert_accessible, chromium, screenshot, tab_to


async def test_acceptance_conference_team_plans_a_year_in_the_browser(
    platform: PlatformSettings, api_key: KeyMaker, tmp_path: Path
) -> None:
    """Acceptance (issue 10, item 7): /planner/2027 sends the browser to sign in; signed in with the keyboard as the
    conference team, an event made with the planner's form warns of the conference it clashes with, the planner
    marks both, publishing the year's drafts shows the count, and the event's registrations list the people who
    registered; axe finds nothing on any page."""
    key = await api_key(Role.CONFERENCE_TEAM, organisation_name="Conferenceteam")
    team = {"Authorization": f"Bearer {key}"}
    config = service_config(platform, "events", relay_enabled=False)
    async with (
        served(events_on(ManualClock(NOW)), config) as base_url,
        httpx.AsyncClient(base_url=base_url) as api,
        chromium() as browser,
    ):
        planned = await create(api, team, title="Energiecongres Noord")  # a draft on 10 June 2027
        page = await browser.new_page(locale="nl-NL", viewport={"width": 1280, "height": 1000})
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

        await page.goto(f"{base_url}/planner/2027")
        assert page.url == f"{base_url}/sign-in?next=%2Fplanner%2F2027"
        await tab_to(page, "#api-key")
        await page.keyboard.type(key)
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        assert page.url == f"{base_url}/planner/2027"
        assert await page.text_content("h1") == "Jaarplanning 2027"
        assert "Ingelogd als conferentieteam" in (await page.text_content("header") or "")
        assert await page.eval_on_selector_all("section.lcn-month", "sections => sections.length") == 12
        await assert_accessible(page)
        await screenshot(page, tmp_path, "planner.png")

        # A new event, from the planner's link, with the keyboard and the form's labelled fields.
        await tab_to(page, "#new-event")
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        assert await page.text_content("h1") == "Nieuwe bijeenkomst"
        await assert_accessible(page)
        await page.get_by_label("Titel").fill("Techniekpactdag 2027")
        await page.get_by_label("Soort bijeenkomst").select_option("conference")
        await page.get_by_label("Begindatum").fill("2027-06-10")
        await page.get_by_label("Begintijd").fill("09:30")
        await page.get_by_label("Einddatum").fill("2027-06-10")
        await page.get_by_label("Eindtijd").fill("17:00")
        await page.get_by_label("Straat en huisnummer").fill("Leonard Springerlaan 2")
        await page.get_by_label("Plaats", exact=True).fill("Groningen")
        await page.get_by_label("Noord", exact=True).check()
        await page.get_by_label("Aantal plaatsen (leeg: onbeperkt)").fill("50")
        await screenshot(page, tmp_path, "new-event.png")
        async with page.expect_navigation():
            await page.click("#save")
        assert "?created=1" in page.url
        assert await page.is_visible("#clash-warnings")
        assert "Overlapt met Energiecongres Noord" in (await page.text_content("#clash-warnings") or "")
        await assert_accessible(page)
        await screenshot(page, tmp_path, "event-with-clash.png")
        event_id = page.url.split("/planner/events/")[1].split("?")[0]

        # Back in the year: both conferences of 10 June are marked; the drafts are published in one action.
        await page.goto(f"{base_url}/planner/2027")
        clashing = await page.eval_on_selector_all("li[data-clash]", "items => items.map(i => i.dataset.event)")
        assert sorted(clashing) == sorted([event_id, planned["event_id"]])
        async with page.expect_navigation():
            await page.click("#publish")
        assert (await page.text_content("#publish-result") or "").strip() == "2 concepten van 2027 zijn gepubliceerd."
        statuses = await page.eval_on_selector_all("li[data-event]", "items => items.map(i => i.dataset.status)")
        assert statuses == ["published", "published"]
        await assert_accessible(page)
        await screenshot(page, tmp_path, "published.png")

        # Its registrations, from the event's page.
        for number in (1, 2):
            body = {"name": f"Deelnemer {number}", "email": f"deelnemer{number}@example.org"}
            registered = await api.post(f"/v1/events/{event_id}/registrations", json=body)
            assert registered.status_code == 201, registered.text
        await page.goto(f"{base_url}/planner/events/{event_id}")
        async with page.expect_navigation():
            await page.click("#registrations-link")
        assert await page.text_content("h1") == "Aanmeldingen: Techniekpactdag 2027"
        names = await page.eval_on_selector_all(
            "#table-confirmed tbody tr td:first-child", "cells => cells.map(c => c.textContent)"
        )
        assert names == ["Deelnemer 1", "Deelnemer 2"]
        assert await page.get_attribute("#csv-link", "href") == f"/planner/events/{event_id}/registrations.csv"
        await assert_accessible(page)
        await screenshot(page, tmp_path, "registrations.png")
        assert errors == []
