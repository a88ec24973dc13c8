"""The ledgers' two ways of digesting agree: PostgreSQL's aggregates and the Python path that
SQLite takes (and that lists items on both), for each service's facts, on ledgers filled as the
bench fills them, with differences; so an agreeing range agrees whichever way it was summed."""

import pytest

from bench.reconciliation import DIFFER, POPULATE, _fill
from services.casework.ledger import facts as casework
from services.intake.ledger import facts as intake
from services.routing.ledger import facts as routing
from shared.db import make_engine, make_session_factory
from shared.ledger.digest import Facts, _in_postgresql, _in_python
from tests.support.databases import DatabaseFactory

FACTS = {
    "intake": Facts(intake.VIEWS, intake.in_sql(), intake.raw(), intake.facts_of),
    "routing": Facts(routing.VIEWS, routing.in_sql(), routing.raw(), routing.facts_of),
    "casework": Facts(
        casework.VIEWS, casework.in_sql(casework.staged()), casework.raw(), casework.facts_of
    ),
}
CLUES = 600
# Beyond the bench's plain clues: co-bodies (sorted both ways), clues whose latest decision has
# no lead (routing looks back for the one that had), later stages and co assignments (casework
# takes the newest stage only).
VARIETY = {
    "routing": [
        "UPDATE routing_decisions SET co_body_ids = json_build_array(md5('b7')::uuid::text, "
        "md5('b2')::uuid::text) WHERE substr(id::text, 1, 1) IN ('a', 'b')",
        "INSERT INTO routing_decisions (id, clue_id, stage, kind, outcome, co_body_ids, rules, "
        "reason, sender_reason, decided_at) SELECT md5('r' || clue_id::text)::uuid, clue_id, 2, "
        "'reroute', 'review', '[]', '[]', '', '', now() FROM clues "
        "WHERE substr(clue_id::text, 1, 1) IN ('c', 'd')",
        "UPDATE clues SET lead_body_id = NULL, stage = 2, status = 'pending_review', "
        "current_decision_id = md5('r' || clue_id::text)::uuid "
        "WHERE substr(clue_id::text, 1, 1) IN ('c', 'd')",
    ],
    "casework": [
        "INSERT INTO assignments SELECT md5('co' || id::text)::uuid, clue_id, "
        "md5('co-body')::uuid, 'co', 'accepted', receipt_number, category, channel, summary, "
        "region, subjects, "
        "decision_id, assigned_at, stage, version, document, next_due_at, alarm_at, "
        "escalated_at, provisional, 'inquiry', outcome, received_month, concluded_month, "
        "handed_off_to, repeat_of_concluded FROM assignments WHERE substr(id::text, 1, 1) = 'e'",
        "UPDATE assignments SET stage = 2, state = 'concluded', outcome = 'form_2' "
        "WHERE substr(id::text, 1, 1) = 'f'",
    ],
}


@pytest.mark.parametrize("service", sorted(FACTS))
async def test_postgresql_sums_what_python_sums(service: str, databases: DatabaseFactory) -> None:
    url = databases.fresh("postgresql", service)
    await _fill(url, POPULATE[service], n=CLUES)
    await _fill(url, DIFFER.get(service, []) + VARIETY.get(service, []), n=CLUES, every=25)
    engine = make_engine(url)
    try:
        async with make_session_factory(engine)() as session:
            chosen = FACTS[service]
            in_database = await _in_postgresql(session, chosen.sql, chosen.views, 2)
            in_python = await _in_python(session, chosen, 2)
    finally:
        await engine.dispose()
    assert len(in_database) > 200  # most two-digit prefixes hold some of the clues
    assert [(b.prefix, b.digests) for b in in_database] == [
        (b.prefix, b.digests) for b in in_python
    ]
