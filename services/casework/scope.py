"""Whose rows a caller may see: the one place every casework query is narrowed to bodies.

Every repository builds its queries through `Scope.restrict`, so "another body's assignment is
a 404" holds by construction: a row outside the scope is never read, whatever the route.
"""

from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import ColumnElement, Select, Update, false

Q = TypeVar("Q", Select[Any], Update)


@dataclass(frozen=True)
class Scope:
    # None: casework itself (its consumers, scheduled jobs and command line), every body.
    bodies: frozenset[UUID] | None

    @classmethod
    def of(cls, *bodies: UUID) -> "Scope":
        return cls(frozenset(bodies))

    @classmethod
    def everything(cls) -> "Scope":
        return cls(None)

    def covers(self, body_id: UUID) -> bool:
        return self.bodies is None or body_id in self.bodies

    def condition(self, column: ColumnElement[Any]) -> ColumnElement[bool]:
        if self.bodies is None:
            raise ValueError("an unrestricted scope has no condition")
        return column.in_(sorted(self.bodies)) if self.bodies else false()

    def restrict(self, query: Q, column: ColumnElement[Any]) -> Q:
        if self.bodies is None:
            return query
        return query.where(self.condition(column))


SYSTEM = Scope.everything()
