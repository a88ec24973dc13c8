"""Where event signing keys come from: the environment in production, generated locally.

Production: `<SVC>_EVENT_SIGNING_KEYS="kid:base64-private[,...]"` (the first signs) and
`GUANTONG_EVENT_PUBLIC_KEYS="svc:kid:base64-public,..."` for every producer. With
`GUANTONG_ENV=local` a service generates its key pair once per installation in the secrets
folder and leaves its public key there (`event-public-<svc>`) for the others to read.
"""

import os
import secrets
from pathlib import Path

from pydantic import SecretStr

from shared.events.signing import (
    KeyRing,
    PublicKeys,
    Signer,
    format_private_keys,
    format_public_keys,
    new_signing_key,
    parse_private_keys,
    parse_public_keys,
)
from shared.secrets import MissingSecret, environment, is_local, local_secret, secrets_dir

PUBLIC_PREFIX = "event-public-"


def signing_env_variable(service: str) -> str:
    return f"{service.upper()}_EVENT_SIGNING_KEYS"


def signer_for(service: str, configured: SecretStr | None) -> Signer:
    text = configured.get_secret_value() if configured else ""
    if text:
        return Signer(service, parse_private_keys(text))
    if not is_local():
        raise MissingSecret(
            f"{signing_env_variable(service)} is not set; GUANTONG_ENV={environment()} "
            "needs a real event signing key"
        )
    return _local_signer(service)


def keyring_for(configured_public: str | None, *, own: Signer | None = None) -> KeyRing:
    keys: PublicKeys = parse_public_keys(configured_public or "")
    if own is not None:
        keys.update(own.public_keys())
    if not is_local():
        return KeyRing(keys)
    return KeyRing({**local_public_keys(), **keys}, reload=local_public_keys)


def local_public_keys() -> PublicKeys:
    folder = secrets_dir()
    keys: PublicKeys = {}
    if folder.is_dir():
        for path in sorted(folder.glob(PUBLIC_PREFIX + "*")):
            keys.update(parse_public_keys(path.read_text()))
    return keys


def _local_signer(service: str) -> Signer:
    def generate() -> str:
        return format_private_keys([new_signing_key(f"{service}-{secrets.token_hex(4)}")])

    signer = Signer(
        service, parse_private_keys(local_secret(f"event-signing-{service}", generate=generate))
    )
    _publish(secrets_dir() / f"{PUBLIC_PREFIX}{service}", format_public_keys(service, signer.keys))
    return signer


def _publish(path: Path, text: str) -> None:
    """Atomically, so a reader never sees half a key."""
    if path.exists() and path.read_text() == text:
        return
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_text(text)
    temporary.chmod(0o600)
    temporary.replace(path)
