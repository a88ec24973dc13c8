"""A service as a real uvicorn process on a free port, API only (no relay, consumers, webhooks)."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from shared.broker import free_port

REPO = Path(__file__).resolve().parents[2]


@contextmanager
def api_process(service: str, database_url: str, log: Path, **env: str) -> Iterator[str]:
    port = free_port()
    prefix = service.upper()
    values = {
        **os.environ,
        f"{prefix}_PORT": str(port),
        f"{prefix}_DATABASE_URL": database_url,
        f"{prefix}_RUN_RELAY": "false",
        f"{prefix}_RUN_CONSUMERS": "false",
        "INTAKE_RUN_WEBHOOKS": "false",
        "INTAKE_IDEMPOTENCY_PRUNE_SECONDS": "0",
        **env,
    }
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", f"services.{service}"],
            cwd=REPO,
            env=values,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(15)


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"exited {process.returncode}: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2, trust_env=False).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"not healthy within 60 s: {log.read_text()[-2000:]}")
