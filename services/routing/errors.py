"""The one domain error hierarchy of routing, and PROBLEMS: how each reads as problem+json,
installed once in app.py."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from shared.problems import Conflict, NotFound, Unprocessable
from shared.problems import Problem as ProblemJson


class RoutingError(Exception):
    """What routing refuses. Messages name ids and fields, never a subject's data."""


class UnknownBody(RoutingError):
    pass


class UnknownClue(RoutingError):
    """Absent, or outside the officer's commission: both read as 404."""


class UnknownReconciliation(RoutingError):
    """No such reconciliation run."""


class UnknownRuleSet(RoutingError):
    pass


class RuleSetConflict(RoutingError):
    """The version exists with another text: a version names one text for ever."""


class DecisionConflict(RoutingError):
    """Someone else decided about the clue meanwhile; read it again and decide on that."""


class PlacementRefused(RoutingError):
    """A hand-made decision names a body that cannot take the clue."""


class BadCursor(RoutingError):
    pass


class BadDocument(RoutingError):
    """The request body is not a document this API reads (encoding, media type, shape)."""


class DocumentTooLarge(RoutingError):
    pass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a document; line and column are 1-based, as editors count."""

    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f" ({self.path})" if self.path else ""
        return f"line {self.line}, column {self.column}{where}: {self.message}"


class DocumentInvalid(RoutingError):
    """A rule set or registry file refused, with every problem and where it is."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(sorted(problems, key=lambda p: (p.line, p.column, p.message)))
        super().__init__("; ".join(str(p) for p in self.problems))


class _TooLarge(ProblemJson):
    status, slug, title = 413, "body-too-large", "Request body too large"


def _document_refused(exc: DocumentInvalid) -> ProblemJson:
    # The line and column of each problem, so an editor can jump to it.
    errors = [
        {"line": p.line, "column": p.column, "path": p.path, "message": p.message}
        for p in exc.problems[:100]
    ]
    detail = str(exc)[:2000]
    return ProblemJson(
        detail, status=422, slug="document-invalid", title="Document refused", errors=errors
    )


# Typed loosely: a function takes its own error type, which a dict's value type cannot say.
PROBLEMS: dict[type[RoutingError], type[ProblemJson] | Callable[[Any], ProblemJson]] = {
    UnknownBody: NotFound,
    UnknownClue: NotFound,
    UnknownReconciliation: NotFound,
    UnknownRuleSet: NotFound,
    RuleSetConflict: Conflict,
    DecisionConflict: Conflict,
    PlacementRefused: Unprocessable,
    BadCursor: Unprocessable,
    BadDocument: Unprocessable,
    DocumentTooLarge: _TooLarge,
    DocumentInvalid: _document_refused,
}
