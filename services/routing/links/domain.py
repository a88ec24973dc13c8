"""Who a subject is, as far as linking goes: the keyed ID hash, else normalised name and unit.

Two subjects are the same person when both carry the ID hash and it is equal; when either lacks
it, when their normalised name and unit are equal. Two different ID hashes never link, however
alike the names: namesakes in one unit are two people.
"""

import hashlib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from services.routing.registry.model import normalise_unit_name
from shared import limits
from shared.events.contracts import LinkBasis, SubjectSnapshot


@dataclass(frozen=True)
class SubjectKey:
    position: int
    id_hash: str | None
    name_unit: str


@dataclass(frozen=True)
class Match:
    """A stored subject key of another clue that matched, and on what."""

    clue_id: UUID
    basis: LinkBasis
    concluded: bool
    received_at: datetime


@dataclass(frozen=True)
class Related:
    clue_id: UUID
    basis: LinkBasis
    concluded: bool


@dataclass(frozen=True)
class Linked:
    """Raised once a new clue is recorded and found to share a subject with earlier ones."""

    clue_id: UUID
    related: tuple[Related, ...]
    repeat_of_concluded: bool
    at: datetime


def name_unit_key(name: str, unit: str) -> str:
    person = "".join(unicodedata.normalize("NFKC", name).split()).casefold()
    return hashlib.sha256(f"{person}\x1f{normalise_unit_name(unit)}".encode()).hexdigest()


def keys_of(subjects: Sequence[SubjectSnapshot]) -> list[SubjectKey]:
    return [
        SubjectKey(i, s.id_number_hash or None, name_unit_key(s.name, s.unit))
        for i, s in enumerate(subjects)
    ]


def related(matches: Iterable[Match]) -> tuple[Related, ...]:
    """One entry per clue, on the strongest basis, newest first, as many as an event holds."""
    best: dict[UUID, Match] = {}
    for match in matches:
        known = best.get(match.clue_id)
        if known is None or (
            known.basis is LinkBasis.NAME_UNIT and match.basis is LinkBasis.ID_HASH
        ):
            best[match.clue_id] = match
    newest = sorted(best.values(), key=lambda m: (m.received_at, m.clue_id), reverse=True)
    return tuple(Related(m.clue_id, m.basis, m.concluded) for m in newest[: limits.RELATED_MAX])


def link(clue_id: UUID, matches: Iterable[Match], *, at: datetime) -> Linked | None:
    found = related(matches)
    if not found:
        return None
    return Linked(clue_id, found, any(r.concluded for r in found), at)
