"""Webhooks to agencies: registration, signed delivery to a real loopback server, retries, log."""

import asyncio
import base64
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY
from standardwebhooks import Webhook

from services.intake.app import create_app
from services.intake.reporter.sealing import Sealer
from services.intake.unit_of_work import IntakeUnitOfWork
from services.intake.webhooks.worker import WebhookWorker, WorkerConfig
from services.intake.worker import build_worker
from shared.clock import utcnow
from shared.codes import ClueStatus
from shared.db import make_engine, make_session_factory
from shared.events.contracts import ClueStatusChanged
from tests.intake import agency_example
from tests.intake.agency_example import verify
from tests.intake.builders import (
    SEAL_KEYS,
    apply_status,
    auth,
    intake_app,
    intake_settings,
    new_agency,
    referral,
)
from tests.intake.receiver import Receiver, eventually
from tests.support.databases import DatabaseFactory
from tests.support.http import serve

CANARY = "金丝雀举报人丁戊己"
FAST = {
    "run_webhooks": True,
    "webhook_allow_private": True,  # the receiver is on loopback
    "webhook_poll_seconds": 0.05,
    "webhook_backoff_base_seconds": 0.05,
    "webhook_backoff_max_seconds": 0.2,
}


@pytest.fixture
def url(databases: DatabaseFactory, backend: str) -> str:
    return databases.url(backend, "intake")


async def _status(url: str, clue_id: uuid.UUID, status: ClueStatus = ClueStatus.ROUTED) -> None:
    """Drives a status change the way the clue.status consumer does, in a real session."""
    event = ClueStatusChanged(
        clue_id=clue_id, status=status, occurred_at=utcnow(), body_name="江州市纪委监委"
    )
    await apply_status(url, event)


async def _referral(client: httpx.AsyncClient, key: str, **changes: Any) -> uuid.UUID:
    response = await client.post(
        "/v1/referrals", json=referral(**changes), headers=auth(key, str(uuid.uuid4()))
    )
    assert response.status_code == 201, response.text
    return uuid.UUID(response.json()["id"])


async def _register(client: httpx.AsyncClient, key: str, target: str) -> dict[str, Any]:
    response = await client.post("/v1/webhooks", json={"url": target}, headers=auth(key))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def _log(client: httpx.AsyncClient, key: str, webhook_id: str) -> list[dict[str, Any]]:
    response = await client.get(f"/v1/webhooks/{webhook_id}/deliveries", headers=auth(key))
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def _settled(client: httpx.AsyncClient, key: str, webhook_id: str, count: int = 1) -> None:
    async def done() -> bool:
        items = await _log(client, key, webhook_id)
        return len(items) == count and all(i["status"] != "pending" for i in items)

    await eventually(done)


class TestSignedDelivery:
    async def test_a_status_change_reaches_the_receiver_signed_with_the_secret(
        self, url: str
    ) -> None:
        _, key = await new_agency(url)
        reporter = {"anonymous": False, "name": CANARY}
        async with Receiver() as receiver, _api_and_worker(url) as client:
            hook = await _register(client, key, receiver.url)
            clue_id = await _referral(client, key, reporter=reporter)
            await _status(url, clue_id)
            await eventually(lambda: len(receiver.requests) == 1)
            await _settled(client, key, hook["id"])
            (log,) = await _log(client, key, hook["id"])
        request = receiver.requests[0]
        assert verify(hook["secret"], request.headers, request.body) == json.loads(request.body)
        assert request.headers["webhook-signature"].startswith("v1,")
        assert hook["secret"].startswith("whsec_")
        assert agency_example.handle(hook["secret"], request.headers, request.body, set()) == 204
        event = json.loads(request.body)
        assert event["referral_id"] == str(clue_id) and event["status"] == "routed"
        assert event["body_name"] == "江州市纪委监委" and event["receipt_number"]
        assert CANARY not in request.body.decode()
        assert log["id"] == request.headers["webhook-id"]
        assert (log["status"], log["attempts"], log["last_status_code"]) == ("delivered", 1, 200)

    async def test_the_verifier_rejects_a_tampered_body_a_stale_timestamp_or_another_secret(
        self, url: str
    ) -> None:
        _, key = await new_agency(url)
        async with Receiver() as receiver, _api_and_worker(url) as client:
            hook = await _register(client, key, receiver.url)
            await _status(url, await _referral(client, key))
            await eventually(lambda: len(receiver.requests) == 1)
        headers, body = receiver.requests[0].headers, receiver.requests[0].body
        signed_at = datetime.fromtimestamp(int(headers["webhook-timestamp"]), UTC)
        captured_earlier = {
            **headers,
            "webhook-timestamp": str(int(signed_at.timestamp()) - 301),
            "webhook-signature": Webhook(hook["secret"]).sign(
                headers["webhook-id"], signed_at - timedelta(seconds=301), body.decode()
            ),
        }
        assert verify(hook["secret"], headers, body) is not None
        assert verify(hook["secret"], headers, body.replace(b"routed", b"concluded")) is None
        assert verify(hook["secret"], captured_earlier, body) is None
        assert verify(hook["secret"], {**headers, "webhook-id": str(uuid.uuid4())}, body) is None
        other = "whsec_" + base64.b64encode(b"someone else's key, 32 bytes...").decode()
        assert verify(other, headers, body) is None

    async def test_after_rotation_deliveries_are_signed_with_the_new_secret(self, url: str) -> None:
        _, key = await new_agency(url)
        async with Receiver() as receiver, _api_and_worker(url) as client:
            hook = await _register(client, key, receiver.url)
            rotated = await client.post(
                f"/v1/webhooks/{hook['id']}/rotate-secret", headers=auth(key)
            )
            await _status(url, await _referral(client, key))
            await eventually(lambda: len(receiver.requests) == 1)
        new_secret = rotated.json()["secret"]
        assert rotated.status_code == 200 and new_secret != hook["secret"]
        request = receiver.requests[0]
        assert verify(new_secret, request.headers, request.body) is not None
        assert verify(hook["secret"], request.headers, request.body) is None


class TestRetries:
    async def test_a_receiver_answering_500_then_200_gets_a_retry(self, url: str) -> None:
        _, key = await new_agency(url)
        async with Receiver([500, 200]) as receiver, _api_and_worker(url) as client:
            hook = await _register(client, key, receiver.url)
            await _status(url, await _referral(client, key))
            await eventually(lambda: len(receiver.requests) == 2)
            await _settled(client, key, hook["id"])
            (log,) = await _log(client, key, hook["id"])
        first, second = receiver.requests
        assert first.headers["webhook-id"] == second.headers["webhook-id"]
        assert verify(hook["secret"], second.headers, second.body) is not None
        assert (log["status"], log["attempts"], log["last_status_code"]) == ("delivered", 2, 200)

    async def test_each_attempt_is_counted_by_outcome_for_metrics(self, url: str) -> None:
        def counted(outcome: str) -> float:
            sample = REGISTRY.get_sample_value(
                "guantong_webhook_deliveries_total", {"outcome": outcome}
            )
            return sample or 0.0

        before = {o: counted(o) for o in ("retry", "delivered", "failed")}
        _, key = await new_agency(url)
        async with Receiver([500, 200]) as receiver, _api_and_worker(url) as client:
            hook = await _register(client, key, receiver.url)
            await _status(url, await _referral(client, key))
            await _settled(client, key, hook["id"])
        grown = {o: counted(o) - before[o] for o in before}
        assert len(receiver.requests) == 2
        assert grown == {"retry": 1, "delivered": 1, "failed": 0}

    async def test_a_delivery_fails_after_the_maximum_attempts(self, url: str) -> None:
        _, key = await new_agency(url)
        app = _api_and_worker(url, webhook_max_attempts=3)
        async with Receiver([503, 503, 503, 200]) as receiver, app as client:
            hook = await _register(client, key, receiver.url)
            await _status(url, await _referral(client, key))
            await _settled(client, key, hook["id"])
            (log,) = await _log(client, key, hook["id"])
        assert len(receiver.requests) == 3
        assert (log["status"], log["attempts"], log["last_status_code"]) == ("failed", 3, 503)

    async def test_a_redirect_is_not_followed_and_counts_as_a_failure(self, url: str) -> None:
        _, key = await new_agency(url)
        app = _api_and_worker(url, webhook_max_attempts=1)
        async with Receiver([302]) as receiver, app as client:
            hook = await _register(client, key, receiver.url)
            await _status(url, await _referral(client, key))
            await _settled(client, key, hook["id"])
            (log,) = await _log(client, key, hook["id"])
        assert len(receiver.requests) == 1
        assert (log["status"], log["last_status_code"]) == ("failed", 302)
        assert "redirects are not followed" in log["last_error"]


@asynccontextmanager
async def _api_and_worker(url: str, **overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The API, and intake's worker process (here in this loop) delivering the webhooks."""
    settings = intake_settings(url, **(FAST | overrides))
    async with build_worker(settings).running(), serve(create_app(settings)) as client:
        yield client


@asynccontextmanager
async def _workers(url: str, count: int = 1, **config: Any) -> AsyncIterator[list[WebhookWorker]]:
    """Workers outside any app, as separate processes or replicas would run them."""
    values: dict[str, Any] = {
        "allow_private": True,
        "max_attempts": 8,
        "timeout_seconds": 5.0,
        "backoff_base_seconds": 0.05,
        "backoff_max_seconds": 0.2,
        "poll_seconds": 0.05,
    }
    values.update(config)
    engine = make_engine(url)
    sessions, sealer = make_session_factory(engine), Sealer.from_spec(SEAL_KEYS)

    def uow() -> IntakeUnitOfWork:
        return IntakeUnitOfWork(sessions)

    workers = [WebhookWorker(uow, sealer, WorkerConfig(**values)) for _ in range(count)]
    try:
        yield workers
    finally:
        for worker in workers:
            await worker.aclose()
        await engine.dispose()


class TestWorkers:
    async def test_two_workers_send_each_delivery_exactly_once(self, url: str) -> None:
        _, key = await new_agency(url)
        app = intake_app(url, webhook_allow_private=True)  # no worker inside: ours only
        async with _workers(url, 2) as workers, Receiver() as receiver, serve(app) as c:
            hook = await _register(c, key, receiver.url)
            clue_id = await _referral(c, key)
            for status in (ClueStatus.ROUTED, ClueStatus.ASSIGNED, ClueStatus.ACCEPTED):
                await _status(url, clue_id, status)

            async def all_sent() -> bool:
                await asyncio.gather(*(w.deliver_due() for w in workers))
                return all(i["status"] == "delivered" for i in await _log(c, key, hook["id"]))

            await eventually(all_sent)
        ids = [r.headers["webhook-id"] for r in receiver.requests]
        assert len(ids) == 3 and len(set(ids)) == 3

    async def test_a_private_address_is_refused_again_at_delivery_time(self, url: str) -> None:
        _, key = await new_agency(url)
        app = intake_app(url, webhook_allow_private=True)  # no worker inside: ours only
        strict_workers = _workers(url, allow_private=False, max_attempts=1)
        async with strict_workers as (strict,), Receiver() as receiver, serve(app) as c:
            hook = await _register(c, key, receiver.url)  # allowed when registered, not now
            await _status(url, await _referral(c, key))

            async def settled() -> bool:
                await strict.deliver_due()
                return all(i["status"] == "failed" for i in await _log(c, key, hook["id"]))

            await eventually(settled)
            (log,) = await _log(c, key, hook["id"])
        assert receiver.requests == []
        assert log["last_status_code"] is None and "non-public" in log["last_error"]
