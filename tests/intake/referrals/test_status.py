"""How intake folds status reports that arrive from two services in any order."""

import uuid
from datetime import timedelta

from services.intake.referrals.status import Conclusion, ReferralStatus, StatusReport
from shared.clock import utcnow
from shared.codes import ClueStatus, Outcome

BODY = uuid.uuid4()


def _received() -> ReferralStatus:
    return ReferralStatus(status=ClueStatus.RECEIVED, status_at=utcnow())


class TestReferralStatus:
    def test_a_later_report_without_the_body_name_keeps_the_known_name(self) -> None:
        state, now = _received(), utcnow()
        state.apply(StatusReport(ClueStatus.ROUTED, now, BODY, "江州市纪委监委"))
        state.apply(StatusReport(ClueStatus.ASSIGNED, now + timedelta(milliseconds=5), BODY))
        assert (state.status, state.body_name) == (ClueStatus.ASSIGNED, "江州市纪委监委")

    def test_a_different_body_without_a_name_does_not_inherit_the_old_name(self) -> None:
        state, now = _received(), utcnow()
        state.apply(StatusReport(ClueStatus.ROUTED, now, BODY, "江州市纪委监委"))
        other = uuid.uuid4()
        state.apply(StatusReport(ClueStatus.TRANSFERRED, now, other, stage=2))
        assert (state.body_id, state.body_name) == (other, None)

    def test_an_older_report_arriving_late_does_not_win(self) -> None:
        state, now = _received(), utcnow()
        assert state.apply(StatusReport(ClueStatus.ASSIGNED, now + timedelta(seconds=1), BODY))
        assert not state.apply(StatusReport(ClueStatus.ROUTED, now, BODY, "江州市纪委监委"))
        assert state.status is ClueStatus.ASSIGNED


class TestCausalOrder:
    """Reports fold by (stage, rank of status, sequence): producers' clocks never decide."""

    def test_a_report_stamped_ten_minutes_early_by_a_skewed_clock_still_advances(self) -> None:
        state, now = _received(), utcnow()
        state.apply(StatusReport(ClueStatus.ROUTED, now, BODY, stage=1, sequence=1))
        skewed = now - timedelta(minutes=10)
        assert state.apply(StatusReport(ClueStatus.ASSIGNED, skewed, BODY, stage=1, sequence=1))
        assert (state.status, state.status_at) == (ClueStatus.ASSIGNED, skewed)

    def test_a_stale_report_is_recorded_and_changes_nothing(self) -> None:
        state, now = _received(), utcnow()
        state.apply(StatusReport(ClueStatus.ASSIGNED, now, BODY, "江州市纪委监委", stage=1))
        late = StatusReport(ClueStatus.ROUTED, now + timedelta(minutes=5), BODY, stage=1)
        assert not state.apply(late)
        assert state.status is ClueStatus.ASSIGNED
        assert state.applied[-1] is late

    def test_a_later_stage_wins_over_a_higher_rank_of_an_earlier_stage(self) -> None:
        state, now = _received(), utcnow()
        state.apply(StatusReport(ClueStatus.ACCEPTED, now, BODY, stage=1, sequence=2))
        rerouted = StatusReport(ClueStatus.ROUTED, now - timedelta(minutes=1), stage=2, sequence=1)
        assert state.apply(rerouted)
        assert state.status is ClueStatus.ROUTED

    def test_the_target_of_a_transfer_takes_over_whichever_report_arrives_first(self) -> None:
        target = uuid.uuid4()
        transferred = StatusReport(ClueStatus.TRANSFERRED, utcnow(), target, stage=2, sequence=2)
        assigned = StatusReport(ClueStatus.ASSIGNED, utcnow(), target, stage=2, sequence=1)
        for first, second in ((transferred, assigned), (assigned, transferred)):
            state = _received()
            state.apply(StatusReport(ClueStatus.ACCEPTED, utcnow(), BODY, stage=1, sequence=3))
            state.apply(first)
            state.apply(second)
            assert (state.status, state.body_id) == (ClueStatus.ASSIGNED, target)

    def test_the_producers_sequence_breaks_ties_within_a_rank(self) -> None:
        state, now = _received(), utcnow()
        second = StatusReport(
            ClueStatus.IN_DISPOSITION, now - timedelta(hours=1), stage=1, sequence=3
        )
        first = StatusReport(ClueStatus.IN_DISPOSITION, now, stage=1, sequence=2, note="inquiry")
        assert state.apply(second)
        assert not state.apply(first)
        assert state.status_at == second.occurred_at

    def test_reports_without_causal_fields_belong_to_the_first_stage(self) -> None:
        state, now = _received(), utcnow()
        state.apply(StatusReport(ClueStatus.ASSIGNED, now - timedelta(minutes=10), BODY))
        assert not state.apply(StatusReport(ClueStatus.ROUTED, now, BODY))
        assert state.status is ClueStatus.ASSIGNED


def _conclusion(*, lead: bool = True, stage: int = 1) -> Conclusion:
    return Conclusion(
        body_id=BODY,
        lead=lead,
        stage=stage,
        outcome=Outcome.FORM_1,
        release_summary="已对被反映人进行谈话提醒",
        concluded_at=utcnow(),
    )


class TestConclusion:
    """Only the lead's conclusion of the newest stage intake knows feeds back to the sender."""

    def test_the_leads_conclusion_of_the_current_stage_concludes_with_its_outcome(self) -> None:
        state, now = _received(), utcnow()
        state.apply(StatusReport(ClueStatus.ACCEPTED, now, BODY, "江州市纪委监委", stage=1))
        assert state.conclude(_conclusion(stage=1))
        assert (state.status, state.outcome) == (ClueStatus.CONCLUDED, Outcome.FORM_1)
        assert state.outcome_summary == "已对被反映人进行谈话提醒"
        assert state.body_name == "江州市纪委监委"

    def test_a_co_bodys_conclusion_is_recorded_and_changes_nothing(self) -> None:
        state, now = _received(), utcnow()
        state.apply(StatusReport(ClueStatus.ACCEPTED, now, BODY, stage=1))
        co = _conclusion(lead=False, stage=1)
        assert not state.conclude(co)
        assert (state.status, state.outcome, state.outcome_summary) == (
            ClueStatus.ACCEPTED,
            None,
            None,
        )
        assert state.applied[-1] == co.report()

    def test_a_conclusion_of_an_older_stage_is_recorded_and_changes_nothing(self) -> None:
        state, now = _received(), utcnow()
        state.apply(StatusReport(ClueStatus.ROUTED, now, uuid.uuid4(), stage=2, sequence=1))
        assert not state.conclude(_conclusion(stage=1))
        assert (state.status, state.stage, state.outcome) == (ClueStatus.ROUTED, 2, None)

    def test_a_conclusion_of_a_stage_not_yet_reported_is_the_newest_and_applies(self) -> None:
        state, now = _received(), utcnow()
        state.apply(StatusReport(ClueStatus.ACCEPTED, now, BODY, stage=1))
        assert state.conclude(_conclusion(stage=2))
        assert (state.status, state.stage) == (ClueStatus.CONCLUDED, 2)
