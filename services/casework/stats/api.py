"""Statistics of the caller's body, or of the bodies under a case-management office."""

from fastapi import APIRouter

from services.casework.deps import CurrentStatsReader, StatsUowDep
from services.casework.stats.handlers import stats
from services.casework.stats.schemas import StatsView
from shared.clock import utcnow

router = APIRouter(prefix="/v1/stats", tags=["stats"])


@router.get("", summary="Counts by state, disposition, outcome form, channel, overdue, month")
async def statistics(reader: CurrentStatsReader, uow: StatsUowDep) -> StatsView:
    bodies = uow.scope.bodies or frozenset()
    return StatsView.of(await stats(uow, now=utcnow()), bodies)
