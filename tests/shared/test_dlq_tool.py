"""The dead-letter tool on the real broker: list, show, and replay after the fix."""

import asyncio
import contextlib
import io
import uuid

from sqlalchemy import select

from services.intake import orm
from services.intake.settings import Settings
from shared import dlq
from shared.clock import utcnow
from shared.codes import ClueStatus
from shared.consumer import EventConsumer, EventRefused, Subscription
from shared.db import make_engine, make_session_factory
from shared.event_keys import keyring_for
from shared.events import Event
from shared.events.contracts import ClueStatusChanged
from shared.events.topics import CLUE_STATUS, dead_letter
from shared.kafka import KafkaPublisher, ensure_topics
from tests.casework.kafka_io import eventually, read_topic
from tests.support.databases import DatabaseFactory
from tests.support.events import signed


class TestDeadLetterTool:
    async def test_a_refused_event_is_listed_shown_and_applied_once_replayed_after_the_fix(
        self, databases: DatabaseFactory, backend: str, kafka_bootstrap: str
    ) -> None:
        url = databases.fresh(backend, "intake")
        settings = Settings(database_url=url, kafka_bootstrap_servers=kafka_bootstrap)
        await ensure_topics(kafka_bootstrap, [CLUE_STATUS, dead_letter(CLUE_STATUS)])
        event = ClueStatusChanged(
            clue_id=uuid.uuid4(), status=ClueStatus.ROUTED, occurred_at=utcnow()
        )
        record = signed(event, producer="routing")
        event_id = dict(record[3])["ce_id"].decode()
        fixed = asyncio.Event()

        async def handler(session: object, received: Event) -> None:
            if received == event and not fixed.is_set():
                raise EventRefused(f"cannot apply {received.clue_id} yet")

        engine = make_engine(url)
        publisher = KafkaPublisher(kafka_bootstrap, client_id="test")
        consumer = EventConsumer(
            name=f"test-dlq-{uuid.uuid4().hex[:8]}",
            bootstrap_servers=kafka_bootstrap,
            subscriptions=[Subscription(CLUE_STATUS, handler)],  # type: ignore[arg-type]
            session_factory=make_session_factory(engine),
            inbox=orm.inbox,
            dead_letters=publisher,
            keyring=keyring_for(None),
        )
        running = asyncio.create_task(consumer.run())
        try:
            await publisher.send((record[0], record[1].decode(), record[2], record[3]))
            await read_topic(kafka_bootstrap, dead_letter(CLUE_STATUS), key=record[1])

            listed = await asyncio.to_thread(_tool, settings, "dlq", "list")
            (line,) = [line for line in listed.splitlines() if f"event={event_id}" in line]
            assert f"reason=refused: cannot apply {event.clue_id} yet" in line
            assert f"consumer={consumer.name}" in line and "from=clue.status:" in line
            letter_id = line.split()[0]
            shown = await asyncio.to_thread(_tool, settings, "dlq", "show", letter_id)
            assert "gt_sig:" in shown and "value:" not in shown
            assert "value:" in await asyncio.to_thread(
                _tool, settings, "dlq", "show", letter_id, "--payload"
            )

            fixed.set()
            assert "replayed 1" in await asyncio.to_thread(
                _tool, settings, "dlq", "replay", letter_id
            )
            await eventually(lambda: _applied(engine, consumer.name, event_id))
        finally:
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await running
            await publisher.stop()
            await engine.dispose()


async def _applied(engine: object, consumer: str, event_id: str) -> bool:
    inbox = orm.inbox
    query = select(inbox.c.event_id).where(
        inbox.c.consumer == consumer, inbox.c.event_id == event_id
    )
    async with make_session_factory(engine)() as session:  # type: ignore[arg-type]
        return (await session.execute(query)).first() is not None


def _tool(settings: Settings, *argv: str) -> str:
    out = io.StringIO()
    code = dlq.main(
        list(argv),
        service="intake",
        settings=settings,
        topics=[CLUE_STATUS],
        outbox=orm.outbox,
        out=out,
    )
    assert code == 0, out.getvalue()
    return out.getvalue()
