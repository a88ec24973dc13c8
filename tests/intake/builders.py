"""Builders for intake tests: a migrated database, an app on it, agencies with keys."""

import copy
import uuid
from typing import Any

from services.intake.agencies import ensure_agency, issue_key
from services.intake.app import create_app
from services.intake.consumer import on_clue_status
from services.intake.identifiers import uscc_with_check
from services.intake.settings import Settings
from shared.clock import utcnow
from shared.codes import ClueStatus
from shared.db import make_engine, make_session_factory
from shared.events.contracts import ClueStatusChanged

SEAL_KEYS = "test1:" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="

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


def intake_settings(url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": url,
        "run_relay": False,
        "run_consumers": False,
        "run_webhooks": False,
        "seal_keys": SEAL_KEYS,
    }
    values.update(overrides)
    return Settings(**values)


def intake_app(url: str, **overrides: Any) -> Any:
    return create_app(intake_settings(url, **overrides))


async def new_agency(url: str, name: str = "测试审计局") -> tuple[uuid.UUID, str]:
    """A fresh agency with one API key; returns (agency id, plaintext key)."""
    engine = make_engine(url)
    try:
        async with make_session_factory(engine)() as session, session.begin():
            serial = uuid.uuid4().int % 10**7
            code = uscc_with_check(f"11365000MC{serial:07d}")
            agency_id = await ensure_agency(session, credit_code=code, name=name, kind="audit")
            issued = await issue_key(session, agency_id)
        return agency_id, issued.api_key
    finally:
        await engine.dispose()


def auth(key: str, idempotency_key: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {key}"}
    if idempotency_key is not None:
        headers["Idempotency-Key"] = idempotency_key
    return headers


HANDLING_BODY = uuid.UUID("90d203d2-09aa-51f1-ada7-7388e91c87e2")


async def handled_by(url: str, referral_id: str, body_id: uuid.UUID = HANDLING_BODY) -> None:
    """Routing's report that a body handles the referral, applied as intake's consumer does."""
    event = ClueStatusChanged(
        clue_id=uuid.UUID(referral_id),
        status=ClueStatus.ROUTED,
        occurred_at=utcnow(),
        body_id=body_id,
        body_name="江州市纪委监委",
    )
    engine = make_engine(url)
    try:
        async with make_session_factory(engine)() as session, session.begin():
            await on_clue_status(session, event)
    finally:
        await engine.dispose()
