"""What intake writes under var/ is its owner's alone: the database with its WAL and
shared-memory files, the logs; the folder 0700. A real process, as a deployment runs it."""

import asyncio
import os
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import httpx

from tests.intake.builders import auth, new_agency, referral
from tests.security.processes import REPO, api_process


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_the_database_wal_and_shm_are_0600(tmp_path: Path) -> None:
    var = tmp_path / "var"
    url = f"sqlite+aiosqlite:///{var / 'intake.db'}"
    migrated = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "services.intake", "migrate"],
        cwd=REPO,
        env={**os.environ, "INTAKE_DATABASE_URL": url},
        capture_output=True,
        timeout=120,
    )
    assert migrated.returncode == 0, migrated.stderr
    _, key = await new_agency(url)
    with api_process("intake", url, tmp_path / "intake.log") as base:
        async with httpx.AsyncClient(base_url=base, trust_env=False) as client:
            created = await client.post(
                "/v1/referrals", json=referral(), headers=auth(key, str(uuid.uuid4()))
            )
        assert created.status_code == 201, created.text
        files = {p.name: mode(p) for p in var.iterdir()}
    assert mode(var) == 0o700
    assert {"intake.db", "intake.db-wal", "intake.db-shm"} <= set(files), files
    assert set(files.values()) == {0o600}, files


def test_make_run_keeps_var_and_its_logs_private(tmp_path: Path) -> None:
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    script = (
        "import sys; from pathlib import Path; from deploy.run import private_var; "
        "folder = Path(sys.argv[1]); private_var(folder); "
        "(folder / 'intake.log').open('ab').close()"
    )
    done = subprocess.run([sys.executable, "-c", script, str(var)], cwd=REPO, timeout=60)
    assert done.returncode == 0
    assert (mode(var), mode(var / "intake.log")) == (0o700, 0o600)
