"""Encryption of personal data and raw payloads at rest (AES-256-GCM) and keyed lookup hashes.

Every ciphertext carries the id of the key that made it, so keys can be rotated.  Lookups of
personal identifiers (e.g. one buyer's orders) use a keyed HMAC, never a plain hash: an 18-digit
ID number is enumerable (sharing-security.md §4.2).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE_BYTES = 12
_TOKEN_PREFIX = "enc1"  # noqa: S105 - a format tag, not a secret


@dataclass(frozen=True)
class DataCipher:
    """AES-256-GCM with a key id; also derives the HMAC key for lookup hashes."""

    key: bytes
    key_id: str

    def encrypt(self, plaintext: bytes, *, context: bytes = b"") -> bytes:
        """Nonce ‖ ciphertext ‖ tag; ``context`` is bound as associated data."""
        nonce = os.urandom(_NONCE_BYTES)
        return nonce + AESGCM(self.key).encrypt(nonce, plaintext, context)

    def decrypt(self, blob: bytes, *, context: bytes = b"") -> bytes:
        nonce, body = blob[:_NONCE_BYTES], blob[_NONCE_BYTES:]
        return AESGCM(self.key).decrypt(nonce, body, context)

    def encrypt_text(self, value: str) -> str:
        """A self-describing text token ``enc1:<key id>:<base64>`` for a personal-data field."""
        blob = self.encrypt(value.encode("utf-8"))
        return f"{_TOKEN_PREFIX}:{self.key_id}:{base64.b64encode(blob).decode()}"

    def decrypt_text(self, token: str) -> str:
        prefix, _key_id, data = token.split(":", 2)
        if prefix != _TOKEN_PREFIX:
            raise ValueError("not an encrypted token")
        return self.decrypt(base64.b64decode(data)).decode("utf-8")

    def lookup_hash(self, value: str) -> str:
        """Keyed HMAC-SHA256 of ``value`` (hex), for joins and quotas without the clear value."""
        mac_key = hmac.new(self.key, b"cbec-lookup-hash", hashlib.sha256).digest()
        return hmac.new(mac_key, value.strip().upper().encode("utf-8"), hashlib.sha256).hexdigest()


def is_encrypted_token(value: str) -> bool:
    return value.startswith(_TOKEN_PREFIX + ":")
