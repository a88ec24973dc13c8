"""Through the real broker: clue.routed in, assignment visible, clue.status out, poison to DLQ."""

from collections.abc import AsyncIterator
from uuid import UUID, uuid4

import httpx
import pytest

from services.casework.app import create_app
from services.casework.settings import Settings
from services.casework.worker import build_worker
from shared.codes import ClueStatus
from shared.event_keys import signer_for
from shared.events import Envelope, decode, encode
from shared.events.contracts import ClueRouted, ClueStatusChanged, DecisionKind
from shared.events.topics import ALL_WITH_DEAD_LETTERS, CLUE_ROUTED, CLUE_STATUS, dead_letter
from shared.kafka import ensure_topics
from tests.casework.builders import bearer, routed
from tests.casework.kafka_io import Record, eventually, publish, read_topic
from tests.support.events import signed
from tests.support.http import serve

ROUTING = "/guantong/routing"


@pytest.fixture
async def live_client(kafka_bootstrap: str, casework_url: str) -> AsyncIterator[httpx.AsyncClient]:
    await ensure_topics(kafka_bootstrap, ALL_WITH_DEAD_LETTERS)
    settings = Settings(database_url=casework_url, kafka_bootstrap_servers=kafka_bootstrap)
    async with build_worker(settings).running(), serve(create_app(settings)) as http:
        yield http


def as_record(event: ClueRouted) -> Record:
    return signed(event, producer="routing")


async def assignments_visible(client: httpx.AsyncClient, body: UUID) -> list[dict[str, str]]:
    response = await client.get("/v1/assignments", headers=bearer(body))
    return list(response.json()["items"])


async def test_routed_clue_becomes_an_assignment_and_reports_assigned(
    live_client: httpx.AsyncClient, kafka_bootstrap: str
) -> None:
    lead, co, late = uuid4(), uuid4(), uuid4()
    event = routed(lead=lead, co=[co])
    # Same clue, so same key and partition: once `late` is assigned, both copies were consumed.
    follow_up = routed(
        clue_id=event.clue_id, lead=lead, co=[co, late], stage=2, kind=DecisionKind.REROUTE
    )
    record = as_record(event)
    await publish(kafka_bootstrap, [record, record, as_record(follow_up)])
    await eventually(lambda: assignments_visible(live_client, late))
    # The lead, chosen again, carries its assignment over to the newer decision.
    (mine,) = await assignments_visible(live_client, lead)
    assert (mine["clue_id"], mine["decision_id"]) == (
        str(event.clue_id),
        str(follow_up.decision_id),
    )
    assert mine["stage"] == 2
    assert len(await assignments_visible(live_client, co)) == 1

    published = (await read_topic(kafka_bootstrap, CLUE_STATUS, key=event.key().encode()))[0]
    status = decode(Envelope.from_record(published.headers, published.value))
    assert isinstance(status, ClueStatusChanged)
    assert (status.status, status.body_id) == (ClueStatus.ASSIGNED, lead)


async def test_poison_records_go_to_the_dead_letters_and_the_consumer_goes_on(
    live_client: httpx.AsyncClient, kafka_bootstrap: str
) -> None:
    lead = uuid4()
    event = routed(lead=lead)
    key = event.key().encode()
    valid = as_record(event)
    no_envelope: Record = (CLUE_ROUTED, key, b"\xff not an event", [("x-junk", b"1")])
    envelope = encode(event, source=ROUTING)
    bad = signer_for("routing", None).sign(envelope.headers(), b"{not json")
    bad_payload: Record = (CLUE_ROUTED, key, b"{not json", bad)
    # One key, so one partition: the valid record is read after both poison ones.
    await publish(kafka_bootstrap, [no_envelope, bad_payload, valid])
    await eventually(lambda: assignments_visible(live_client, lead))

    dead = await read_topic(kafka_bootstrap, dead_letter(CLUE_ROUTED), key=key, count=2)
    assert sorted(r.value for r in dead) == sorted([no_envelope[2], bad_payload[2]])
    reasons = {}
    for record in dead:
        headers = dict(record.headers)
        assert headers["dlq_consumer"] == b"casework"
        assert headers["dlq_source_topic"] == CLUE_ROUTED.encode()
        reasons[record.value] = headers["dlq_reason"].split(b":")[0]
    assert reasons == {no_envelope[2]: b"undecodable", bad_payload[2]: b"contract-invalid"}
