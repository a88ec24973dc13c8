"""One clue under evaluation: its context, the registry, and what the rules have chosen so far."""

from dataclasses import dataclass, field
from uuid import UUID

from services.routing.registry import RegistrySnapshot, Unit
from services.routing.registry.bodies import Body
from services.routing.rules.context import ClueContext, SubjectContext
from shared.codes import Rank


@dataclass(frozen=True)
class SubjectView:
    """A subject with its unit looked up once, for every condition and resolver that asks."""

    index: int  # position in the clue, so a split can say which subjects went back
    subject: SubjectContext
    unit: Unit | None

    @property
    def public_official(self) -> bool:
        """监察对象 as far as we can tell: party member, ranked, or staff of a registered unit."""
        s = self.subject
        return s.party_member or s.rank != Rank.OTHER or self.unit is not None


@dataclass
class Scope:
    clue: ClueContext
    registry: RegistrySnapshot
    subjects: tuple[SubjectView, ...]
    lead: Body | None = None
    co_bodies: dict[UUID, Body] = field(default_factory=dict)

    @classmethod
    def start(cls, clue: ClueContext, registry: RegistrySnapshot) -> "Scope":
        views = tuple(
            SubjectView(i, s, registry.unit_for(credit_code=s.unit_credit_code, name=s.unit))
            for i, s in enumerate(clue.subjects)
        )
        return cls(clue, registry, views)

    @property
    def first(self) -> SubjectView | None:
        return self.subjects[0] if self.subjects else None

    def usable(self, body: Body) -> bool:
        """Active, and not one of the bodies that returned this clue."""
        return body.active and body.id not in self.clue.excluded_body_ids

    def unusable_state(self, bodies: list[Body]) -> str:
        """Why none of these bodies can take the clue, in the office's words."""
        if any(b.id in self.clue.excluded_body_ids for b in bodies):
            return "已退回或移送本线索"
        return "已停用"
