"""Actions after the conclusion, and those of any open state: handoffs, notes, clocks."""

from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.casework.assignments import commands as c
from services.casework.assignments.requests.base import (
    ActionBody,
    ClockKey,
    Name,
    Part,
    Prose,
    Reason,
    example,
)
from services.casework.domain import NoteVisibility, ReporterNotice
from shared.timestamps import Day


class ItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: Prose
    owner: Name
    due_on: Day

    def spec(self) -> c.ItemSpec:
        return c.ItemSpec(description=self.description, owner=self.owner, due_on=self.due_on)


class StartRectificationAction(ActionBody):
    model_config = example(
        action="start_rectification",
        items=[
            {"description": "完善专项资金管理制度", "owner": "某区财政局", "due_on": "2027-01-29"}
        ],
    )
    action: Literal["start_rectification"]
    items: Annotated[list[ItemIn], Field(min_length=1, max_length=100)]

    def step(self) -> c.Step:
        return c.StartRectification(items=tuple(i.spec() for i in self.items))


class AddRectificationItemAction(ActionBody):
    model_config = example(
        action="add_rectification_item",
        item={"description": "追回违规资金", "owner": "某区财政局", "due_on": "2027-01-29"},
    )
    action: Literal["add_rectification_item"]
    item: ItemIn

    def step(self) -> c.Step:
        return c.AddRectificationItem(item=self.item.spec())


class CompleteRectificationItemAction(ActionBody):
    model_config = example(
        action="complete_rectification_item",
        item_id="0b6f8a52-3f0e-4c43-a1de-6f6a4f0c9d21",
        report="制度已印发",
    )
    action: Literal["complete_rectification_item"]
    item_id: UUID
    report: Prose

    def step(self) -> c.Step:
        return c.CompleteRectificationItem(item_id=self.item_id, report=self.report)


class CloseAction(ActionBody):
    model_config = example(action="close")
    action: Literal["close"]

    def step(self) -> c.Step:
        return c.Close()


class HandOffAction(ActionBody):
    """移送 to a body of this system (`target_body_id`) or outside it (`target_name`)."""

    model_config = example(
        action="hand_off",
        target_body_id="9e2c4b7a-1d3f-4c8e-a6b5-7f0d2e1c3b49",
        reason="被反映人系市管干部，属市纪委监委管辖",
    )
    action: Literal["hand_off"]
    target_body_id: UUID | None = None
    target_name: Name | None = None
    reason: Reason

    def step(self) -> c.Step:
        return c.HandOff(
            target_body_id=self.target_body_id, target_name=self.target_name, reason=self.reason
        )


class SplitAction(ActionBody):
    """Reg Art 171(3): the part within jurisdiction kept, the rest transferred."""

    model_config = example(
        action="split",
        target_body_id="9e2c4b7a-1d3f-4c8e-a6b5-7f0d2e1c3b49",
        kept_part="违反廉洁纪律部分",
        transferred_part="涉嫌职务犯罪部分",
        reason="部分问题属于其他机关管辖",
    )
    action: Literal["split"]
    target_body_id: UUID | None = None
    target_name: Name | None = None
    kept_part: Part
    transferred_part: Part
    reason: Reason

    def step(self) -> c.Step:
        return c.Split(
            target_body_id=self.target_body_id,
            target_name=self.target_name,
            transferred_part=self.transferred_part,
            kept_part=self.kept_part,
            reason=self.reason,
        )


class AddNoteAction(ActionBody):
    """`shared`: read by the lead and every co-body of the clue; `internal`: this body only."""

    model_config = example(action="add_note", text="已与审计局沟通核实方案", visibility="shared")
    action: Literal["add_note"]
    text: Prose
    visibility: NoteVisibility = NoteVisibility.INTERNAL

    def step(self) -> c.Step:
        return c.AddNote(text=self.text, visibility=self.visibility)


class ExtendClockAction(ActionBody):
    model_config = example(action="extend_clock", clock="assigned_down", reason="案情复杂")
    action: Literal["extend_clock"]
    clock: ClockKey
    reason: Reason

    def step(self) -> c.Step:
        return c.ExtendClock(clock=self.clock, reason=self.reason)


class RecordReporterNoticeAction(ActionBody):
    """The real-name reporter was told (through intake, which alone knows who they are)."""

    model_config = example(action="record_reporter_notice", notice="acceptance")
    action: Literal["record_reporter_notice"]
    notice: ReporterNotice

    def step(self) -> c.Step:
        return c.RecordReporterNotice(notice=self.notice)
