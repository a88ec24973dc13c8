"""What intake tells an agency about each status, in its own words.

Routing and casework report statuses with notes written for officers (rule reasons naming body
codes, counts of co-bodies); none of that text reaches an agency. Each status is rendered from
this table instead: the code (English, stable for programs) and a sentence in Chinese.
"""

from shared.codes import ClueStatus

STATUS_NOTES: dict[ClueStatus, str] = {
    ClueStatus.RECEIVED: "线索已接收，等待分办",
    ClueStatus.PENDING_REVIEW: "线索正在人工审核分办",
    ClueStatus.ROUTED: "已确定承办机关",
    ClueStatus.ASSIGNED: "线索已交承办机关",
    ClueStatus.ACCEPTED: "承办机关已签收",
    ClueStatus.IN_DISPOSITION: "承办机关正在处置",
    ClueStatus.TRANSFERRED: "线索已移送其他机关办理",
    ClueStatus.CONCLUDED: "线索已办结",
    ClueStatus.RETURNED_TO_SENDER: "经审核无具有管辖权的机关，线索已退回",
}


def status_note(status: str) -> str:
    return STATUS_NOTES[ClueStatus(status)]
