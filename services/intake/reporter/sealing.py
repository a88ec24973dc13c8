"""Reporter identity sealed with AES-256-GCM; the key id is stored beside each sealed value."""

import base64
import json
import secrets
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
    def from_spec(cls, spec: str) -> "Sealer":
        """`kid:base64key[,kid:base64key...]`: the first seals, every one unseals."""
        pairs = [item.split(":", 1) for item in spec.split(",") if item.strip()]
        if not pairs or any(len(pair) != 2 for pair in pairs):
            raise SealError("seal keys must read kid:base64key[,kid:base64key...]")
        keys = {kid.strip(): base64.b64decode(key) for kid, key in pairs}
        return cls(keys, pairs[0][0].strip())

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
