"""Reporter identity sealed with AES-256-GCM; the key id is stored beside each sealed value."""

import base64
import json
import os
import secrets
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM


class SealError(Exception):
    pass


class Sealer:
    def __init__(self, keys: dict[str, bytes], active: str) -> None:
        if active not in keys:
            raise SealError("active key id has no key")
        self._keys = {kid: AESGCM(key) for kid, key in keys.items()}
        self.active = active

    @classmethod
    def from_config(cls, spec: str | None, key_file: str) -> "Sealer":
        if spec:
            pairs = [item.split(":", 1) for item in spec.split(",") if item.strip()]
            keys = {kid.strip(): base64.b64decode(key) for kid, key in pairs}
            return cls(keys, pairs[0][0].strip())
        return cls(*_local_key(Path(key_file)))

    def seal(self, value: dict[str, Any], *, associated: bytes) -> tuple[str, bytes]:
        nonce = secrets.token_bytes(12)
        plaintext = json.dumps(value, ensure_ascii=False).encode()
        return self.active, nonce + self._keys[self.active].encrypt(nonce, plaintext, associated)

    def unseal(self, key_id: str, sealed: bytes, *, associated: bytes) -> dict[str, Any]:
        aead = self._keys.get(key_id)
        if aead is None:
            raise SealError(f"no key {key_id!r} is configured")
        data: dict[str, Any] = json.loads(aead.decrypt(sealed[:12], sealed[12:], associated))
        return data


def _local_key(path: Path) -> tuple[dict[str, bytes], str]:
    # Embedded default only: a key generated once on this machine, readable by its owner alone.
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another worker of this process group won the race
        else:
            with os.fdopen(fd, "w") as f:
                key = base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()
                f.write(f"local1:{key}")
    kid, key = path.read_text().strip().split(":", 1)
    return {kid: base64.b64decode(key)}, kid
