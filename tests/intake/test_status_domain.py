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
