"""Builders for intake tests: an app on a migrated database, agencies with keys, reports.

Each takes the database as a URL (committed work, another engine) or as the test's rolled-back
database (tests/support/rollback.py), whose transaction everything then joins.
"""

import asyncio
import copy
import os
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.intake.agencies.commands import SeedAgency
from services.intake.agencies.handlers import seed_agency
from services.intake.app import create_app
from services.intake.consumer import on_clue_status
from services.intake.settings import Settings
from services.intake.unit_of_work import IntakeUnitOfWork
from shared.clock import utcnow
from shared.codes import ClueStatus
from shared.credit_code import credit_code_with_check
from shared.db import make_engine, make_session_factory
from shared.events.contracts import ClueStatusChanged
from tests.support.rollback import RolledBack

ROOT = Path(__file__).resolve().parents[2]
SEAL_KEYS = "test1:" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="
HANDLING_BODY = uuid.UUID("90d203d2-09aa-51f1-ada7-7388e91c87e2")
Database = str | RolledBack

VALID_REFERRAL: dict[str, Any] = {
    "subjects": [
        {
            "name": "张某",
            "id_number": "11010519491231002X",
            "unit": "江州市住房和城乡建设局",
            "position": "副局长",
            "rank": "county_division",
            "managing_level": "city",
            "party_member": True,
        }
    ],
    "category": "integrity",
    "topics": ["tendering"],
    "channel": "audit",
    "summary": "某安置房项目招投标中涉嫌收受投标人好处",
    "facts": "审计发现评标过程异常。",
    "amount": "1200000.00",
    "region": "365000",
}


def referral(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(VALID_REFERRAL)
    body.update(changes)
    return body


def url_of(db: Database) -> str:
    return db if isinstance(db, str) else db.url


def intake_settings(db: Database, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": url_of(db),
        "run_relay": False,
        "run_consumers": False,
        "run_webhooks": False,
        "seal_keys": SEAL_KEYS,
    }
    values.update(overrides)
    return Settings(**values)


def intake_app(db: Database, **overrides: Any) -> Any:
    settings = intake_settings(db, **overrides)
    if isinstance(db, str):
        return create_app(settings)
    return create_app(settings, runtime=db.runtime)


@asynccontextmanager
async def sessions_of(db: Database) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    if not isinstance(db, str):
        yield db.sessions
        return
    engine = make_engine(db)
    try:
        yield make_session_factory(engine)
    finally:
        await engine.dispose()


async def intake_command(db: Database, *argv: str, **env: str) -> tuple[int, str, str]:
    """`python -m services.intake <argv>` in its own process, as an operator runs it on the
    server: (exit code, stdout, stderr)."""
    environment = dict(os.environ, INTAKE_DATABASE_URL=url_of(db), INTAKE_SEAL_KEYS=SEAL_KEYS)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.intake",
        *argv,
        cwd=ROOT,
        env={**environment, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def uow_on(sessions: async_sessionmaker[AsyncSession]) -> IntakeUnitOfWork:
    return IntakeUnitOfWork(sessions)


async def new_agency(db: Database, name: str = "测试审计局") -> tuple[uuid.UUID, str]:
    """A fresh agency with one API key; returns (agency id, plaintext key)."""
    code = credit_code_with_check(f"11365000MC{uuid.uuid4().int % 10**7:07d}")
    seed = SeedAgency(credit_code=code, name=name, kind="audit_bureau")
    async with sessions_of(db) as sessions:
        issued = await seed_agency(uow_on(sessions), seed)
    return issued.agency_id, issued.api_key


def auth(key: str, idempotency_key: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {key}"}
    if idempotency_key is not None:
        headers["Idempotency-Key"] = idempotency_key
    return headers


async def apply_status(db: Database, event: ClueStatusChanged) -> None:
    """A report applied as intake's clue.status consumer does: its handler in a transaction
    the caller owns (here this builder, there the consumer loop)."""
    async with sessions_of(db) as sessions, sessions() as session, session.begin():
        await on_clue_status(session, event)


async def handled_by(db: Database, referral_id: str, body_id: uuid.UUID = HANDLING_BODY) -> None:
    """Routing's report that a body handles the referral."""
    event = ClueStatusChanged(
        clue_id=uuid.UUID(referral_id),
        status=ClueStatus.ROUTED,
        occurred_at=utcnow(),
        body_id=body_id,
        body_name="江州市纪委监委",
    )
    await apply_status(db, event)
