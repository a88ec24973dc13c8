"""Linked clues: the same subject reported by other agencies, within the officer's scope."""

from uuid import UUID

from fastapi import APIRouter

from services.routing.decisions.queries import GetClue
from services.routing.deps import OfficeScopeDep, UowDep
from services.routing.links.handlers import related_clues
from services.routing.links.schemas import RelatedList

router = APIRouter(prefix="/v1", tags=["case management"])


@router.get("/clues/{clue_id}/related", summary="Clues about the same subject, newest first")
async def related(clue_id: UUID, scope: OfficeScopeDep, uow: UowDep) -> RelatedList:
    return RelatedList.of(await related_clues(uow, GetClue(clue_id=clue_id, scope=scope)))
