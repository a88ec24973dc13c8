"""What routing's domain events become on Kafka: ClueRouted, ClueStatusChanged, ClueLinked."""

from collections.abc import Sequence

from services.routing.decisions.model import Decided
from services.routing.links.domain import Linked
from shared import limits
from shared.events import Event
from shared.events.contracts import ClueLinked, ClueRouted, ClueStatusChanged, RelatedClue


def contracts_of(event: object) -> Sequence[Event] | None:
    """None when the event is not one of routing's, so the caller can refuse it loudly."""
    if isinstance(event, Decided):
        return _decided(event)
    if isinstance(event, Linked):
        related = [
            RelatedClue(clue_id=r.clue_id, basis=r.basis, concluded=r.concluded)
            for r in event.related
        ]
        return [
            ClueLinked(
                clue_id=event.clue_id,
                related=related,
                repeat_of_concluded=event.repeat_of_concluded,
                linked_at=event.at,
            )
        ]
    return None


def _decided(event: Decided) -> list[Event]:
    published: list[Event] = []
    if event.decision.lead_body_id is not None:
        published.append(_routed(event))
    if event.status is not None:
        d = event.decision
        published.append(
            ClueStatusChanged(
                clue_id=d.clue_id,
                status=event.status,
                occurred_at=d.decided_at,
                body_id=d.lead_body_id,
                body_name=event.body_name,
                # The words written for the sender; intake shows its own all the same.
                note=d.sender_reason[: limits.NOTE_MAX] or None,
                stage=d.stage,
                sequence=event.sequence,
            )
        )
    return published


def _routed(event: Decided) -> ClueRouted:
    d, facts = event.decision, event.facts
    assert d.lead_body_id is not None
    subjects = facts.subjects if d.kept is None else [facts.subjects[i] for i in d.kept]
    return ClueRouted(
        clue_id=d.clue_id,
        decision_id=d.id,
        lead_body_id=d.lead_body_id,
        lead_body_name=event.body_name,
        co_body_ids=list(d.co_body_ids),
        rule=d.rule,
        reason=d.reason[: limits.NOTE_MAX],
        routed_at=d.decided_at,
        receipt_number=facts.receipt_number,
        category=facts.category,
        channel=facts.channel,
        summary=facts.summary,
        region=facts.region,
        subjects=subjects,
        stage=d.stage,
        kind=d.kind,
        rule_set_version=d.rule_set_version,
        rules=list(d.rules[: limits.RULES_MAX]),
        handoff_of=d.handoff_of,
        from_body_id=d.from_body_id,
        part=None if d.part is None else d.part[: limits.NOTE_MAX],
        assigned_down=facts.assigned_down,
        real_name_report=facts.real_name_report,
    )
