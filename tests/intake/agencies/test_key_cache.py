"""Two intake processes on one database (two apps here): a key revoked through one stops at the
other within the cache's TTL, however busy the key keeps the other, and a cached key stops at
the end of its rotation's grace period."""

import asyncio
import time
from typing import Any

import httpx
import pytest

from tests.intake.agencies.builders import admin_headers, create_agency, issue_key, probe
from tests.intake.builders import intake_app, intake_settings
from tests.support.databases import DatabaseFactory
from tests.support.http import serve

# Shorter than the default (5 s): the bound is the same rule, reached sooner.
TTL = 1.0
ACCEPTED = 404  # an unknown referral: the key authenticated


@pytest.fixture
def url(databases: DatabaseFactory, backend: str) -> str:
    return databases.url(backend, "intake")


async def refused_while_busy(client: httpx.AsyncClient, key: str, *, within: float) -> bool:
    """Keeps using the key (every hit would renew a sliding TTL) until it is refused."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await probe(client, key) == 401:
            return True
        await asyncio.sleep(0.05)
    return False


def _app(url: str) -> Any:
    return intake_app(url, key_cache_ttl_seconds=TTL)


class TestTwoProcesses:
    async def test_a_revocation_reaches_the_other_process_within_the_ttl(self, url: str) -> None:
        admin = admin_headers(intake_settings(url))
        async with serve(_app(url)) as first, serve(_app(url)) as second:
            agency = await create_agency(first, admin)
            key = await issue_key(first, admin, agency["id"])
            assert await probe(second, key) == ACCEPTED  # now in the second one's cache
            key_id = key.split("_")[1]
            revoked = await first.post(
                f"/v1/admin/agencies/{agency['id']}/keys/{key_id}/revoke", headers=admin
            )
            assert revoked.status_code == 200, revoked.text
            refused = await refused_while_busy(second, key, within=TTL * 3)
        assert refused

    async def test_a_cached_key_stops_when_its_grace_period_ends(self, url: str) -> None:
        admin = admin_headers(intake_settings(url))
        patient = intake_app(url, key_cache_ttl_seconds=3600.0)  # only the grace time can end it
        async with serve(_app(url)) as first, serve(patient) as second:
            agency = await create_agency(first, admin)
            key = await issue_key(first, admin, agency["id"])
            key_id = key.split("_")[1]
            rotated = await first.post(
                f"/v1/admin/agencies/{agency['id']}/keys/{key_id}/rotate",
                json={"grace_seconds": 1},
                headers=admin,
            )
            assert rotated.status_code == 201, rotated.text
            during_grace = await probe(second, key)  # read now, with its grace deadline
            refused = await refused_while_busy(second, key, within=30)
        assert during_grace == ACCEPTED
        assert refused

    async def test_a_disabled_agency_stops_at_the_other_process(self, url: str) -> None:
        admin = admin_headers(intake_settings(url))
        async with serve(_app(url)) as first, serve(_app(url)) as second:
            agency = await create_agency(first, admin)
            key = await issue_key(first, admin, agency["id"])
            assert await probe(second, key) == ACCEPTED
            await first.post(f"/v1/admin/agencies/{agency['id']}/disable", headers=admin)
            refused = await refused_while_busy(second, key, within=TTL * 3)
        assert refused
