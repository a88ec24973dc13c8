"""With its database unreachable intake answers 503 problem+json and leaves nothing behind."""

import uuid

from shared.broker import free_port
from tests.intake.builders import intake_app, referral
from tests.support.http import serve


class TestDatabaseDown:
    async def test_a_referral_gets_503_with_retry_after(self) -> None:
        unreachable = f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/nothing"
        async with serve(intake_app(unreachable)) as client:
            answer = await client.post(
                "/v1/referrals",
                json=referral(),
                headers={
                    "Authorization": "Bearer gt_0123456789ab_" + "x" * 43,
                    "Idempotency-Key": str(uuid.uuid4()),
                },
            )
            ready = await client.get("/readyz")
        assert answer.status_code == 503, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.headers["retry-after"]
        assert "asyncpg" not in answer.text and "Traceback" not in answer.text
        assert ready.status_code == 503
        assert ready.json()["checks"]["database"] is False
