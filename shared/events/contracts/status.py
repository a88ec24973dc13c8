"""Status reports for the referring agency, from routing and casework."""

from datetime import datetime
from uuid import UUID

from pydantic import Field

from shared.codes import ClueStatus, Outcome
from shared.events import topics
from shared.events.contracts.base import BodyName, Event, Note, OutcomeSummary


class ClueStatusChanged(Event):
    """A status report. Readers order reports by (stage, lifecycle rank of status, sequence),
    never by `occurred_at`, which is the producer's wall clock and only for display."""

    TOPIC = topics.CLUE_STATUS

    status: ClueStatus
    occurred_at: datetime
    body_id: UUID | None = None
    body_name: BodyName | None = None
    note: Note | None = None
    outcome: Outcome | None = None
    outcome_summary: OutcomeSummary | None = None
    # The routing stage this report belongs to (see ClueRouted.stage); absent means 1.
    stage: int | None = Field(None, ge=1)
    # The producer's own counter for this clue, increasing with each report it makes.
    sequence: int | None = Field(None, ge=0)
