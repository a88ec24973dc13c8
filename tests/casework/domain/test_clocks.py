"""Clocks start, stop, pause, are extended, run out and are recounted, on the official calendar.

The assignment arrives on Monday 21 September 2026, before Mid-autumn (25-27 Sep) and National
Day (1-7 Oct), with make-up working days on Sunday 20 September and Saturday 10 October.
"""

from datetime import date, datetime
from uuid import uuid4

from services.casework.domain import (
    Action,
    Assignment,
    Disposition,
    ReporterNotice,
    events,
)
from shared.codes import Outcome
from shared.workdays import CHINA
from tests.casework.domain.builders import (
    APPROVED,
    KEEPER_2027,
    PERFORM,
    S,
    ctx,
    new,
    reach,
    spec,
)


def at(iso: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(iso).replace(hour=hour, tzinfo=CHINA)


def due(a: Assignment, key: str) -> date:
    return a.clock(key).deadline.due_on


def live(a: Assignment) -> set[str]:
    return {c.key for c in a.clocks if c.live}


class TestStartedOnReceipt:
    def test_sign_for_forward_handling_opinion_and_assigned_down(self) -> None:
        a = new()
        assert due(a, "sign_for") == date(2026, 9, 24)
        assert due(a, "forward") == date(2026, 9, 29)
        assert due(a, "handling_opinion") == date(2026, 10, 21)
        assert due(a, "assigned_down") == date(2026, 12, 21)
        assert a.sign_for.due_at == datetime(2026, 9, 25, tzinfo=CHINA)
        assert not any(c.deadline.provisional for c in a.clocks)

    def test_no_assigned_down_clock_unless_assigned_down(self) -> None:
        a = new(assigned_down=False)
        assert live(a) == {"sign_for", "forward", "handling_opinion"}


class TestStartsAndStops:
    def test_signing_for_stops_sign_for_and_forward_and_owes_the_reporter_a_notice(self) -> None:
        a = new()
        a.accept(ctx(at("2026-09-22")))
        assert live(a) == {"handling_opinion", "assigned_down", "reporter_acceptance_notice"}
        assert a.clock("sign_for").stopped_at == at("2026-09-22")
        assert due(a, "reporter_acceptance_notice") == date(2026, 10, 20)

    def test_an_anonymous_clue_owes_no_notice(self) -> None:
        a = new(reporter_real_name=False)
        a.accept(ctx())
        assert "reporter_acceptance_notice" not in live(a)

    def test_choosing_a_disposition_stops_the_handling_opinion_clock(self) -> None:
        a = reach(S.ACCEPTED)
        a.dispose(ctx(), disposition=Disposition.INQUIRY, plan="函询", approval=APPROVED)
        assert not a.clock("handling_opinion").live

    def test_each_letter_has_its_own_reply_clock_stopped_by_its_reply(self) -> None:
        a = reach(S.INQUIRY)
        first = a.letters[0].id
        second = a.send_inquiry_letter(ctx(at("2026-09-28")), recipient="李四")
        assert due(a, f"inquiry_reply:{first}") == date(2026, 10, 19)
        assert due(a, f"inquiry_reply:{second}") == date(2026, 10, 23)
        a.record_inquiry_reply(ctx(), letter_id=first, summary="说明")
        assert f"inquiry_reply:{first}" not in live(a)
        assert f"inquiry_reply:{second}" in live(a)

    def test_escalating_stops_the_letters_still_waiting(self) -> None:
        a = reach(S.INQUIRY)
        a.escalate_to_verification(ctx(), plan="核实", approval=APPROVED)
        assert not [k for k in live(a) if k.startswith("inquiry_reply")]

    def test_review_and_rectification_clocks(self) -> None:
        a = reach(S.CASE_FILED)
        a.submit_for_review(ctx())
        assert due(a, "case_review") == date(2026, 10, 21)
        a.conclude(ctx(), outcome=Outcome.FORM_2, summary_for_release="处分", approval=APPROVED)
        assert not a.clock("case_review").live
        a.start_rectification(ctx(), items=[spec()])
        # Two months from 21 September is Saturday 21 November: the Monday after.
        assert due(a, "rectification") == date(2026, 11, 23)

    def test_the_end_of_the_matter_stops_all_but_the_result_notice_owed(self) -> None:
        a = reach(S.INQUIRY)
        a.close_clarified(ctx(at("2026-09-22")), reason="澄清", approval=APPROVED)
        assert live(a) == {"reporter_acceptance_notice", "reporter_result_notice"}
        assert due(a, "reporter_result_notice") == date(2026, 10, 20)
        a.record_reporter_notice(ctx(), notice=ReporterNotice.ACCEPTANCE)
        a.record_reporter_notice(ctx(), notice=ReporterNotice.RESULT)
        assert live(a) == set()
        assert a.state is S.CLARIFIED_CLOSED

    def test_a_return_or_a_handoff_stops_every_clock(self) -> None:
        for state in (S.RETURNED, S.HANDED_OFF):
            assert live(reach(state)) == set(), state


class TestPausedWhileShelved:
    def test_the_assigned_down_clock_waits_and_resumes_with_the_days_it_had_left(self) -> None:
        a = reach(S.ACCEPTED)
        a.dispose(
            ctx(at("2026-09-22")), disposition=Disposition.SHELVED, plan="暂存", approval=APPROVED
        )
        paused = a.clock("assigned_down")
        assert paused.paused_at == at("2026-09-22") and not paused.running and paused.live
        assert "assigned_down" not in {c.key for c in a.overdue_clocks(at("2027-06-01"))}
        a.reactivate(ctx(at("2026-10-12")), new_clue_id=uuid4())
        # Nine working days passed while shelved (23 Sep to 12 Oct): 21 Dec plus nine is
        # Friday 1 January 2027, counted as a working day while 2027 is not loaded.
        resumed = a.clock("assigned_down")
        assert (resumed.deadline.due_on, resumed.deadline.provisional) == (date(2027, 1, 1), True)
        assert due(a, "handling_opinion:1") == date(2026, 11, 12)


class TestExtensions:
    def test_an_assigned_down_clock_gets_three_more_months_once(self) -> None:
        a = reach(S.ACCEPTED)
        a.extend_clock(ctx(), clock="assigned_down", reason="案情复杂", approval=APPROVED)
        clock = a.clock("assigned_down")
        # 21 March 2027 is a Sunday and 2027 is not loaded yet.
        assert (clock.deadline.due_on, clock.deadline.provisional) == (date(2027, 3, 22), True)
        (extension,) = clock.extensions
        assert (extension.reason, extension.approved_by) == ("案情复杂", "supervisor-1")
        (event,) = a.collect_events()
        assert isinstance(event, events.DeadlineExtended)
        assert (event.clock, event.due_at, event.approved_by) == (
            "assigned_down",
            clock.deadline.due_at,
            "supervisor-1",
        )
        assert a.timeline[-1].details["clock"] == "assigned_down"

    def test_an_inquiry_reply_gets_fifteen_more_working_days(self) -> None:
        a = reach(S.INQUIRY)
        key = f"inquiry_reply:{a.letters[0].id}"
        a.extend_clock(ctx(), clock=key, reason="本人出差", approval=APPROVED)
        assert due(a, key) == date(2026, 11, 9)


class TestOverdue:
    def test_a_clock_that_ran_out_is_reported_once_and_escalated(self) -> None:
        a = new()
        assert a.check_overdue(datetime(2026, 9, 24, 23, 59, tzinfo=CHINA)) == []
        (event,) = a.check_overdue(datetime(2026, 9, 25, tzinfo=CHINA))
        assert isinstance(event, events.AssignmentOverdue)
        assert (event.clock, event.escalate_to, event.by) == ("sign_for", "supervisor", "system")
        version = a.version
        assert a.check_overdue(datetime(2026, 9, 26, tzinfo=CHINA)) == []
        assert a.version == version
        assert a.timeline[-1].action == "overdue"

    def test_several_clocks_run_out_in_one_check_and_one_version(self) -> None:
        a = new()
        version = a.version
        found = a.check_overdue(at("2026-10-08"))
        assert {e.clock for e in found if isinstance(e, events.AssignmentOverdue)} == {
            "sign_for",
            "forward",
        }
        assert a.version == version + 1

    def test_a_stopped_clock_never_runs_out(self) -> None:
        a = reach(S.ACCEPTED)
        assert not [
            e for e in a.check_overdue(at("2026-10-01")) if getattr(e, "clock", "") == "sign_for"
        ]

    def test_an_extended_clock_can_run_out_again(self) -> None:
        a = reach(S.INQUIRY)
        key = f"inquiry_reply:{a.letters[0].id}"
        assert a.check_overdue(at("2026-10-20"))
        a.extend_clock(ctx(at("2026-10-20")), clock=key, reason="补充说明", approval=APPROVED)
        assert not a.clock(key).overdue_reported
        (again,) = [e for e in a.check_overdue(at("2026-11-10")) if getattr(e, "clock", "") == key]
        assert again.due_at == datetime(2026, 11, 10, tzinfo=CHINA)

    def test_an_open_rectification_item_past_due_is_reported(self) -> None:
        a = reach(S.RECTIFICATION)
        (item,) = a.rectification_items
        found = a.check_overdue(
            datetime.combine(item.due_on, datetime.min.time(), CHINA).replace(day=item.due_on.day)
        )
        assert not [e for e in found if isinstance(e, events.RectificationItemOverdue)]
        late = a.check_overdue(at("2026-10-22"))
        (overdue,) = [e for e in late if isinstance(e, events.RectificationItemOverdue)]
        assert overdue.item_id == item.id


class TestRecountedWhenAYearIsLoaded:
    def test_provisional_clocks_reaching_2027_are_recounted_and_firm(self) -> None:
        a = new(at=at("2026-12-01"))
        PERFORM[Action.ACCEPT](a, ctx(at("2026-12-01")))
        a.dispose(
            ctx(at("2026-12-01")), disposition=Disposition.INQUIRY, plan="函询", approval=APPROVED
        )
        letter = a.send_inquiry_letter(ctx(at("2026-12-21")), recipient="张三")
        key = f"inquiry_reply:{letter}"
        # 22-31 Dec (8), Friday 1 Jan (9: no holiday known), 4-8 Jan, 11 Jan.
        assert (due(a, key), a.clock(key).deadline.provisional) == (date(2027, 1, 11), True)
        assert a.clock("assigned_down").deadline.provisional
        a.collect_events()
        version = a.version
        changed = a.recompute_clocks(KEEPER_2027, now=at("2026-12-22"))
        assert set(changed) == {key, "assigned_down"}
        assert (due(a, key), a.clock(key).deadline.provisional) == (date(2027, 1, 12), False)
        assert (due(a, "assigned_down"), a.clock("assigned_down").deadline.provisional) == (
            date(2027, 3, 1),
            False,
        )
        assert a.version == version + 1
        assert {type(e).__name__ for e in a.collect_events()} == {"DeadlineRecomputed"}
        assert a.recompute_clocks(KEEPER_2027, now=at("2026-12-22")) == []
        assert a.version == version + 1

    def test_nothing_changes_with_the_same_calendar(self) -> None:
        a = new(at=at("2026-12-01"))
        version = a.version
        assert a.recompute_clocks(ctx().timekeeper, now=at("2026-12-02")) == []
        assert a.version == version and a.events == []

    def test_a_resumed_clock_is_recounted_from_where_it_resumed(self) -> None:
        # Received 22 Sep (due 22 Dec), shelved the same day, woken 12 Oct: 9 working days on.
        a = reach(S.SHELVED, at=at("2026-09-22"))
        a.reactivate(ctx(at("2026-10-12")), new_clue_id=uuid4())
        assert (due(a, "assigned_down"), a.clock("assigned_down").deadline.provisional) == (
            date(2027, 1, 4),
            True,
        )
        assert a.recompute_clocks(KEEPER_2027, now=at("2026-10-13")) == ["assigned_down"]
        # 1 January 2027 is a holiday in the loaded year: one day later.
        assert due(a, "assigned_down") == date(2027, 1, 5)
