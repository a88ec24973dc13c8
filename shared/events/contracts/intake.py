"""What intake publishes: a clue accepted from a partner agency (never the reporter)."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import Field

from shared import limits
from shared.codes import AgencyKind, Category, Channel, Topic
from shared.events import topics
from shared.events.contracts.base import (
    AgencyName,
    Event,
    ReceiptNumber,
    Region,
    Subjects,
    Summary,
)


class ClueReceived(Event):
    TOPIC = topics.CLUE_RECEIVED

    receipt_number: ReceiptNumber
    agency_id: UUID
    agency_name: AgencyName
    received_at: datetime
    subjects: Subjects
    category: Category
    topics: Annotated[list[Topic], Field(max_length=limits.TOPICS_MAX)] = Field(
        default_factory=list
    )
    channel: Channel
    summary: Summary
    region: Region
    amount: Decimal | None = Field(None, max_digits=18, decimal_places=2)
    # What kind of body the sender is: some rules depend on who refers (e.g. audit, 财审先行).
    agency_kind: AgencyKind | None = None
    # 交办件: assigned down by a higher body; a 3-month clock runs (检举控告规则 Art 21).
    assigned_down: bool = False
    # Only whether the report is real-name (实名举报, notices are owed), never who made it.
    real_name_report: bool = False
