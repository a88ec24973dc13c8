"""A clue's record in the ledger (台账) and every decision about it, one stage at a time.

Pure: the aggregate takes what the rules or an officer decided, numbers it, keeps who may no
longer receive the clue, and raises `Decided` for the unit of work to publish.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime
from uuid import UUID, uuid4

from services.routing.decisions.model import (
    Decided,
    Decision,
    Handoff,
    HandoffMode,
    RoutingStatus,
    agency_status,
    routing_status,
)
from services.routing.links.domain import Linked
from services.routing.registry.bodies import Body
from services.routing.rules import Outcome, RoutingResult
from shared.events.contracts import ClueReceived, DecisionKind


@dataclass
class RoutedClue:
    facts: ClueReceived
    status: RoutingStatus | None = None
    stage: int = 0
    status_sequence: int = 0
    current: Decision | None = None
    lead_body_id: UUID | None = None
    co_body_ids: tuple[UUID, ...] = ()
    excluded: frozenset[UUID] = frozenset()
    queued_at: datetime | None = None
    pending_handoff_id: UUID | None = None
    concluded_at: datetime | None = None
    added: list[Decision] = field(default_factory=list)
    events: list[object] = field(default_factory=list)

    @property
    def clue_id(self) -> UUID:
        return self.facts.clue_id

    def collect_events(self) -> list[object]:
        events, self.events = self.events, []
        return events

    def decide(
        self, result: RoutingResult, *, kind: DecisionKind, at: datetime, preface: str = ""
    ) -> Decision:
        """What the rules decided, as the next stage."""
        kept = result.split.kept if result.split else self._kept()
        decision = self._next(
            kind,
            result.outcome,
            lead=result.lead,
            co_bodies=result.co_bodies,
            reason=preface + result.reason,
            sender_reason=result.sender_reason,
            at=at,
        )
        decision = replace(decision, hits=result.hits, rule_set_version=result.rule_set_version)
        return self._record(replace(decision, kept=kept), at=at)

    def place(
        self,
        *,
        lead: Body,
        co_bodies: tuple[Body, ...],
        reason: str,
        by: str,
        at: datetime,
        pending: Handoff | None = None,
    ) -> Decision:
        """An officer routes a clue from the review queue, or overrides any decision."""
        kind = (
            DecisionKind.REVIEW
            if self.status is RoutingStatus.PENDING_REVIEW
            else DecisionKind.OVERRIDE
        )
        sender = f"线索已分办至{lead.name}"
        decision = self._next(
            kind, Outcome.ROUTE, lead=lead, co_bodies=co_bodies, reason=reason,
            sender_reason=sender, at=at,
        )  # fmt: skip
        decision = replace(decision, decided_by=by, kept=self._kept())
        if pending is not None:
            decision = self._handed_off(decision, pending)
        return self._record(decision, at=at)

    def transfer(
        self, handoff: Handoff, *, target: Body, sender: Body | None, at: datetime
    ) -> Decision:
        """移送 to a body of the registry: a new lead, with the part transferred."""
        who = sender.name if sender else "原承办机关"
        basis = "依《监察法实施条例》第一百六十九条、第一百七十一条"
        reason = f"{who}移送（{handoff.reason}），{basis}由{target.name}办理"
        if handoff.mode is HandoffMode.SPLIT:
            reason += f"；移送部分：{handoff.transferred_part or '未写明'}，其余部分由{who}继续办理"
        decision = self._next(
            handoff.kind, Outcome.ROUTE, lead=target, co_bodies=(), reason=reason,
            sender_reason=f"线索已移送{target.name}办理", at=at,
        )  # fmt: skip
        decision = replace(decision, kept=self._kept())
        return self._record(self._handed_off(decision, handoff), at=at)

    def refuse_transfer(self, handoff: Handoff, *, why: str, at: datetime) -> Decision:
        """The target cannot take it: the clue waits for an officer, with the reason."""
        reason = f"移送请求（{handoff.reason}）无法执行：{why}，转人工审核"
        decision = self._next(
            handoff.kind, Outcome.REVIEW, lead=None, co_bodies=(), reason=reason,
            sender_reason="线索正在审核分办", at=at,
        )  # fmt: skip
        decision = replace(decision, kept=self._kept(), from_body_id=handoff.from_body_id)
        recorded = self._record(decision, at=at)
        self.pending_handoff_id = handoff.handoff_id
        return recorded

    def refusal_of(self, handoff: Handoff, target: Body | None) -> str | None:
        """Why this handoff cannot go ahead, or None when it can."""
        if handoff.target_body_id is None:
            name = handoff.target_name or "未写明"
            return f"移送目标“{name}”不在本系统登记范围"
        if target is None:
            return "移送目标机关未在本系统登记"
        if not target.active:
            return f"移送目标{target.name}已停用"
        if target.id == handoff.from_body_id:
            return f"{target.name}不能移送给本机关"
        if handoff.from_body_id != self.lead_body_id:
            return "移送机关不是本线索当前的主办机关"
        return None

    def record_return(self, *, body_id: UUID, lead: bool, decision_id: UUID) -> bool:
        """退回: the body never gets this clue again from the rules. True when the lead of the
        current decision returned it, so it must be routed anew; a co-body is only dropped."""
        self.excluded = self.excluded | {body_id}
        if self.current is None or decision_id != self.current.id:
            return False
        if not lead:
            self.co_body_ids = tuple(b for b in self.co_body_ids if b != body_id)
            return False
        return self.lead_body_id == body_id and self.status in (
            RoutingStatus.ROUTED,
            RoutingStatus.TRANSFERRED,
        )

    def link(self, linked: Linked) -> None:
        """Raised after the decision, so casework reads it about a clue it already has."""
        self.events.append(linked)

    def _handed_off(self, decision: Decision, handoff: Handoff) -> Decision:
        """A body that handed the whole clue off said it is not its own: the rules never give it
        back to that body either, should the receiver return it."""
        if handoff.mode is HandoffMode.WHOLE:
            self.excluded = self.excluded | {handoff.from_body_id}
        part = handoff.transferred_part if handoff.mode is HandoffMode.SPLIT else None
        return replace(
            decision, handoff_of=handoff.assignment_id, from_body_id=handoff.from_body_id, part=part
        )

    def _kept(self) -> tuple[int, ...] | None:
        return self.current.kept if self.current else None

    def _next(
        self,
        kind: DecisionKind,
        outcome: Outcome,
        *,
        lead: Body | None,
        co_bodies: tuple[Body, ...],
        reason: str,
        sender_reason: str,
        at: datetime,
    ) -> Decision:
        return Decision(
            id=uuid4(),
            clue_id=self.clue_id,
            stage=self.stage + 1,
            kind=kind,
            outcome=outcome,
            lead_body_id=lead.id if lead else None,
            co_body_ids=tuple(b.id for b in co_bodies),
            hits=(),
            rule_set_version=None,
            reason=reason,
            sender_reason=sender_reason,
            decided_at=at,
            lead_body_name=lead.name if lead else None,
        )

    def _record(self, decision: Decision, *, at: datetime) -> Decision:
        self.stage, self.current = decision.stage, decision
        self.status = routing_status(decision)
        self.lead_body_id, self.co_body_ids = decision.lead_body_id, decision.co_body_ids
        self.queued_at = at if self.status is RoutingStatus.PENDING_REVIEW else None
        self.pending_handoff_id = None
        status = agency_status(decision)
        if status is not None:
            self.status_sequence += 1
        self.added.append(decision)
        self.events.append(
            Decided(self.facts, decision, status, self.status_sequence, decision.lead_body_name)
        )
        return decision
