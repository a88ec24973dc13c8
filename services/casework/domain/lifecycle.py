"""Signing for or returning a clue, choosing its disposition, waking it, and handing it off."""

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
from services.casework.domain.states import DISPOSED_TO, Action, AssignmentState, Disposition
from services.casework.domain.values import ActionContext, Approval, HandoffKind, Transfer

_S = AssignmentState


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
        self, ctx: ActionContext, *, target_body_id: UUID, reason: str, approval: Approval | None
    ) -> None:
        """移送 the whole clue: this body keeps its timeline to read and loses every action."""
        approver = self._begin(ctx, Action.HAND_OFF, approval)
        reason = self._handoff_reason(target_body_id, reason)
        before, self.state = self.state, _S.HANDED_OFF
        self.transfers.append(Transfer(HandoffKind.WHOLE, target_body_id, ctx.at, reason))
        self._stop_all(ctx.at)
        self._handed(ctx, Action.HAND_OFF, before, target_body_id, approver)

    def split(
        self,
        ctx: ActionContext,
        *,
        target_body_id: UUID,
        transferred_part: str,
        kept_part: str,
        reason: str,
        approval: Approval | None,
    ) -> None:
        """Reg Art 171(3): the part within jurisdiction is kept, the rest transferred."""
        approver = self._begin(ctx, Action.SPLIT, approval)
        reason = self._handoff_reason(target_body_id, reason)
        moved = required_text("transferred_part", transferred_part)
        kept = required_text("kept_part", kept_part)
        transfer = Transfer(HandoffKind.SPLIT, target_body_id, ctx.at, reason, moved, kept)
        self.transfers.append(transfer)
        self._handed(ctx, Action.SPLIT, self.state, target_body_id, approver)

    def _handoff_reason(self, target_body_id: UUID, reason: str) -> str:
        if target_body_id == self.body_id:
            raise InvalidCommand("target_body_id", "a body cannot hand a clue off to itself")
        return required_text("reason", reason, limit=1000)

    def _handed(
        self,
        ctx: ActionContext,
        action: Action,
        before: AssignmentState,
        target: UUID,
        approver: str,
    ) -> None:
        kind = HandoffKind.WHOLE if action is Action.HAND_OFF else HandoffKind.SPLIT
        event = HandoffRequested(
            **self._meta(ctx), kind=kind, target_body_id=target, approved_by=approver
        )
        details = {"target_body_id": str(target), "approved_by": approver}
        self._done(ctx, action, before, event, **details)
