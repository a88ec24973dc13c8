"""Casework's one error hierarchy (services/casework/domain/errors.py) as problem+json, mapped
once in app.py; and the two preconditions of a write, which are the HTTP layer's own.

Bodies never carry a detail that could echo another body's data: a 404 says nothing; a 409
names the action, the state and the actions allowed in it; a 422 the field and what is wrong
with it; a 403 the action and why the approval does not count; a 412 the current ETag.
"""

from collections.abc import Mapping
from typing import Any

from services.casework.domain import (
    ApprovalRequired,
    AssignmentNotFound,
    CaseworkError,
    IllegalTransition,
    InvalidCommand,
    StaleVersion,
)
from shared.problems import Conflict, Forbidden, NotFound, Problem, Unprocessable


class PreconditionFailed(Problem):
    status, slug, title = 412, "precondition-failed", "The assignment has changed"


class PreconditionRequired(Problem):
    status, slug, title = 428, "precondition-required", "If-Match is required"


class InvalidAction(Unprocessable):
    slug, title = "invalid-action", "The action is not valid for this assignment"


PROBLEMS: dict[type[CaseworkError], type[Problem]] = {
    AssignmentNotFound: NotFound,
    IllegalTransition: Conflict,
    InvalidCommand: InvalidAction,
    ApprovalRequired: Forbidden,
    StaleVersion: PreconditionFailed,
}


def etag(version: int) -> str:
    return f'"v{version}"'


def extensions(exc: CaseworkError) -> Mapping[str, Any]:
    if isinstance(exc, IllegalTransition):
        return {"action": exc.action, "state": exc.state, "allowed": list(exc.allowed)}
    if isinstance(exc, InvalidCommand):
        return {"errors": [{"field": exc.field, "message": exc.message}]}
    if isinstance(exc, ApprovalRequired):
        return {"action": exc.action, "reason": exc.reason}
    if isinstance(exc, StaleVersion):
        return {"current_etag": etag(exc.current)}
    return {}
