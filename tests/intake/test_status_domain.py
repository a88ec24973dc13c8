"""How intake folds status reports that arrive from two services in any order."""

import uuid
from datetime import timedelta

from services.intake.domain import ReferralStatus, StatusReport
from shared.clock import utcnow
from shared.codes import ClueStatus

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
        state.apply(StatusReport(ClueStatus.TRANSFERRED, now + timedelta(seconds=1), other))
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
