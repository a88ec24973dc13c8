"""What routing consumes. The shared consumer loop owns the transaction and the inbox claim;
each handler here joins that transaction with a unit of work and calls a use case."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.routing.decisions import handlers
from services.routing.decisions.commands import (
    AcknowledgeAssignment,
    RecordConclusion,
    RecordReturn,
    RequestHandoff,
    RouteReceivedClue,
)
from services.routing.decisions.model import Handoff, HandoffMode
from services.routing.errors import UnknownClue
from services.routing.rules.in_force import RulesInForce
from services.routing.settings import Settings
from services.routing.unit_of_work import RoutingUnitOfWork
from shared.clock import utcnow
from shared.consumer import Subscription, expecting
from shared.events import topics
from shared.events.contracts import (
    AssignmentAccepted,
    AssignmentReturned,
    CaseConcluded,
    ClueReceived,
    HandoffRequested,
    Role,
)

CONSUMED = (
    topics.CLUE_RECEIVED,
    topics.ASSIGNMENT_RETURNED,
    topics.CASE_HANDOFF_REQUESTED,
    topics.ASSIGNMENT_ACCEPTED,
    topics.CASE_CONCLUDED,
)


class RoutingConsumer:
    """One per worker process: its rule cache lives as long as the process."""

    def __init__(self, settings: Settings, rules: RulesInForce | None = None) -> None:
        self._settings = settings
        self.rules = rules or RulesInForce()

    def subscriptions(self) -> list[Subscription]:
        # An event about a clue routing never recorded cannot be applied, now or later.
        known = (UnknownClue,)
        return [
            Subscription(topics.CLUE_RECEIVED, expecting(ClueReceived, self.clue_received)),
            Subscription(
                topics.ASSIGNMENT_RETURNED,
                expecting(AssignmentReturned, self.returned, refused=known),
            ),
            Subscription(
                topics.CASE_HANDOFF_REQUESTED,
                expecting(HandoffRequested, self.handoff, refused=known),
            ),
            Subscription(topics.ASSIGNMENT_ACCEPTED, expecting(AssignmentAccepted, self.accepted)),
            Subscription(topics.CASE_CONCLUDED, expecting(CaseConcluded, self.concluded)),
        ]

    def _uow(self, session: AsyncSession) -> RoutingUnitOfWork:
        return RoutingUnitOfWork.within(session)

    async def clue_received(self, session: AsyncSession, event: ClueReceived) -> None:
        command = RouteReceivedClue(clue=event)
        await handlers.route_received_clue(
            self._uow(session), command, rules=self.rules, now=utcnow()
        )

    async def returned(self, session: AsyncSession, event: AssignmentReturned) -> None:
        command = RecordReturn(
            clue_id=event.clue_id,
            assignment_id=event.assignment_id,
            decision_id=event.decision_id,
            body_id=event.body_id,
            lead=event.role is Role.LEAD,
            reason=event.reason,
            returned_at=event.returned_at,
        )
        await handlers.reroute_returned_clue(
            self._uow(session), command, rules=self.rules, now=utcnow()
        )

    async def handoff(self, session: AsyncSession, event: HandoffRequested) -> None:
        command = RequestHandoff(clue_id=event.clue_id, handoff=_handoff(event))
        await handlers.hand_off(
            self._uow(session),
            command,
            rules=self.rules,
            forwarding_days=self._settings.forwarding_working_days,
            now=utcnow(),
        )

    async def accepted(self, session: AsyncSession, event: AssignmentAccepted) -> None:
        command = AcknowledgeAssignment(
            clue_id=event.clue_id,
            assignment_id=event.assignment_id,
            decision_id=event.decision_id,
            body_id=event.body_id,
            accepted_at=event.accepted_at,
        )
        await handlers.acknowledge_transfer(self._uow(session), command)

    async def concluded(self, session: AsyncSession, event: CaseConcluded) -> None:
        command = RecordConclusion(
            clue_id=event.clue_id,
            decision_id=event.decision_id,
            lead=event.role is Role.LEAD,
            concluded_at=event.concluded_at,
        )
        await handlers.record_conclusion(self._uow(session), command)


def _handoff(event: HandoffRequested) -> Handoff:
    return Handoff(
        handoff_id=event.handoff_id,
        assignment_id=event.assignment_id,
        decision_id=event.decision_id,
        from_body_id=event.body_id,
        target_body_id=event.target_body_id,
        target_name=event.target_name,
        mode=HandoffMode(event.mode.value),
        kept_part=event.kept_part,
        transferred_part=event.transferred_part,
        reason=event.reason,
        requested_at=event.requested_at,
    )
