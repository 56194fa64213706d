"""Browser tests: headless Chromium drives the playground page as a person would.

Chromium comes from the system (Debian's `chromium` package, or `CHROMIUM_PATH`); Playwright
only drives it, so nothing is downloaded. Without Chromium the tests skip on a developer's
machine and fail under `CI=true`. One browser serves the whole session; each test gets its
own playground (emulator, bot, throwaway SQLite database) on a free port and a fresh page.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from available_now.playground import Playground, playground

HOW_TO_ENABLE = (
    "browser tests need Chromium: `apt-get install chromium` or set CHROMIUM_PATH "
    "to a Chromium or Chrome binary"
)
TIMEOUT_MS = 10_000


def chromium_path() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if Path(configured).is_file() else None
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without Chromium, one skip reason for all of them (one line in the summary)."""
    if chromium_path() is not None or _in_ci():
        return
    skip = pytest.mark.skip(reason=HOW_TO_ENABLE)
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(skip)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    path = chromium_path()
    if path is None:
        pytest.fail(f"CI=true and no Chromium: {HOW_TO_ENABLE}")
    async with async_playwright() as driver:
        launched = await driver.chromium.launch(executable_path=path, headless=True)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
def screenshots(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """Where this test's screenshots go: `--screenshots DIR`/<test>, else pytest's tmp."""
    chosen = request.config.getoption("--screenshots")
    if chosen is None:
        return tmp_path / "screenshots"
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", request.node.name)
    return Path(chosen) / name


class Screen:
    """The page as a person uses it: pick who you are, open a chat, type, tap, look."""

    def __init__(self, page: Page, running: Playground, shots: Path) -> None:
        self.page = page
        self.playground = running
        self.shots = shots
        self._count = 0

    async def be(self, user_id: int) -> None:
        await self.page.select_option("#persona", str(user_id))
        await expect(self.page.locator("#text")).to_be_enabled()

    async def open_chat(self, title: str) -> None:
        await self.page.locator("#chats li", has_text=title).click()
        await expect(self.page.locator("#chat-title")).to_have_text(title)

    async def say(self, text: str) -> None:
        box = self.page.locator("#text")
        await box.fill(text)
        await box.press("Enter")

    async def tap(self, label: str) -> None:
        """The latest inline button with exactly this label."""
        await self.page.locator(".inline-keyboard button").filter(has_text=label).last.click()

    async def see(self, text: str) -> None:
        """The chat's latest message from someone else (the bot, mostly) shows `text`."""
        await expect(self.page.locator(".msg.in").last).to_contain_text(text)

    async def shoot(self, name: str) -> Path:
        self._count += 1
        path = self.shots / f"{self._count:02d}-{name}.png"
        await self.page.wait_for_function("[...document.images].every((image) => image.complete)")
        await self.page.screenshot(path=path)
        return path


@pytest.fixture
async def screen(browser: Browser, screenshots: Path) -> AsyncIterator[Screen]:
    async with playground() as running:
        context = await browser.new_context(viewport={"width": 1100, "height": 720})
        context.set_default_timeout(TIMEOUT_MS)
        expect.set_options(timeout=TIMEOUT_MS)
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        try:
            await page.goto(running.url)
            await expect(page.locator("body")).to_have_attribute("data-ready", "true")
            yield Screen(page, running, screenshots)
            assert errors == [], errors
        finally:
            await context.close()
