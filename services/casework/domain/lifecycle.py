"""Signing for or returning a clue, choosing its disposition, waking it, and handing it off."""

from datetime import datetime
from uuid import UUID

from services.casework.domain.aggregate import AssignmentBase, required_text
from services.casework.domain.clocks import ClockKind
from services.casework.domain.errors import InvalidCommand
from services.casework.domain.events import (
    AssignmentAccepted,
    AssignmentReturned,
    CaseDisposed,
    HandoffRequested,
    ShelvedClueReactivated,
)
from services.casework.domain.states import (
    DISPOSED_TO,
    Action,
    AssignmentState,
    Disposition,
    Role,
)
from services.casework.domain.values import SYSTEM, ActionContext, Approval, HandoffKind, Transfer

_S = AssignmentState
# The parts travel to routing in case.handoff_requested, whose text fields hold 2,000 characters.
PART_LIMIT = 2000


class Lifecycle(AssignmentBase):
    def accept(self, ctx: ActionContext) -> None:
        """签收: the sign-for and forward clocks stop; a real-name reporter is owed a notice."""
        self._begin(ctx, Action.ACCEPT)
        before, self.state = self.state, _S.ACCEPTED
        self._stop(ctx.at, ClockKind.SIGN_FOR, ClockKind.FORWARD)
        if self.facts.reporter_real_name:
            self._start(ctx, ClockKind.REPORTER_ACCEPTANCE_NOTICE)
        self._done(ctx, Action.ACCEPT, before, AssignmentAccepted(**self._meta(ctx)))

    def return_assignment(self, ctx: ActionContext, *, reason: str) -> None:
        """退回: routing re-routes the clue or puts it in manual review; every clock stops."""
        self._begin(ctx, Action.RETURN)
        reason = required_text("reason", reason, limit=1000)
        before, self.state, self.return_reason = self.state, _S.RETURNED, reason
        self._stop_all(ctx.at)
        event = AssignmentReturned(**self._meta(ctx), reason=reason)
        self._done(ctx, Action.RETURN, before, event)

    def dispose(
        self,
        ctx: ActionContext,
        *,
        disposition: Disposition,
        plan: str,
        approval: Approval | None,
    ) -> None:
        """Rules Art 21: the handling opinion is given, so its clock stops."""
        approver = self._begin(ctx, Action.DISPOSE, approval)
        plan = required_text("plan", plan)
        before, self.state = self.state, DISPOSED_TO[disposition]
        self.disposition, self.plan = disposition, plan
        self._stop(ctx.at, ClockKind.HANDLING_OPINION)
        if disposition is Disposition.SHELVED:
            # 暂存待查: it cannot be checked now, so the assigned-down clock waits with it.
            self._pause(ctx, ClockKind.ASSIGNED_DOWN)
        elif disposition is Disposition.CLOSED_NO_ACTION:
            self._settle(ctx)
        event = CaseDisposed(**self._meta(ctx), disposition=disposition, approved_by=approver)
        details = {"disposition": disposition.value, "approved_by": approver}
        self._done(ctx, Action.DISPOSE, before, event, **details)

    def reactivate(self, ctx: ActionContext, *, new_clue_id: UUID) -> None:
        """A new clue on the same subject wakes a shelved one: a new handling opinion is due."""
        self._begin(ctx, Action.REACTIVATE)
        before, self.state, self.disposition = self.state, _S.ACCEPTED, None
        self.reactivated_by.append(new_clue_id)
        self._resume(ctx, ClockKind.ASSIGNED_DOWN)
        self._start(ctx, ClockKind.HANDLING_OPINION, ref=len(self.reactivated_by))
        event = ShelvedClueReactivated(**self._meta(ctx), new_clue_id=new_clue_id)
        self._done(ctx, Action.REACTIVATE, before, event, new_clue_id=str(new_clue_id))

    def hand_off(
        self,
        ctx: ActionContext,
        *,
        target_body_id: UUID | None = None,
        target_name: str | None = None,
        reason: str,
        approval: Approval | None,
    ) -> None:
        """移送 the whole clue: this body keeps its timeline to read and loses every action."""
        approver = self._begin(ctx, Action.HAND_OFF, approval)
        target_name = self._target(target_body_id, target_name)
        reason = required_text("reason", reason, limit=1000)
        before, self.state = self.state, _S.HANDED_OFF
        transfer = Transfer(
            HandoffKind.WHOLE, target_body_id, ctx.at, reason, target_name=target_name
        )
        self.transfers.append(transfer)
        self._stop_all(ctx.at)
        self._handed(ctx, Action.HAND_OFF, before, transfer, approver)

    def split(
        self,
        ctx: ActionContext,
        *,
        target_body_id: UUID | None = None,
        target_name: str | None = None,
        transferred_part: str,
        kept_part: str,
        reason: str,
        approval: Approval | None,
    ) -> None:
        """Reg Art 171(3): the part within jurisdiction is kept, the rest transferred."""
        approver = self._begin(ctx, Action.SPLIT, approval)
        target_name = self._target(target_body_id, target_name)
        reason = required_text("reason", reason, limit=1000)
        moved = required_text("transferred_part", transferred_part, limit=PART_LIMIT)
        kept = required_text("kept_part", kept_part, limit=PART_LIMIT)
        transfer = Transfer(
            HandoffKind.SPLIT, target_body_id, ctx.at, reason, moved, kept, target_name
        )
        self.transfers.append(transfer)
        self._handed(ctx, Action.SPLIT, self.state, transfer, approver)

    def redecide(self, *, decision_id: UUID, stage: int, role: Role, at: datetime) -> None:
        """Routing decided again about the clue and chose this body again: the work goes on
        under the new decision (its stage, the role it gives), on the record."""
        details = {"decision_id": str(decision_id), "stage": str(stage), "role": role.value}
        self.decision_id, self.stage, self.role = decision_id, stage, role
        self._record(at, SYSTEM, "redecide", self.state, (), details)

    def mark_repeat_of_concluded(self, *, related: list[UUID], at: datetime) -> None:
        """Routing found a concluded matter about the same subject: 予以了结 is to be weighed."""
        self.repeat_of_concluded = True
        details = {"related": " ".join(str(r) for r in related)}
        self._record(at, SYSTEM, "repeat_of_concluded", self.state, (), details)

    def _target(self, target_body_id: UUID | None, target_name: str | None) -> str | None:
        if (target_body_id is None) == (target_name is None):
            raise InvalidCommand("target_body_id", "give a target body id or a target name")
        if target_body_id == self.body_id:
            raise InvalidCommand("target_body_id", "a body cannot hand a clue off to itself")
        return None if target_name is None else required_text("target_name", target_name, limit=200)

    def _handed(
        self,
        ctx: ActionContext,
        action: Action,
        before: AssignmentState,
        transfer: Transfer,
        approver: str,
    ) -> None:
        event = HandoffRequested(
            **self._meta(ctx),
            handoff_id=transfer.id,
            kind=transfer.kind,
            target_body_id=transfer.target_body_id,
            target_name=transfer.target_name,
            approved_by=approver,
            reason=transfer.reason,
            transferred_part=transfer.transferred_part,
            kept_part=transfer.kept_part,
        )
        target = str(transfer.target_body_id or transfer.target_name)
        details = {"target": target, "handoff_id": str(transfer.id), "approved_by": approver}
        self._done(ctx, action, before, event, **details)
