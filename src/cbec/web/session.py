"""Web sessions: a signed cookie naming the caller's API key, and a CSRF token bound to it.

The cookie is ``{key_id}.{expires}.{signature}``: HMAC-SHA256 under a key derived from the platform's
data key, HttpOnly and SameSite=Strict. Each request re-reads the key, so a revoked key ends its web
sessions at once. Forms and HTMX requests carry the CSRF token (``X-CSRF-Token`` or ``csrf``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

from cbec.config import Settings

COOKIE = "cbec_session"
LANG_COOKIE = "cbec_lang"
#: A web session lasts a working day.
LIFETIME_SECONDS = 10 * 3600


def _key(settings: Settings, purpose: bytes) -> bytes:
    return hmac.new(base64.b64decode(settings.data_key), b"cbec-web:" + purpose, hashlib.sha256).digest()


def _sign(settings: Settings, text: str) -> str:
    return hmac.new(_key(settings, b"session"), text.encode(), hashlib.sha256).hexdigest()


def issue(settings: Settings, key_id: str, *, now: float | None = None) -> str:
    """A cookie value for ``key_id``."""
    expires = int((now or time.time()) + LIFETIME_SECONDS)
    body = f"{key_id}.{expires}"
    return f"{body}.{_sign(settings, body)}"


def verify(settings: Settings, value: str | None, *, now: float | None = None) -> str | None:
    """The key id of a valid, unexpired cookie value, else None."""
    if not value or value.count(".") != 2:
        return None
    key_id, expires, signature = value.split(".")
    if not hmac.compare_digest(signature, _sign(settings, f"{key_id}.{expires}")):
        return None
    if not expires.isdigit() or int(expires) < (now or time.time()):
        return None
    return key_id


def csrf_token(settings: Settings, cookie_value: str) -> str:
    """The CSRF token of a session (derived, so nothing is stored)."""
    return hmac.new(_key(settings, b"csrf"), cookie_value.encode(), hashlib.sha256).hexdigest()[:32]


def csrf_ok(settings: Settings, cookie_value: str | None, token: str | None) -> bool:
    return bool(cookie_value and token) and hmac.compare_digest(
        csrf_token(settings, cookie_value or ""), token or ""
    )
