"""Casework's one domain error hierarchy; the API maps each class to one problem+json kind."""

from collections.abc import Iterable


class CaseworkError(Exception):
    """Root of this service's domain errors; the API maps them to problem+json once."""


class AssignmentNotFound(CaseworkError):
    """Also raised for another body's assignment: its existence is not disclosed (404)."""


class IllegalTransition(CaseworkError):
    """The action is not allowed in the current state (409); `allowed` lists what is."""

    def __init__(self, action: str, state: str, allowed: Iterable[str]) -> None:
        self.action = action
        self.state = state
        self.allowed = tuple(sorted(allowed))
        super().__init__(f"{action} is not allowed in state {state}; allowed: {list(self.allowed)}")


class InvalidCommand(CaseworkError):
    """A field is missing or invalid for this assignment as it stands (422)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class ApprovalRequired(CaseworkError):
    """The action needs a supervisor's approval of this body and has none (403)."""

    def __init__(self, action: str, reason: str) -> None:
        self.action = action
        self.reason = reason
        super().__init__(f"{action} needs a supervisor's approval: {reason}")


class StaleVersion(CaseworkError):
    """The caller acted on a version that is no longer current (412): nothing was changed."""

    def __init__(self, expected: int, current: int) -> None:
        self.expected = expected
        self.current = current
        super().__init__(f"the assignment is at version {current}, not {expected}")
