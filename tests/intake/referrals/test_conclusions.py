"""casework's conclusions fed back to the sender, end to end through the real broker: signed
records on case.concluded and clue.status, intake's worker consuming them, the agency's webhook
received by a real HTTP server. Only the lead's conclusion of the newest stage counts."""

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from services.intake.app import create_app
from services.intake.worker import build_worker
from shared.broker import EmbeddedBroker
from shared.clock import utcnow
from shared.codes import ClueStatus, Outcome
from shared.events import Event
from shared.events.contracts import CaseConcluded, ClueStatusChanged, Role
from shared.kafka import KafkaPublisher
from tests.intake.agency_example import verify
from tests.intake.builders import auth, intake_command, intake_settings, new_agency, referral
from tests.intake.receiver import Receiver, eventually
from tests.support.databases import DatabaseFactory
from tests.support.events import signed
from tests.support.http import serve

ROOT = Path(__file__).resolve().parents[3]
LEAD, CO, NEXT_LEAD = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
SUMMARY = "经核查，给予被反映人党内警告处分"
WORKER = {
    "run_relay": False,
    "run_consumers": True,
    "run_webhooks": True,
    "webhook_allow_private": True,  # the receiver is on loopback
    "webhook_poll_seconds": 0.05,
}


def _concluded(clue_id: uuid.UUID, *, body_id: uuid.UUID, role: Role, stage: int) -> CaseConcluded:
    return CaseConcluded(
        clue_id=clue_id,
        assignment_id=uuid.uuid4(),
        decision_id=uuid.uuid4(),
        stage=stage,
        body_id=body_id,
        role=role,
        outcome=Outcome.FORM_2 if role is Role.LEAD else Outcome.NO_VIOLATION,
        release_summary=SUMMARY if role is Role.LEAD else "协办单位的了结意见",
        concluded_at=utcnow(),
    )


def _status(clue_id: uuid.UUID, status: ClueStatus, body_id: uuid.UUID, stage: int) -> Event:
    return ClueStatusChanged(
        clue_id=clue_id, status=status, occurred_at=utcnow(), body_id=body_id, stage=stage
    )


class Feedback:
    def __init__(self, client: httpx.AsyncClient, publisher: KafkaPublisher, key: str) -> None:
        self.client, self.publisher, self.key = client, publisher, key

    async def send(self, *events: Event, producer: str) -> None:
        records = [signed(e, producer=producer) for e in events]
        await self.publisher.send_batch([(t, k.decode(), v, h) for t, k, v, h in records])

    async def shown(self, clue_id: uuid.UUID) -> dict[str, Any]:
        response = await self.client.get(f"/v1/referrals/{clue_id}", headers=auth(self.key))
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def until(self, clue_id: uuid.UUID, status: str, concluded_entries: int) -> None:
        async def reached() -> bool:
            shown = await self.shown(clue_id)
            entries = [e for e in shown["timeline"] if e["status"] == "concluded"]
            return shown["status"] == status and len(entries) == concluded_entries

        await eventually(reached)


class TestConclusionFeedsBack:
    async def test_only_the_leads_conclusion_of_the_newest_stage_concludes_and_notifies(
        self, databases: DatabaseFactory, backend: str
    ) -> None:
        url = databases.fresh(backend, "intake")
        _, key = await new_agency(url)
        with EmbeddedBroker() as broker:
            settings = intake_settings(
                url, kafka_bootstrap_servers=broker.bootstrap_servers, **WORKER
            )
            async with (
                _publisher(broker.bootstrap_servers) as publisher,
                Receiver() as receiver,
                build_worker(settings).running(),
                serve(create_app(settings)) as client,
            ):
                feedback = Feedback(client, publisher, key)
                hook = (
                    await client.post("/v1/webhooks", json={"url": receiver.url}, headers=auth(key))
                ).json()
                created = await client.post(
                    "/v1/referrals", json=referral(), headers=auth(key, str(uuid.uuid4()))
                )
                clue_id = uuid.UUID(created.json()["id"])

                accepted = _status(clue_id, ClueStatus.ACCEPTED, LEAD, stage=1)
                await feedback.send(accepted, producer="casework")
                await feedback.until(clue_id, "accepted", concluded_entries=0)
                co = _concluded(clue_id, body_id=CO, role=Role.CO, stage=1)
                await feedback.send(co, producer="casework")
                await feedback.until(clue_id, "accepted", concluded_entries=1)
                after_co = await feedback.shown(clue_id)

                rerouted = _status(clue_id, ClueStatus.ROUTED, NEXT_LEAD, stage=2)
                await feedback.send(rerouted, producer="routing")
                await feedback.until(clue_id, "routed", concluded_entries=1)
                stale = _concluded(clue_id, body_id=LEAD, role=Role.LEAD, stage=1)
                await feedback.send(stale, producer="casework")
                await feedback.until(clue_id, "routed", concluded_entries=2)
                after_stale = await feedback.shown(clue_id)

                lead = _concluded(clue_id, body_id=NEXT_LEAD, role=Role.LEAD, stage=2)
                await feedback.send(lead, producer="casework")
                await feedback.until(clue_id, "concluded", concluded_entries=3)
                final = await feedback.shown(clue_id)
                await eventually(lambda: len(receiver.requests) == 3)
                log = await client.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=auth(key))
            await publisher.stop()
        for shown in (after_co, after_stale):
            assert (shown["outcome"], shown["outcome_summary"]) == (None, None)
        assert (final["outcome"], final["outcome_summary"]) == ("form_2", SUMMARY)
        assert final["handling_body"]["id"] == str(NEXT_LEAD)
        # Every delivery ever queued for the referral: none for the co-body's or the stale one.
        queued = sorted(i["event"]["status"] for i in log.json()["items"])
        assert queued == ["accepted", "concluded", "routed"]
        sent = [verify(hook["secret"], r.headers, r.body) for r in receiver.requests]
        assert [e["status"] for e in sent] == ["accepted", "routed", "concluded"]
        assert (sent[-1]["outcome"], sent[-1]["outcome_summary"]) == ("form_2", SUMMARY)
        assert "协办单位" not in json.dumps(sent, ensure_ascii=False)

    async def test_a_conclusion_of_an_unknown_referral_is_dead_lettered_and_listed(
        self, databases: DatabaseFactory, backend: str
    ) -> None:
        url = databases.fresh(backend, "intake")
        unknown = _concluded(uuid.uuid4(), body_id=LEAD, role=Role.LEAD, stage=1)
        record = signed(unknown, producer="casework")
        event_id = dict(record[3])["ce_id"].decode()
        with EmbeddedBroker() as broker:
            settings = intake_settings(
                url, kafka_bootstrap_servers=broker.bootstrap_servers, **WORKER
            )
            async with (
                _publisher(broker.bootstrap_servers) as publisher,
                build_worker(settings).running(),
            ):
                await publisher.send((record[0], record[1].decode(), record[2], record[3]))
                listed = ""

                async def in_the_list() -> bool:
                    nonlocal listed
                    listed = await _dlq_list(url, broker.bootstrap_servers)
                    return f"event={event_id}" in listed

                await eventually(in_the_list, within=60)
        (line,) = [line for line in listed.splitlines() if f"event={event_id}" in line]
        assert "from=case.concluded:" in line and "unknown referral" in line


@asynccontextmanager
async def _publisher(bootstrap: str) -> AsyncIterator[KafkaPublisher]:
    """Sends as casework's or routing's relay would (the records are signed by the caller)."""
    publisher = KafkaPublisher(bootstrap, client_id="test-producer")
    try:
        yield publisher
    finally:
        await publisher.stop()


async def _dlq_list(url: str, bootstrap: str) -> str:
    """`python -m services.intake dlq list`, as an operator runs it."""
    code, out, err = await intake_command(url, "dlq", "list", KAFKA_BOOTSTRAP_SERVERS=bootstrap)
    assert code == 0, err
    return out
