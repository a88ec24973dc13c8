import base64
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from shared.secrets import random_token
from shared.settings import ServiceSettings, sqlite_url

SERVICE = "intake"

# Where earlier versions kept the generated seal key; read once so old referrals still unseal.
LEGACY_SEAL_KEY_FILE = Path("var/intake-seal.key")


def local_seal_keys() -> str:
    if LEGACY_SEAL_KEY_FILE.is_file():
        return LEGACY_SEAL_KEY_FILE.read_text().strip()
    return "local1:" + base64.b64encode(secrets.token_bytes(32)).decode()


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore", populate_by_name=True)
    SECRETS: ClassVar[dict[str, Callable[[], str]]] = {
        "seal_keys": local_seal_keys,
        "id_hash_pepper": random_token,
        "request_hash_key": random_token,
    }

    database_url: str = sqlite_url("intake")
    host: str = "127.0.0.1"
    port: int = 8001
    workers: int = 1
    # GET /metrics of the API (its uvicorn workers merged) and of the worker: ports of their
    # own, never the API's, so that only Prometheus reaches them (0: not served).
    metrics_port: int = 9001
    worker_metrics_port: int = 9101
    # Secrets (ServiceSettings resolves them: the environment, else a local generated one).
    # "kid:base64key[,kid:base64key...]"; the first seals, all unseal.
    seal_keys: SecretStr
    # Keyed hash for subject ID numbers, shared with nobody: routing links clues by this hash.
    id_hash_pepper: SecretStr
    # Key of the HMAC that fingerprints a request body for idempotency; a copy of the database
    # alone cannot test guesses of a sealed reporter against it.
    request_hash_key: SecretStr
    # Idempotency keys replay for this long after acceptance; later the key is a new request.
    idempotency_window_hours: int = 24
    # How often this process releases expired keys (0: never; requests release them anyway).
    idempotency_prune_seconds: float = 3600.0
    # Attachment content: a local store addressed by SHA-256, the types accepted, the size cap.
    attachment_dir: str = "var/attachments"
    attachment_max_bytes: int = 25 * 1024 * 1024
    attachment_media_types: tuple[str, ...] = (
        "application/pdf",
        "image/jpeg",
        "image/png",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "text/plain",
        "application/zip",
    )
    # Webhooks: the delivery worker runs in this process; callbacks to loopback, private or
    # link-local addresses are refused unless the deployment explicitly allows them.
    run_webhooks: bool = True
    webhook_allow_private: bool = False
    webhook_max_attempts: int = 8
    webhook_timeout_seconds: float = 10.0
    webhook_backoff_base_seconds: float = 30.0
    webhook_backoff_max_seconds: float = 3600.0
    webhook_poll_seconds: float = 1.0
    webhook_max_per_agency: int = 10
    max_body_bytes: int = 256 * 1024
    # Agency credentials: how long a worker trusts a verified key before asking the database
    # again; this bounds how late another process notices a revoked key or a disabled agency.
    key_cache_ttl_seconds: float = 5.0
    # Signed requests: accepted timestamp skew, and how long a signature is remembered.
    signature_window_seconds: int = 300
    # Token bucket per agency and worker process.
    rate_limit_per_second: float = 20.0
    rate_limit_burst: int = 100
