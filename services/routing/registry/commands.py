"""What the registry is asked for: a load of a registry document, and lists of its entries."""

from dataclasses import dataclass
from uuid import UUID

from shared.codes import BodyKind, Level


@dataclass(frozen=True, kw_only=True)
class LoadRegistry:
    """A registry document (YAML); each section it has is that section's whole new state."""

    source: str
    actor: str
    dry_run: bool = False


@dataclass(frozen=True, kw_only=True)
class ListBodies:
    kind: BodyKind | None = None
    level: Level | None = None
    region: str | None = None


@dataclass(frozen=True, kw_only=True)
class GetBody:
    body_id: UUID
