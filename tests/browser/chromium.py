"""Pages in a real browser: Debian's Chromium driven by Playwright, axe-core's WCAG 2.1 AA rules, screenshots."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, async_playwright

# The system's Chromium (Debian's `chromium` package), never a browser Playwright downloads: CI installs it with
# apt-get (.ci/run), and a test that silently skipped without it would prove nothing.
CHROMIUM_NAMES = ("chromium", "chromium-browser")
AXE = Path(__file__).with_name("vendor") / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOT_DIR = "LCN_SCREENSHOT_DIR"


def system_chromium() -> str:
    """The path of the system's Chromium (`LCN_CHROMIUM` overrides); fails the test, clearly, when there is none."""
    found = os.environ.get("LCN_CHROMIUM") or next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)
    if found is None:
        pytest.fail(
            "Chromium is missing: the page tests drive the system's Chromium. Install Debian's package (`apt-get "
            "install --no-install-recommends chromium fonts-dejavu-core`, as .ci/run does) or set LCN_CHROMIUM."
        )
    return found


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    """One headless Chromium for a test module (launching takes a second or two)."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=system_chromium(), headless=True)
        try:
            yield browser
        finally:
            await browser.close()


async def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.0/2.1 A and AA violations on the page as it is now (axe injected by the test)."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.evaluate(AXE.read_text(encoding="utf-8"))
    results = await page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_21_AA,
    )
    violations: list[dict[str, Any]] = results["violations"]
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    """axe's violations as lines a developer can act on: rule, impact, help and the first offending elements."""
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> {[node['target'] for node in v['nodes'][:3]]}" for v in violations
    )


async def screenshot(page: Page, directory: Path, name: str) -> Path:
    """A full-page PNG in `directory` and, when LCN_SCREENSHOT_DIR is set, a copy there."""
    path = directory / name
    await page.screenshot(path=str(path), full_page=True)
    if extra := os.environ.get(SCREENSHOT_DIR):
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(extra) / name)
    return path


async def tab_to(page: Page, selector: str, *, max_tabs: int = 400) -> None:
    """Press Tab from where the focus is until the element has it: it must be reachable with the keyboard."""
    target = await page.query_selector(selector)
    assert target is not None, selector
    for _ in range(max_tabs):
        await page.keyboard.press("Tab")
        if await target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{selector} is not reachable with the keyboard in {max_tabs} tabs")


async def assert_accessible(page: Page) -> None:
    """No WCAG 2.1 A/AA violation that axe-core can find on the page as it is now."""
    violations = await axe_violations(page)
    assert not violations, describe(violations)
