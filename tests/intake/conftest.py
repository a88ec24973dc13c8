import pytest

from tests.support.rollback import RollBack, RolledBack


@pytest.fixture
async def db(rolled_back: RollBack) -> RolledBack:
    """Intake's database inside this test's transaction, rolled back when the test ends."""
    return await rolled_back("intake")
