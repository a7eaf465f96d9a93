"""Signing in and out in headless Chromium: a protected page sends the browser to sign in, the keyboard does the
rest, the form passes axe's WCAG 2.1 AA rules, and a real browser's form posts pass the CSRF checks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from lcn_shared.auth import Role
from lcn_shared.settings import PlatformSettings
from lcn_shared.testing.fixtures import service_config
from lcn_shared.testing.http import served
from shared.tests.session_probe import NOTES_PATH, probe_app
from tests.browser.chromium import assert_accessible, chromium, screenshot, tab_to


async def test_acceptance_a_protected_page_signs_in_with_the_keyboard_and_out_again_in_headless_chromium(
    platform: PlatformSettings, api_key: Callable[..., Awaitable[str]], tmp_path: Path
) -> None:
    """Redirected to the sign-in page (no axe violations, with or without an error), signed in with the keyboard,
    back on the page with who is signed in; its form posts; signing out ends the session. Screenshots saved."""
    key = await api_key(Role.COORDINATOR)
    notes: list[str] = []
    config = service_config(platform, "registry", relay_enabled=False, consumers_enabled=False)
    async with served(probe_app(notes), config) as base_url, chromium() as browser:
        page = await browser.new_page(locale="nl-NL", viewport={"width": 1280, "height": 800})
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

        await page.goto(f"{base_url}{NOTES_PATH}")
        assert page.url == f"{base_url}/sign-in?next=%2Fnotes"
        assert await page.text_content("h1") == "Inloggen"
        assert await page.evaluate("document.styleSheets.length") == 3
        await assert_accessible(page)
        await screenshot(page, tmp_path, "sign-in.png")

        await tab_to(page, "#api-key")
        await page.keyboard.type("lcn_000000000000_not-a-key")
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        assert await page.text_content("#api-key-error") == (
            "Deze API-sleutel is onbekend of ingetrokken. Controleer de sleutel en probeer het opnieuw."
        )
        assert await page.get_attribute("#api-key", "aria-invalid") == "true"
        await assert_accessible(page)
        await screenshot(page, tmp_path, "sign-in-error.png")

        await tab_to(page, "#api-key")
        await page.keyboard.type(key)
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        assert page.url == f"{base_url}{NOTES_PATH}"
        assert await page.text_content("h1") == "Notities"
        assert "Ingelogd als coördinator" in (await page.text_content("header") or "")
        cookies = {cookie["name"]: cookie for cookie in await page.context.cookies()}
        assert cookies["lcn_session"]["httpOnly"]
        assert cookies["lcn_session"]["sameSite"] == "Lax"

        await tab_to(page, "#note")
        await page.keyboard.type("Eerste overleg gepland")
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        assert (await page.text_content("#notes") or "").strip() == f"{key.split('_')[1]}: Eerste overleg gepland"
        await assert_accessible(page)
        await screenshot(page, tmp_path, "signed-in.png")

        async with page.expect_navigation():
            await page.click("header button[type=submit]")
        assert page.url == f"{base_url}/sign-in?signed_out=1"
        assert (await page.text_content("[role=status]") or "").strip() == "U bent uitgelogd."
        await screenshot(page, tmp_path, "signed-out.png")
        await page.goto(f"{base_url}{NOTES_PATH}")
        assert page.url == f"{base_url}/sign-in?next=%2Fnotes"
        # Only the wrong key's 401, which Chromium reports as a failed load: no CSP or asset error.
        assert errors == ["Failed to load resource: the server responded with a status of 401 (Unauthorized)"]
