"""The lifecycle through the API: one valid body per action, and the way to reach each state."""

from collections.abc import Callable
from typing import Any
from uuid import uuid4

from tests.casework.builders import Desk

View = dict[str, Any]
# (action, body for it given the current view, whether a supervisor acts)
Step = tuple[str, Callable[[View], dict[str, Any]], bool]
OTHER_BODY = "9e2c4b7a-1d3f-4c8e-a6b5-7f0d2e1c3b49"
ITEM = {"description": "完善资金管理制度", "owner": "某区财政局", "due_on": "2099-01-29"}


def _open_letter(v: View) -> str:
    return next((x["id"] for x in v.get("letters", []) if x["reply_at"] is None), str(uuid4()))


def _open_item(v: View) -> str:
    items = v.get("rectification_items", [])
    return next((x["id"] for x in items if x["completed_at"] is None), str(uuid4()))


def _clock(v: View) -> str:
    fresh = [c["key"] for c in v.get("clocks", []) if c["running"] and not c["extensions"]]
    return fresh[0] if fresh else "sign_for"


# A body that passes request validation for every action: what is refused after it is the
# domain's to say (409, then 403, then 422).
BODIES: dict[str, Callable[[View], dict[str, Any]]] = {
    "accept": lambda v: {},
    "return": lambda v: {"reason": "不属于本机关管辖"},
    "dispose": lambda v: {"disposition": "inquiry", "plan": "函询本人"},
    "send_inquiry_letter": lambda v: {"recipient": "张三"},
    "record_inquiry_reply": lambda v: {"letter_id": _open_letter(v), "summary": "本人作出说明"},
    "close_clarified": lambda v: {"reason": "说明属实，予以澄清"},
    "escalate_to_verification": lambda v: {"plan": "说明不实，初步核实"},
    "record_verification_result": lambda v: {"findings": "查实部分问题"},
    "close_no_action": lambda v: {"reason": "反映问题不实"},
    "file_case": lambda v: {"basis": "涉嫌违纪"},
    "submit_for_review": lambda v: {},
    "conclude": lambda v: {
        "outcome": "form_2" if v["state"] == "under_review" else "form_1",
        "summary_for_release": "经审查，给予党内警告处分。",
    },
    "start_rectification": lambda v: {"items": [ITEM]},
    "add_rectification_item": lambda v: {"item": ITEM},
    "complete_rectification_item": lambda v: {"item_id": _open_item(v), "report": "已整改"},
    "close": lambda v: {},
    "hand_off": lambda v: {"target_body_id": OTHER_BODY, "reason": "属于其他机关管辖"},
    "split": lambda v: {
        "target_body_id": OTHER_BODY,
        "transferred_part": "职务犯罪部分",
        "kept_part": "违纪部分",
        "reason": "部分属于其他机关管辖",
    },
    "add_note": lambda v: {"text": "内部研判", "visibility": "internal"},
    "extend_clock": lambda v: {"clock": _clock(v), "reason": "情况复杂"},
    "record_reporter_notice": lambda v: {"notice": "acceptance"},
}
APPROVED = frozenset(
    {
        "dispose",
        "close_clarified",
        "escalate_to_verification",
        "close_no_action",
        "file_case",
        "conclude",
        "hand_off",
        "split",
        "extend_clock",
    }
)


def step(action: str, **body: Any) -> Step:
    return (action, lambda v: body or BODIES[action](v), action in APPROVED)


def dispose(to: str) -> Step:
    return step("dispose", disposition=to, plan="处置意见")


PATHS: dict[str, list[Step]] = {
    "assigned": [],
    "accepted": [step("accept")],
    "returned": [step("return")],
    "handed_off": [step("hand_off")],
    "inquiry": [step("accept"), step("dispose"), step("send_inquiry_letter")],
    "preliminary_verification": [
        step("accept"),
        dispose("preliminary_verification"),
        step("record_verification_result"),
    ],
    "shelved": [step("accept"), dispose("shelved")],
    "closed_no_action": [step("accept"), dispose("closed_no_action")],
}
PATHS["clarified_closed"] = [*PATHS["inquiry"], step("close_clarified")]
PATHS["case_filed"] = [*PATHS["preliminary_verification"], step("file_case")]
PATHS["under_review"] = [*PATHS["case_filed"], step("submit_for_review")]
PATHS["concluded"] = [*PATHS["under_review"], step("conclude")]
PATHS["rectification"] = [*PATHS["concluded"], step("start_rectification")]
PATHS["closed"] = [*PATHS["concluded"], step("close")]


async def walk(desk: Desk, view: View, steps: list[Step]) -> View:
    for action, body, approved in steps:
        view = await desk.do(view, action, as_supervisor=approved, **body(view))
    return view
