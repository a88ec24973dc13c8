"""The one domain error hierarchy of routing; app.py maps each kind to problem+json once."""

from collections.abc import Sequence
from dataclasses import dataclass


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
