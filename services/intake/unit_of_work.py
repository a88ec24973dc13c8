from typing import Self

from services.intake import orm
from services.intake.repository import Repository
from shared.runtime import Runtime
from shared.uow import UnitOfWork

SOURCE = "/guantong/intake"


class IntakeUnitOfWork(UnitOfWork):
    referrals: Repository

    def __init__(self, runtime: Runtime) -> None:
        super().__init__(runtime.sessions, orm.outbox, source=SOURCE, on_commit=runtime.relay.wake)

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.referrals = Repository(self.session)
        return self
