"""The Ed25519 keys that sign access tokens, and their public form (JWKS).

``JWT_PRIVATE_KEYS`` holds one or more PEM private keys one after another: the first signs,
every one verifies. Rotation is adding a new key in front, and removing the old one once the
tokens it signed have expired (docs/events.md). Each key is named by its RFC 7638 thumbprint
(``kid``), which other services look up in the key set they fetched from this service; a
token's header never chooses where a key comes from.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
)

_PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z ]+)-----.+?-----END \1-----", re.S)
# The label of the development key derived from SECRET_KEY: a key for this use only.
_DERIVATION_LABEL = b"users-service ed25519 access-token signing key"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class SigningKey:
    """One key of the set: the private half (signs), the public half (verifies) and its name."""

    private_key: Ed25519PrivateKey
    public_key: Ed25519PublicKey
    kid: str
    x: str  # the public key, base64url (the JWK's "x")

    @classmethod
    def of(cls, private_key: Ed25519PrivateKey) -> SigningKey:
        public_key = private_key.public_key()
        x = b64url(public_key.public_bytes(Encoding.Raw, PublicFormat.Raw))
        return cls(private_key, public_key, thumbprint(x), x)

    def public_jwk(self) -> dict[str, str]:
        # Public members only: "d" (the private key) is never part of it.
        return {"kty": "OKP", "crv": "Ed25519", "x": self.x, "kid": self.kid, "alg": "EdDSA", "use": "sig"}


def thumbprint(x: str) -> str:
    """The RFC 7638 thumbprint of an Ed25519 public JWK: SHA-256 of its required members,
    in lexicographic order, without whitespace (RFC 8037 section 2)."""
    canonical = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": x}, separators=(",", ":"), sort_keys=True)
    return b64url(hashlib.sha256(canonical.encode("ascii")).digest())


class KeySet:
    """The service's keys: ``current`` signs, ``verifying(kid)`` finds any of them by name."""

    def __init__(self, keys: list[Ed25519PrivateKey]) -> None:
        if not keys:
            raise ValueError("a key set needs at least one key")
        unique: dict[str, SigningKey] = {}
        for private_key in keys:
            key = SigningKey.of(private_key)
            unique.setdefault(key.kid, key)
        self.keys = tuple(unique.values())
        self.current = self.keys[0]
        self.by_kid = {key.kid: key.public_key for key in self.keys}

    def verifying(self, kid: object) -> Ed25519PublicKey | None:
        return self.by_kid.get(kid) if isinstance(kid, str) else None

    def jwks(self) -> dict[str, Any]:
        """The public key set, the current key first."""
        return {"keys": [key.public_jwk() for key in self.keys]}


def parse_private_keys(text: str) -> list[Ed25519PrivateKey]:
    """The Ed25519 private keys of ``text``, PEM blocks one after another (a ``\\n`` written
    as two characters, as some secret stores keep them, counts as a line break)."""
    text = text.replace("\\n", "\n")
    blocks = [match.group(0) for match in _PEM_BLOCK.finditer(text)]
    if not blocks:
        raise ValueError("JWT_PRIVATE_KEYS holds no PEM block (python manage.py generate-key prints one)")
    keys = []
    for number, block in enumerate(blocks, start=1):
        try:
            key = load_pem_private_key(block.encode("ascii"), password=None)
        except (ValueError, TypeError, UnicodeEncodeError):
            raise ValueError(f"JWT_PRIVATE_KEYS: PEM block {number} is not an unencrypted private key") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"JWT_PRIVATE_KEYS: PEM block {number} is not an Ed25519 key")
        keys.append(key)
    return keys


def derived_key(secret: str) -> Ed25519PrivateKey:
    """The development key: derived from SECRET_KEY, so every worker and replica that shares
    that secret signs and verifies with the same key. Never used in staging or production."""
    seed = hmac.new(secret.encode(), _DERIVATION_LABEL, hashlib.sha256).digest()
    return Ed25519PrivateKey.from_private_bytes(seed)


def generate_pem() -> str:
    """A new random Ed25519 private key, PKCS#8 PEM."""
    pem = Ed25519PrivateKey.generate().private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    return pem.decode("ascii")
