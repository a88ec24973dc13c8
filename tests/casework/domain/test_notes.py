"""Lead and co-bodies share the notes marked shared; internal notes stay with their body."""

from datetime import timedelta
from uuid import uuid4

import pytest

from services.casework.domain import (
    Actor,
    Assignment,
    NoteVisibility,
    RoutingDecision,
    assign,
    visible_notes,
)
from tests.casework.domain.builders import BODY, KEEPER, NOW, OTHER_BODY, ctx, facts, new

CO_WORKER = Actor("auditor-1", OTHER_BODY, frozenset({"caseworker"}))


def lead_and_co() -> tuple[Assignment, Assignment]:
    decision = RoutingDecision(uuid4(), uuid4(), BODY, [OTHER_BODY], facts())
    lead, co = assign(decision, now=NOW, timekeeper=KEEPER)
    later = NOW + timedelta(minutes=1)
    lead.add_note(ctx(), text="领导批示：内部研判", visibility=NoteVisibility.INTERNAL)
    lead.add_note(ctx(later), text="请审计局提供资金流水", visibility=NoteVisibility.SHARED)
    co.add_note(ctx(later, by=CO_WORKER), text="审计底稿在整理", visibility=NoteVisibility.INTERNAL)
    co.add_note(
        ctx(later + later.resolution, by=CO_WORKER),
        text="流水已提供",
        visibility=NoteVisibility.SHARED,
    )
    return lead, co


class TestNoteVisibility:
    def test_a_co_body_sees_its_own_notes_and_the_leads_shared_ones_never_its_internal(
        self,
    ) -> None:
        lead, co = lead_and_co()
        seen = [n.text for n in visible_notes(OTHER_BODY, [lead, co])]
        assert sorted(seen) == sorted(["请审计局提供资金流水", "审计底稿在整理", "流水已提供"])
        assert "领导批示：内部研判" not in seen

    def test_the_lead_sees_its_own_and_the_co_bodys_shared_notes(self) -> None:
        lead, co = lead_and_co()
        seen = [n.text for n in visible_notes(BODY, [lead, co])]
        assert seen == ["领导批示：内部研判", "请审计局提供资金流水", "流水已提供"]

    def test_a_body_not_on_the_clue_sees_nothing(self) -> None:
        lead, co = lead_and_co()
        assert visible_notes(uuid4(), [lead, co]) == []

    def test_notes_of_two_clues_are_never_mixed(self) -> None:
        lead, _ = lead_and_co()
        with pytest.raises(ValueError, match="one clue"):
            visible_notes(BODY, [lead, new()])

    def test_a_note_is_internal_unless_marked_shared(self) -> None:
        a = new()
        a.add_note(ctx(), text="默认内部")
        assert a.notes[0].visibility is NoteVisibility.INTERNAL
        assert a.notes_for(OTHER_BODY) == []

    def test_the_note_event_carries_no_text(self) -> None:
        a = new()
        a.add_note(ctx(), text="敏感内容", visibility=NoteVisibility.SHARED)
        (event,) = a.collect_events()
        assert "敏感内容" not in repr(event)
