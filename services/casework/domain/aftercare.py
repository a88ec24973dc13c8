"""After the conclusion: rectification items and closing; notes and reporter notices throughout."""

from collections.abc import Sequence
from dataclasses import replace
from uuid import UUID, uuid4

from services.casework.domain.aggregate import AssignmentBase, required_text
from services.casework.domain.clocks import ClockKind
from services.casework.domain.errors import InvalidCommand
from services.casework.domain.events import (
    AssignmentClosed,
    NoteAdded,
    RectificationItemAdded,
    RectificationItemCompleted,
    RectificationStarted,
    ReporterNoticeRecorded,
)
from services.casework.domain.states import Action, AssignmentState
from services.casework.domain.values import (
    ActionContext,
    Note,
    NoteVisibility,
    RectificationItem,
    RectificationSpec,
    ReporterNotice,
)
from shared.workdays import china_day

_S = AssignmentState
NOTICE_CLOCKS = {
    ReporterNotice.ACCEPTANCE: ClockKind.REPORTER_ACCEPTANCE_NOTICE,
    ReporterNotice.RESULT: ClockKind.REPORTER_RESULT_NOTICE,
}
MAX_ITEMS = 100


class Aftercare(AssignmentBase):
    def start_rectification(
        self, ctx: ActionContext, *, items: Sequence[RectificationSpec]
    ) -> list[UUID]:
        """整改: the items, and the two-month clock for the rectification report."""
        self._begin(ctx, Action.START_RECTIFICATION)
        if not items:
            raise InvalidCommand("items", "rectification needs at least one item")
        if len(items) > MAX_ITEMS:
            raise InvalidCommand("items", f"at most {MAX_ITEMS} items")
        made = [self._new_item(ctx, spec, field=f"items[{i}]") for i, spec in enumerate(items)]
        before, self.state = self.state, _S.RECTIFICATION
        self.rectification_items.extend(made)
        clock = self._start(ctx, ClockKind.RECTIFICATION)
        ids = tuple(item.id for item in made)
        event = RectificationStarted(
            **self._meta(ctx), item_ids=ids, report_due_at=clock.deadline.due_at
        )
        self._done(ctx, Action.START_RECTIFICATION, before, event, items=str(len(ids)))
        return list(ids)

    def add_rectification_item(self, ctx: ActionContext, *, item: RectificationSpec) -> UUID:
        self._begin(ctx, Action.ADD_RECTIFICATION_ITEM)
        if len(self.rectification_items) >= MAX_ITEMS:
            raise InvalidCommand("item", f"at most {MAX_ITEMS} items")
        made = self._new_item(ctx, item, field="item")
        self.rectification_items.append(made)
        event = RectificationItemAdded(**self._meta(ctx), item_id=made.id, due_on=made.due_on)
        self._done(ctx, Action.ADD_RECTIFICATION_ITEM, self.state, event, item_id=str(made.id))
        return made.id

    def complete_rectification_item(
        self, ctx: ActionContext, *, item_id: UUID, report: str
    ) -> None:
        self._begin(ctx, Action.COMPLETE_RECTIFICATION_ITEM)
        item = self._item(item_id)
        if item.completed_at is not None:
            raise InvalidCommand("item_id", "this item is already completed")
        report = required_text("report", report)
        self._put_item(replace(item, completed_at=ctx.at, report=report))
        event = RectificationItemCompleted(**self._meta(ctx), item_id=item_id)
        action = Action.COMPLETE_RECTIFICATION_ITEM
        self._done(ctx, action, self.state, event, item_id=str(item_id))

    def close(self, ctx: ActionContext) -> None:
        """结束: directly after a conclusion, or once every rectification item is completed."""
        self._begin(ctx, Action.CLOSE)
        if open_items := [i for i in self.rectification_items if i.completed_at is None]:
            message = f"{len(open_items)} item(s) are not completed"
            raise InvalidCommand("rectification_items", message)
        before, self.state = self.state, _S.CLOSED
        self._stop(ctx.at, ClockKind.RECTIFICATION)
        self._done(ctx, Action.CLOSE, before, AssignmentClosed(**self._meta(ctx)))

    def add_note(
        self, ctx: ActionContext, *, text: str, visibility: NoteVisibility = NoteVisibility.INTERNAL
    ) -> UUID:
        self._begin(ctx, Action.ADD_NOTE)
        text = required_text("text", text)
        note = Note(uuid4(), self.body_id, ctx.by.user_id, ctx.at, text, visibility)
        self.notes.append(note)
        event = NoteAdded(**self._meta(ctx), note_id=note.id, visibility=visibility)
        self._done(ctx, Action.ADD_NOTE, self.state, event, visibility=visibility.value)
        return note.id

    def notes_for(self, viewer_body_id: UUID) -> list[Note]:
        """This body sees all its notes; another body of the clue only the shared ones."""
        if viewer_body_id == self.body_id:
            return list(self.notes)
        return [n for n in self.notes if n.visibility is NoteVisibility.SHARED]

    def record_reporter_notice(self, ctx: ActionContext, *, notice: ReporterNotice) -> None:
        """The real-name reporter was told (through intake, which alone holds the identity)."""
        self._begin(ctx, Action.RECORD_REPORTER_NOTICE)
        kind = NOTICE_CLOCKS[notice]
        if not any(c.live and c.kind is kind for c in self.clocks):
            raise InvalidCommand("notice", f"no {notice.value} notice is owed now")
        self._stop(ctx.at, kind)
        self.notices_recorded.append(notice)
        event = ReporterNoticeRecorded(**self._meta(ctx), notice=notice)
        self._done(ctx, Action.RECORD_REPORTER_NOTICE, self.state, event, notice=notice.value)

    def _new_item(
        self, ctx: ActionContext, spec: RectificationSpec, *, field: str
    ) -> RectificationItem:
        description = required_text(f"{field}.description", spec.description)
        owner = required_text(f"{field}.owner", spec.owner, limit=200)
        if spec.due_on < china_day(ctx.at):
            raise InvalidCommand(f"{field}.due_on", "is in the past")
        return RectificationItem(uuid4(), description, owner, spec.due_on)
