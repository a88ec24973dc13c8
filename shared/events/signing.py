"""Ed25519 signatures on published events, so a consumer knows which service produced a record.

The signature covers the CloudEvents id, type, source, subject and time headers and the value
bytes, each length-prefixed so that two different records never sign the same message. The key
id travels in `gt_kid`, the base64 signature in `gt_sig`. Several keys of a service verify while
one signs: a rotation gives every verifier the new public key first, then signs with it.
"""

import base64
import binascii
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from shared.events.envelope import Headers
from shared.events.topics import OWNERS, source_of

log = logging.getLogger(__name__)

SIGNATURE = "gt_sig"
KEY_ID = "gt_kid"
SIGNED_ATTRIBUTES = ("ce_id", "ce_type", "ce_source", "ce_subject", "ce_time")

PublicKeys = dict[str, tuple[str, Ed25519PublicKey]]


class Unauthenticated(ValueError):
    """No signature, an unknown key id, or a signature that does not match."""


class WrongProducer(ValueError):
    """A valid signature by a service that does not own the topic."""


def signed_message(headers: Mapping[str, bytes], value: bytes) -> bytes:
    parts = [headers.get(name, b"") for name in SIGNED_ATTRIBUTES] + [value]
    return b"".join(len(part).to_bytes(4, "big") + part for part in parts)


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private: Ed25519PrivateKey

    def public_b64(self) -> str:
        return base64.b64encode(self.private.public_key().public_bytes_raw()).decode()


class Signer:
    """The keys of one service: the first signs, all of them verify."""

    def __init__(self, service: str, keys: Sequence[SigningKey]) -> None:
        if not keys:
            raise ValueError(f"{service}: no event signing key")
        self.service = service
        self.keys = tuple(keys)

    def sign(self, headers: Headers, value: bytes) -> Headers:
        unsigned = [(n, v) for n, v in headers if n not in (SIGNATURE, KEY_ID)]
        key = self.keys[0]
        signature = key.private.sign(signed_message(dict(unsigned), value))
        return [*unsigned, (KEY_ID, key.kid.encode()), (SIGNATURE, base64.b64encode(signature))]

    def public_keys(self) -> PublicKeys:
        return {k.kid: (self.service, k.private.public_key()) for k in self.keys}


class KeyRing:
    """Public keys of every producer; `reload` (local mode) is asked again, once per unknown
    key id, since a producer may have generated its key after this reader started."""

    def __init__(self, keys: PublicKeys, *, reload: Callable[[], PublicKeys] | None = None) -> None:
        self._keys = dict(keys)
        self._reload = reload
        self._reloaded_for: set[str] = set()

    def producer(self, topic: str, headers: Headers, value: bytes) -> str:
        """The service that signed this record, when it may publish on `topic`."""
        attrs = dict(headers)
        kid = attrs.get(KEY_ID, b"").decode("utf-8", "replace")
        if not kid or SIGNATURE not in attrs:
            raise Unauthenticated("the record is not signed")
        service, public = self._key(kid)
        try:
            public.verify(
                base64.b64decode(attrs[SIGNATURE], validate=True), signed_message(attrs, value)
            )
        except (InvalidSignature, binascii.Error, ValueError):
            raise Unauthenticated(f"signature by key {kid} does not match") from None
        if attrs.get("ce_source", b"").decode("utf-8", "replace") != source_of(service):
            raise WrongProducer(f"key {kid} of {service} signed another source")
        if service not in OWNERS.get(topic, frozenset()):
            raise WrongProducer(f"{service} does not publish on {topic}")
        return service

    def _key(self, kid: str) -> tuple[str, Ed25519PublicKey]:
        found = self._keys.get(kid)
        if found is None and self._reload is not None and kid not in self._reloaded_for:
            if len(self._reloaded_for) > 10_000:  # a flood of made-up ids stays bounded
                self._reloaded_for.clear()
            self._reloaded_for.add(kid)
            self._keys.update(self._reload())
            found = self._keys.get(kid)
        if found is None:
            raise Unauthenticated(f"unknown key id {kid}")
        return found


def new_signing_key(kid: str) -> SigningKey:
    return SigningKey(kid, Ed25519PrivateKey.generate())


def format_private_keys(keys: Sequence[SigningKey]) -> str:
    return ",".join(
        f"{k.kid}:{base64.b64encode(k.private.private_bytes_raw()).decode()}" for k in keys
    )


def parse_private_keys(text: str) -> list[SigningKey]:
    """`kid:base64-private[,kid:base64-private...]`, the first one signing."""
    keys = []
    for item in _items(text):
        kid, _, raw = item.partition(":")
        keys.append(SigningKey(kid, Ed25519PrivateKey.from_private_bytes(_raw(raw, kid))))
    return keys


def parse_public_keys(text: str) -> PublicKeys:
    """`service:kid:base64-public[,...]`."""
    keys: PublicKeys = {}
    for item in _items(text):
        service, _, rest = item.partition(":")
        kid, _, raw = rest.partition(":")
        if kid in keys and keys[kid][0] != service:
            raise ValueError(f"key id {kid} is given for two services")
        keys[kid] = (service, Ed25519PublicKey.from_public_bytes(_raw(raw, kid)))
    return keys


def format_public_keys(service: str, keys: Sequence[SigningKey]) -> str:
    return ",".join(f"{service}:{k.kid}:{k.public_b64()}" for k in keys)


def _items(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def _raw(encoded: str, kid: str) -> bytes:
    try:
        raw = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise ValueError(f"key {kid} is not base64") from None
    if not kid or len(raw) != 32:
        raise ValueError(f"key {kid!r} is not a 32-byte Ed25519 key")
    return raw
