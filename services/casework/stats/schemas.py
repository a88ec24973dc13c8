"""The statistics a body (or a case-management office) reads."""

from uuid import UUID

from pydantic import BaseModel

from services.casework.stats.handlers import Stats
from shared.codes import Outcome

FORMS = (Outcome.FORM_1, Outcome.FORM_2, Outcome.FORM_3, Outcome.FORM_4)


class FormShare(BaseModel):
    count: int
    # Of the cases concluded in one of the four forms (四种形态); 0 when there are none.
    share: float


class MonthCount(BaseModel):
    month: str
    received: int
    concluded: int


class StatsView(BaseModel):
    bodies: list[UUID]
    total: int
    by_state: dict[str, int]
    by_disposition: dict[str, int]
    by_outcome: dict[str, int]
    four_forms: dict[str, FormShare]
    by_channel: dict[str, int]
    overdue: int
    escalated: int
    per_month: list[MonthCount]

    @classmethod
    def of(cls, s: Stats, bodies: frozenset[UUID]) -> "StatsView":
        in_forms = sum(s.by_outcome.get(f.value, 0) for f in FORMS)
        shares = {
            f.value: FormShare(
                count=s.by_outcome.get(f.value, 0),
                share=round(s.by_outcome.get(f.value, 0) / in_forms, 4) if in_forms else 0.0,
            )
            for f in FORMS
        }
        months = sorted(set(s.received_per_month) | set(s.concluded_per_month))
        per_month = [
            MonthCount(
                month=m,
                received=s.received_per_month.get(m, 0),
                concluded=s.concluded_per_month.get(m, 0),
            )
            for m in months
        ]
        return cls(
            bodies=sorted(bodies),
            total=s.total,
            by_state=s.by_state,
            by_disposition=s.by_disposition,
            by_outcome=s.by_outcome,
            four_forms=shares,
            by_channel=s.by_channel,
            overdue=s.overdue,
            escalated=s.escalated,
            per_month=per_month,
        )
