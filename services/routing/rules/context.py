"""What the rule engine reads of a clue: a pure value built once per clue, no names of people."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from shared.codes import AgencyKind as AgencyKind
from shared.codes import Category, Channel, Level, Rank, Topic
from shared.events.contracts import ClueReceived
from shared.workdays import china_day


@dataclass(frozen=True)
class SubjectContext:
    unit: str  # the unit's name as the sender wrote it
    rank: Rank
    managing_level: Level
    party_member: bool
    same_level_committee_leader: bool = False
    unit_credit_code: str | None = None


@dataclass(frozen=True)
class ClueContext:
    clue_id: UUID
    received_on: date
    region: str
    category: Category
    channel: Channel
    subjects: tuple[SubjectContext, ...]
    topics: frozenset[Topic] = frozenset()
    amount: Decimal | None = None
    agency_kind: AgencyKind | None = None
    # Bodies that returned the clue (退回) or handed it all off: no rule places it with them.
    excluded_body_ids: frozenset[UUID] = frozenset()


def context_from_event(
    event: ClueReceived, *, excluded_body_ids: frozenset[UUID] = frozenset()
) -> ClueContext:
    subjects = tuple(
        SubjectContext(
            unit=s.unit,
            rank=s.rank,
            managing_level=s.managing_level,
            party_member=s.party_member,
            same_level_committee_leader=s.same_level_committee_leader,
            unit_credit_code=s.unit_credit_code,
        )
        for s in event.subjects
    )
    return ClueContext(
        clue_id=event.clue_id,
        received_on=china_day(event.received_at),
        region=event.region,
        category=event.category,
        channel=event.channel,
        subjects=subjects,
        topics=frozenset(event.topics),
        amount=event.amount,
        agency_kind=event.agency_kind,
        excluded_body_ids=excluded_body_ids,
    )
