"""Topic names: part of the contract between the services."""

CLUE_RECEIVED = "clue.received"
CLUE_ROUTED = "clue.routed"
ASSIGNMENT_ACCEPTED = "assignment.accepted"
ASSIGNMENT_RETURNED = "assignment.returned"
CASE_DISPOSED = "case.disposed"
CASE_HANDOFF_REQUESTED = "case.handoff_requested"
CASE_CONCLUDED = "case.concluded"
CLUE_STATUS = "clue.status"
CLUE_LINKED = "clue.linked"
ASSIGNMENT_OVERDUE = "assignment.overdue"
CASE_PROGRESSED = "case.progressed"

ALL = (
    CLUE_RECEIVED,
    CLUE_ROUTED,
    ASSIGNMENT_ACCEPTED,
    ASSIGNMENT_RETURNED,
    CASE_DISPOSED,
    CASE_HANDOFF_REQUESTED,
    CASE_CONCLUDED,
    CLUE_STATUS,
    CLUE_LINKED,
    ASSIGNMENT_OVERDUE,
    CASE_PROGRESSED,
)


def dead_letter(topic: str) -> str:
    return f"{topic}.dlq"


ALL_WITH_DEAD_LETTERS = ALL + tuple(dead_letter(t) for t in ALL)

# Who may publish on each topic: a consumer accepts a record only when it is signed by a key of
# one of these services (DESIGN.md, Security).
OWNERS: dict[str, frozenset[str]] = {
    CLUE_RECEIVED: frozenset({"intake"}),
    CLUE_ROUTED: frozenset({"routing"}),
    CLUE_STATUS: frozenset({"routing", "casework"}),
    ASSIGNMENT_ACCEPTED: frozenset({"casework"}),
    ASSIGNMENT_RETURNED: frozenset({"casework"}),
    CASE_DISPOSED: frozenset({"casework"}),
    CASE_HANDOFF_REQUESTED: frozenset({"casework"}),
    CASE_CONCLUDED: frozenset({"casework"}),
    CLUE_LINKED: frozenset({"routing"}),
    ASSIGNMENT_OVERDUE: frozenset({"casework"}),
    CASE_PROGRESSED: frozenset({"casework"}),
}


def source_of(service: str) -> str:
    """The CloudEvents `source` of everything a service publishes."""
    return f"/guantong/{service}"
