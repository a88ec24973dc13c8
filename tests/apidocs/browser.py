"""Debian's Chromium driven by Playwright (its own browser builds are never downloaded): found
at /usr/bin/chromium, which `make test` installs as root. Missing, it skips the test on a
laptop and fails it in CI, as the PostgreSQL leg does."""

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, Route, async_playwright

CHROMIUM = Path(os.environ.get("GUANTONG_TEST_CHROMIUM", "/usr/bin/chromium"))
# Flags that work on a closed network: nothing phones home, nothing needs a GPU or a sandbox.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing; CI requires it (make test installs it as root)")
    pytest.skip(f"{CHROMIUM} is missing: as root, apt-get install chromium (or make test)")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    require_chromium()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=FLAGS
        )
        try:
            yield launched
        finally:
            await launched.close()


@dataclass
class Confined:
    """A page that may reach only `origin`: every other request is refused and remembered."""

    page: Page
    origin: str
    refused: list[str] = field(default_factory=list)

    async def _route(self, route: Route) -> None:
        url = route.request.url
        if url.startswith(self.origin + "/") or url.startswith(("data:", "blob:")):
            await route.continue_()
        else:
            self.refused.append(url)
            await route.abort("blockedbyclient")


async def confined_page(browser: Browser, origin: str) -> Confined:
    context = await browser.new_context(service_workers="block")
    page = await context.new_page()
    confined = Confined(page, origin)
    await context.route("**/*", confined._route)
    page.on("websocket", lambda ws: confined.refused.append(ws.url))
    return confined
