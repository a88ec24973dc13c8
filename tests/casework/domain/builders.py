"""Assignments in any state, actors and contexts, and one valid call of every action."""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from uuid import UUID, uuid4

from services.casework.domain import (
    Action,
    ActionContext,
    Actor,
    Approval,
    Assignment,
    AssignmentState,
    ClockKind,
    ClueFacts,
    Disposition,
    NoteVisibility,
    RectificationSpec,
    ReporterNotice,
    RoutingDecision,
    Timekeeper,
    assign,
)
from shared.codes import Outcome
from shared.workdays import CHINA, shipped_calendar
from tests.workdays.builders import year_2027

S = AssignmentState
# Monday 21 September 2026, the week before Mid-autumn and National Day.
NOW = datetime(2026, 9, 21, 10, tzinfo=CHINA)
KEEPER = Timekeeper(shipped_calendar())
KEEPER_2027 = Timekeeper(shipped_calendar().with_years([year_2027()]))
BODY = UUID("3c9d6b1e-8f2a-4e7d-b5c1-0a9e8d7f6c54")
OTHER_BODY = UUID("9e2c4b7a-1d3f-4c8e-a6b5-7f0d2e1c3b49")
CASEWORKER = Actor("caseworker-1", BODY, frozenset({"caseworker"}))
SUPERVISOR = Actor("supervisor-1", BODY, frozenset({"caseworker", "supervisor"}))
APPROVED = Approval(SUPERVISOR)


def facts(*, assigned_down: bool = True, reporter_real_name: bool = True) -> ClueFacts:
    return ClueFacts(
        "GT-1",
        "integrity",
        "audit",
        "专项资金使用异常",
        "110105",
        assigned_down=assigned_down,
        reporter_real_name=reporter_real_name,
    )


def ctx(
    at: datetime = NOW, *, by: Actor = CASEWORKER, keeper: Timekeeper = KEEPER
) -> ActionContext:
    return ActionContext(by, at, keeper)


def new(
    *, at: datetime = NOW, keeper: Timekeeper = KEEPER, co: list[UUID] | None = None, **kw: bool
) -> Assignment:
    decision = RoutingDecision(uuid4(), uuid4(), BODY, co or [], facts(**kw))
    return assign(decision, now=at, timekeeper=keeper)[0]


def spec(days: int = 30, at: datetime = NOW) -> RectificationSpec:
    return RectificationSpec("整改专项资金管理", "某区财政局", at.date() + timedelta(days=days))


def first_open_letter(a: Assignment) -> UUID:
    return next((x.id for x in a.letters if x.reply_at is None), uuid4())


def first_open_item(a: Assignment) -> UUID:
    return next((i.id for i in a.rectification_items if i.completed_at is None), uuid4())


def live_notice(a: Assignment) -> ReporterNotice:
    live = {c.kind for c in a.clocks if c.live}
    if ClockKind.REPORTER_RESULT_NOTICE in live:
        return ReporterNotice.RESULT
    return ReporterNotice.ACCEPTANCE


def extendable_clock(a: Assignment) -> str:
    fresh = [c.key for c in a.running_clocks() if not c.extensions]
    return fresh[0] if fresh else "none"


def outcome_for(a: Assignment) -> Outcome:
    return Outcome.FORM_2 if a.state is S.UNDER_REVIEW else Outcome.FORM_1


Call = Callable[[Assignment, ActionContext], object]
Perform = Callable[[Assignment, ActionContext, Approval | None], object]

# One valid call of each action, for whatever the assignment holds; `p` is the approval given.
PERFORMERS: dict[Action, Perform] = {
    Action.ACCEPT: lambda a, c, p: a.accept(c),
    Action.RETURN: lambda a, c, p: a.return_assignment(c, reason="不属于本机关管辖"),
    Action.DISPOSE: lambda a, c, p: a.dispose(
        c, disposition=Disposition.INQUIRY, plan="函询本人", approval=p
    ),
    Action.SEND_INQUIRY_LETTER: lambda a, c, p: a.send_inquiry_letter(c, recipient="张三"),
    Action.RECORD_INQUIRY_REPLY: lambda a, c, p: a.record_inquiry_reply(
        c, letter_id=first_open_letter(a), summary="本人作出说明"
    ),
    Action.CLOSE_CLARIFIED: lambda a, c, p: a.close_clarified(
        c, reason="说明属实，予以澄清", approval=p
    ),
    Action.ESCALATE_TO_VERIFICATION: lambda a, c, p: a.escalate_to_verification(
        c, plan="说明不实，初步核实", approval=p
    ),
    Action.RECORD_VERIFICATION_RESULT: lambda a, c, p: a.record_verification_result(
        c, findings="查实部分问题"
    ),
    Action.CLOSE_NO_ACTION: lambda a, c, p: a.close_no_action(c, reason="反映问题不实", approval=p),
    Action.FILE_CASE: lambda a, c, p: a.file_case(c, basis="涉嫌违纪", approval=p),
    Action.SUBMIT_FOR_REVIEW: lambda a, c, p: a.submit_for_review(c),
    Action.CONCLUDE: lambda a, c, p: a.conclude(
        c, outcome=outcome_for(a), summary_for_release="已作出处理", approval=p
    ),
    Action.START_RECTIFICATION: lambda a, c, p: a.start_rectification(c, items=[spec(at=c.at)]),
    Action.ADD_RECTIFICATION_ITEM: lambda a, c, p: a.add_rectification_item(c, item=spec(at=c.at)),
    Action.COMPLETE_RECTIFICATION_ITEM: lambda a, c, p: a.complete_rectification_item(
        c, item_id=first_open_item(a), report="已整改"
    ),
    Action.CLOSE: lambda a, c, p: a.close(c),
    Action.HAND_OFF: lambda a, c, p: a.hand_off(
        c, target_body_id=OTHER_BODY, reason="属于其他机关管辖", approval=p
    ),
    Action.SPLIT: lambda a, c, p: a.split(
        c,
        target_body_id=OTHER_BODY,
        transferred_part="职务犯罪部分",
        kept_part="违纪部分",
        reason="部分属于其他机关管辖",
        approval=p,
    ),
    Action.REACTIVATE: lambda a, c, p: a.reactivate(c, new_clue_id=uuid4()),
    Action.ADD_NOTE: lambda a, c, p: a.add_note(
        c, text="内部研判", visibility=NoteVisibility.SHARED
    ),
    Action.EXTEND_CLOCK: lambda a, c, p: a.extend_clock(
        c, clock=extendable_clock(a), reason="情况复杂", approval=p
    ),
    Action.RECORD_REPORTER_NOTICE: lambda a, c, p: a.record_reporter_notice(
        c, notice=live_notice(a)
    ),
}


def perform(
    action: Action, a: Assignment, c: ActionContext, approval: Approval | None = APPROVED
) -> object:
    return PERFORMERS[action](a, c, approval)


def step(action: Action) -> Call:
    return lambda a, c: perform(action, a, c)


# PERFORM[action](assignment, ctx): the call with a valid approval.
PERFORM: dict[Action, Call] = {action: step(action) for action in Action}


def dispose(to: Disposition) -> Call:
    return lambda a, c: a.dispose(c, disposition=to, plan="处置意见", approval=APPROVED)


# The shortest way from `assigned` to each state, with what that state's actions need at hand
# (a letter awaiting its reply, a recorded finding, an open rectification item).
PATHS: dict[AssignmentState, list[Call]] = {
    S.ASSIGNED: [],
    S.ACCEPTED: [PERFORM[Action.ACCEPT]],
    S.RETURNED: [PERFORM[Action.RETURN]],
    S.HANDED_OFF: [PERFORM[Action.HAND_OFF]],
    S.INQUIRY: [
        PERFORM[Action.ACCEPT],
        dispose(Disposition.INQUIRY),
        PERFORM[Action.SEND_INQUIRY_LETTER],
    ],
    S.PRELIMINARY_VERIFICATION: [
        PERFORM[Action.ACCEPT],
        dispose(Disposition.PRELIMINARY_VERIFICATION),
        PERFORM[Action.RECORD_VERIFICATION_RESULT],
    ],
    S.SHELVED: [PERFORM[Action.ACCEPT], dispose(Disposition.SHELVED)],
    S.CLOSED_NO_ACTION: [PERFORM[Action.ACCEPT], dispose(Disposition.CLOSED_NO_ACTION)],
}
PATHS[S.CLARIFIED_CLOSED] = [*PATHS[S.INQUIRY], PERFORM[Action.CLOSE_CLARIFIED]]
PATHS[S.CASE_FILED] = [*PATHS[S.PRELIMINARY_VERIFICATION], PERFORM[Action.FILE_CASE]]
PATHS[S.UNDER_REVIEW] = [*PATHS[S.CASE_FILED], PERFORM[Action.SUBMIT_FOR_REVIEW]]
PATHS[S.CONCLUDED] = [*PATHS[S.UNDER_REVIEW], PERFORM[Action.CONCLUDE]]
PATHS[S.RECTIFICATION] = [*PATHS[S.CONCLUDED], PERFORM[Action.START_RECTIFICATION]]
PATHS[S.CLOSED] = [*PATHS[S.CONCLUDED], PERFORM[Action.CLOSE]]


def reach(state: AssignmentState, *, at: datetime = NOW, **kw: bool) -> Assignment:
    a = new(at=at, **kw)
    for step in PATHS[state]:
        step(a, ctx(at))
    assert a.state is state
    a.collect_events()
    return a


def day(iso: str) -> date:
    return date.fromisoformat(iso)
