"""Same subject, many sources: linked by the keyed ID hash, else by name and unit; a repeat of a
concluded matter flagged; clue.linked published after the new clue's decision."""

from uuid import uuid4

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.routing.deps import CASE_MANAGEMENT_OFFICE
from services.routing.settings import Settings
from shared.clock import utcnow
from shared.codes import Outcome
from shared.events.contracts import (
    CaseConcluded,
    ClueLinked,
    ClueReceived,
    ClueRouted,
    ClueStatusChanged,
    Role,
)
from tests.routing.builders import Deliveries, a_clue, a_subject, bearer, demo_id, outbox_events
from tests.support.http import serve

Sessions = async_sessionmaker[AsyncSession]


def about(name: str, *, id_hash: str | None, region: str = "365021") -> ClueReceived:
    return a_clue(region, subjects=[a_subject(name=name, id_hash=id_hash or "")])


async def linked_of(sessions: Sessions, clue: ClueReceived) -> ClueLinked | None:
    events = await outbox_events(sessions, clue.clue_id)
    found = [p for t, p in events if t == ClueLinked.event_type()]
    return ClueLinked.model_validate_json(found[0]) if found else None


def concluded(clue: ClueReceived, decision_id: object, *, role: Role) -> CaseConcluded:
    return CaseConcluded(
        clue_id=clue.clue_id, assignment_id=uuid4(), decision_id=decision_id, stage=1,
        body_id=demo_id("qh-cdi"), role=role, outcome=Outcome.FORM_1,
        release_summary="已对被反映人进行谈话提醒", concluded_at=utcnow(),
    )  # fmt: skip


class TestLinking:
    async def test_the_same_id_hash_links_clues_of_two_agencies_after_the_decision(
        self, deliveries: Deliveries, sessions: Sessions
    ) -> None:
        person = uuid4().hex * 2
        first, second = about("甲某", id_hash=person), about("甲某某", id_hash=person)
        await deliveries.deliver(first)
        await deliveries.deliver(second)
        assert await linked_of(sessions, first) is None
        types = [t for t, _ in await outbox_events(sessions, second.clue_id)]
        assert types == [
            ClueRouted.event_type(),
            ClueStatusChanged.event_type(),
            ClueLinked.event_type(),
        ]
        linked = await linked_of(sessions, second)
        assert linked is not None and not linked.repeat_of_concluded
        assert [(r.clue_id, r.basis, r.concluded) for r in linked.related] == [
            (first.clue_id, "id_hash", False)
        ]

    async def test_without_an_id_hash_the_name_and_unit_link_them(
        self, deliveries: Deliveries, sessions: Sessions
    ) -> None:
        name = f"乙某{uuid4().hex[:6]}"
        first, second = about(name, id_hash=uuid4().hex * 2), about(f" {name} ", id_hash=None)
        await deliveries.deliver(first)
        await deliveries.deliver(second)
        linked = await linked_of(sessions, second)
        assert linked is not None
        assert [(r.clue_id, r.basis) for r in linked.related] == [(first.clue_id, "name_unit")]

    async def test_two_id_hashes_are_two_people_however_alike_the_names(
        self, deliveries: Deliveries, sessions: Sessions
    ) -> None:
        name = f"丙某{uuid4().hex[:6]}"
        await deliveries.deliver(about(name, id_hash=uuid4().hex * 2))
        other = about(name, id_hash=uuid4().hex * 2)
        await deliveries.deliver(other)
        assert await linked_of(sessions, other) is None

    async def test_a_repeat_of_a_matter_the_lead_concluded_is_flagged(
        self, deliveries: Deliveries, sessions: Sessions
    ) -> None:
        person = uuid4().hex * 2
        first = about("丁某", id_hash=person)
        await deliveries.deliver(first)
        (decision,) = await deliveries.history(first.clue_id)
        await deliveries.deliver(concluded(first, decision.id, role=Role.CO))
        early = about("丁某", id_hash=person)
        await deliveries.deliver(early)
        await deliveries.deliver(concluded(first, decision.id, role=Role.LEAD))
        repeat = about("丁某", id_hash=person)
        await deliveries.deliver(repeat)
        before, after = await linked_of(sessions, early), await linked_of(sessions, repeat)
        assert before is not None and not before.repeat_of_concluded
        assert after is not None and after.repeat_of_concluded
        assert {(r.clue_id, r.concluded) for r in after.related} == {
            (first.clue_id, True),
            (early.clue_id, False),
        }


class TestRelatedForTheOffice:
    async def test_related_clues_of_the_scope_are_shown_the_others_counted(
        self, deliveries: Deliveries, api_settings: Settings, app: FastAPI
    ) -> None:
        person = uuid4().hex * 2
        ours, theirs = about("戊某", id_hash=person), about("戊某", id_hash=person, region="365022")
        newest = about("戊某", id_hash=person)
        for clue in (ours, theirs, newest):
            await deliveries.deliver(clue)
        county = bearer(api_settings, CASE_MANAGEMENT_OFFICE, body="qh-cdi")
        city = bearer(api_settings, CASE_MANAGEMENT_OFFICE, body="jz-cdi")
        async with serve(app) as client:
            narrow = (
                await client.get(f"/v1/clues/{newest.clue_id}/related", headers=county)
            ).json()
            wide = (await client.get(f"/v1/clues/{newest.clue_id}/related", headers=city)).json()
        assert [i["clue_id"] for i in narrow["items"]] == [str(ours.clue_id)]
        assert narrow["outside_scope"] == 1 and narrow["items"][0]["basis"] == "id_hash"
        assert [i["clue_id"] for i in wide["items"]] == [str(theirs.clue_id), str(ours.clue_id)]
        assert wide["outside_scope"] == 0 and wide["repeat_of_concluded"] is False
