"""With GUANTONG_REDIS_URL, every replica draws on one budget per agency (and per client
address for failed authentications); with Redis away, each process limits on its own and no
request fails for it."""

import logging
import uuid
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest

from shared.broker import free_port
from tests.intake.agencies.builders import admin_headers, create_agency, issue_key, probe
from tests.intake.builders import intake_app, intake_settings
from tests.support.http import serve
from tests.support.rollback import RolledBack

LIMITS: dict[str, Any] = {"rate_limit_burst": 3, "rate_limit_per_second": 0.01}


async def _replicas(
    stack: AsyncExitStack, db: RolledBack, count: int, **settings: Any
) -> list[httpx.AsyncClient]:
    """Intake's API `count` times over, as replicas behind a load balancer would run it."""
    return [
        await stack.enter_async_context(serve(intake_app(db, **settings))) for _ in range(count)
    ]


async def _agency_key(client: httpx.AsyncClient, db: RolledBack) -> str:
    admin = admin_headers(intake_settings(db))
    return await issue_key(client, admin, (await create_agency(client, admin))["id"])


class TestSharedAcrossReplicas:
    async def test_two_replicas_share_one_agencys_budget(
        self, db: RolledBack, redis_url: str, redis_prefix: str
    ) -> None:
        async with AsyncExitStack() as stack:
            first, second = await _replicas(
                stack, db, 2, redis_url=redis_url, redis_key_prefix=redis_prefix, **LIMITS
            )
            key = await _agency_key(first, db)
            answers = [await probe(client, key) for client in (first, second, first, second)]
        assert answers == [404, 404, 404, 429]

    async def test_an_agency_over_its_budget_leaves_the_others_theirs(
        self, db: RolledBack, redis_url: str, redis_prefix: str
    ) -> None:
        async with AsyncExitStack() as stack:
            first, second = await _replicas(
                stack, db, 2, redis_url=redis_url, redis_key_prefix=redis_prefix, **LIMITS
            )
            busy, calm = await _agency_key(first, db), await _agency_key(first, db)
            for client in (first, second, first):
                await probe(client, busy)
            assert await probe(second, busy) == 429
            assert [await probe(c, calm) for c in (first, second)] == [404, 404]

    async def test_failed_authentications_count_across_replicas(
        self, db: RolledBack, redis_url: str, redis_prefix: str
    ) -> None:
        limits = {"failed_auth_burst": 2, "failed_auth_per_second": 0.01}
        async with AsyncExitStack() as stack:
            first, second = await _replicas(
                stack, db, 2, redis_url=redis_url, redis_key_prefix=redis_prefix, **limits
            )
            wrong = f"gt_{uuid.uuid4().hex}.{uuid.uuid4().hex}"
            answers = [await probe(client, wrong) for client in (first, second, first)]
        assert answers == [401, 401, 429]


class TestWithoutRedis:
    async def test_in_process_each_replica_keeps_its_own_budget(self, db: RolledBack) -> None:
        async with AsyncExitStack() as stack:
            first, second = await _replicas(stack, db, 2, **LIMITS)
            key = await _agency_key(first, db)
            answers = [await probe(client, key) for client in (first, second, first, second)]
        assert answers == [404, 404, 404, 404]

    async def test_redis_down_fails_open_to_the_process_budget_and_says_so(
        self, db: RolledBack, caplog: pytest.LogCaptureFixture
    ) -> None:
        nobody = f"redis://127.0.0.1:{free_port()}/0"
        with caplog.at_level(logging.WARNING, logger="shared.rate_limits"):
            async with AsyncExitStack() as stack:
                (client,) = await _replicas(stack, db, 1, redis_url=nobody, **LIMITS)
                key = await _agency_key(client, db)
                answers = [await probe(client, key) for _ in range(4)]
        assert answers == [404, 404, 404, 429]
        outages = [r.getMessage() for r in caplog.records if "Redis unavailable" in r.getMessage()]
        assert sum(m.startswith("agency limit") for m in outages) == 1  # once, not per request
