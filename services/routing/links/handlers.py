"""Reading the clues linked to one: those in the officer's scope shown, the others counted."""

from dataclasses import dataclass

from services.routing.decisions.domain import RoutedClue
from services.routing.decisions.queries import GetClue
from services.routing.errors import UnknownClue
from services.routing.links.domain import Related, related
from services.routing.unit_of_work import RoutingUnitOfWork


@dataclass(frozen=True)
class RelatedClue:
    clue: RoutedClue
    link: Related


@dataclass(frozen=True)
class RelatedClues:
    clue: RoutedClue
    shown: list[RelatedClue]
    outside_scope: int  # linked clues of other commissions: counted, never shown
    repeat_of_concluded: bool  # some linked clue, shown or not, has concluded


async def related_clues(uow: RoutingUnitOfWork, query: GetClue) -> RelatedClues:
    async with uow:
        clue = await uow.clues.get(query.clue_id)
        if clue is None or not query.scope.covers(clue):
            query.scope.refused(query.clue_id)
            raise UnknownClue(f"no clue {query.clue_id}")
        keys = await uow.links.keys_of(clue.clue_id)
        found = related(await uow.links.matches(keys, besides=clue.clue_id))
        others = {c.clue_id: c for c in await uow.clues.many([r.clue_id for r in found])}
    shown = [
        RelatedClue(others[r.clue_id], r)
        for r in found
        if r.clue_id in others and query.scope.covers(others[r.clue_id])
    ]
    return RelatedClues(clue, shown, len(found) - len(shown), any(r.concluded for r in found))
