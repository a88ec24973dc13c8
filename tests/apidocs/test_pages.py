"""/docs (Swagger UI) and /redoc render every operation in a real browser with no network but
the service itself: their scripts and styles come from the installed package, not a CDN."""

import contextlib
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser
from playwright.async_api import TimeoutError as PlaywrightTimeout

from tests.apidocs.browser import browser, confined_page
from tests.security.apps import SERVICES, client_for
from tests.security.processes import api_process
from tests.support.databases import DatabaseFactory

__all__ = ["browser"]

# Both pages render in steps; this waits until every operation's summary is on the page.
SHOWS_ALL = "(wanted) => wanted.every((s) => document.body.innerText.includes(s))"
PAGES = {"/docs": ".opblock", "/redoc": "[data-section-id^='operation/']"}


def _summaries(document: dict[str, Any]) -> list[str]:
    return [
        operation["summary"]
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "summary" in operation
    ]


@pytest.mark.parametrize("service", SERVICES)
async def test_the_pages_list_every_operation_offline(
    service: str, browser: Browser, databases: DatabaseFactory, tmp_path: Path
) -> None:
    url = databases.url("sqlite", service)
    with api_process(service, url, tmp_path / f"{service}.log") as origin:
        async with httpx.AsyncClient(trust_env=False) as client:
            document = (await client.get(f"{origin}/openapi.json")).json()
        summaries = _summaries(document)
        assert summaries
        for path, rendered in PAGES.items():
            confined = await confined_page(browser, origin)
            response = await confined.page.goto(f"{origin}{path}", wait_until="networkidle")
            assert response is not None and response.status == 200
            assert confined.refused == [], f"{service}{path} reached out to {confined.refused}"
            await confined.page.wait_for_selector(rendered, timeout=60_000)
            with contextlib.suppress(PlaywrightTimeout):  # the assertion below says what lacks
                await confined.page.wait_for_function(SHOWS_ALL, arg=summaries, timeout=60_000)
            text = await confined.page.inner_text("body")
            missing = [s for s in summaries if s not in text]
            assert missing == [], f"{service}{path} does not show {missing}"
            await confined.page.context.close()


@pytest.mark.parametrize("service", SERVICES)
async def test_production_turns_the_pages_off_and_keeps_the_document(
    service: str, databases: DatabaseFactory
) -> None:
    async with client_for(service, databases, "sqlite", api_docs=False) as (client, _):
        for path in ("/docs", "/redoc", "/docs/assets/swagger-ui-bundle.js"):
            assert (await client.get(path)).status_code == 404, path
        assert (await client.get("/openapi.json")).status_code == 200


@pytest.mark.parametrize("service", SERVICES)
async def test_the_pages_load_nothing_from_elsewhere(
    service: str, databases: DatabaseFactory
) -> None:
    async with client_for(service, databases, "sqlite") as (client, _):
        for path in PAGES:
            page = await client.get(path)
            assert page.status_code == 200
            assert "http://" not in page.text and "https://" not in page.text, path
            assert "default-src 'none'" in page.headers["content-security-policy"]
