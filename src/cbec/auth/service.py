"""API keys: create, authenticate, list, revoke, rotate.  Keys are stored as SHA-256 hashes.

A key looks like ``cbec_<12-char prefix>_<43-char secret>``; the prefix finds the row, the hash of
the whole key proves it.  Keys are 256-bit random, so a fast hash is enough (no password stretching).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from cbec.audit import service as audit
from cbec.auth.enums import CallerRole
from cbec.auth.models import ApiKey
from cbec.errors import AuthError, ErrorCode, InvalidInputError, NotFoundError
from cbec.kernel.dates import utc_now
from cbec.registry.models import Enterprise

_KEY_PREFIX = "cbec"


@dataclass(frozen=True)
class Caller:
    """An authenticated caller."""

    key_id: str
    name: str
    role: CallerRole
    enterprise_id: str | None

    @property
    def actor(self) -> str:
        """How the caller appears in histories and the audit trail."""
        return f"{self.role.value}:{self.name}:{self.key_id[:8]}"

    @property
    def reads_everything(self) -> bool:
        return self.role in CallerRole.reads_everything()


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_key(
    session: Session,
    *,
    name: str,
    role: CallerRole,
    enterprise: Enterprise | None = None,
    created_by: str,
) -> tuple[ApiKey, str]:
    """A new key; returns the row and the plaintext key (shown once, never stored)."""
    if role is CallerRole.enterprise and enterprise is None:
        raise InvalidInputError(
            ErrorCode.VALIDATION_FAILED, "企业角色的密钥必须绑定一个备案企业", data={"field": "enterprise"}
        )
    if role is not CallerRole.enterprise and enterprise is not None:
        raise InvalidInputError(
            ErrorCode.VALIDATION_FAILED, "只有企业角色的密钥可以绑定备案企业", data={"field": "enterprise"}
        )
    prefix = secrets.token_hex(6)
    plaintext = f"{_KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiKey(
        name=name,
        role=role.value,
        enterprise_id=enterprise.id if enterprise else None,
        prefix=prefix,
        secret_hash=_hash(plaintext),
        created_by=created_by,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=created_by,
        action="auth.key_created",
        subject=f"api_key:{row.id}",
        role=role.value,
        enterprise_id=row.enterprise_id,
    )
    return row, plaintext


def authenticate(session: Session, key: str) -> Caller:
    """The caller holding ``key``, or ``AuthError``."""
    parts = key.strip().split("_")
    if len(parts) < 3 or parts[0] != _KEY_PREFIX:  # noqa: PLR2004 - prefix, id, secret
        raise AuthError(ErrorCode.AUTH_INVALID_KEY)
    row = session.scalars(select(ApiKey).where(ApiKey.prefix == parts[1])).first()
    if (
        row is None
        or row.revoked_at is not None
        or not hmac.compare_digest(row.secret_hash, _hash(key.strip()))
    ):
        raise AuthError(ErrorCode.AUTH_INVALID_KEY)
    return Caller(key_id=row.id, name=row.name, role=CallerRole(row.role), enterprise_id=row.enterprise_id)


def caller_by_id(session: Session, key_id: str) -> Caller:
    """The caller of a key known by its id (a web session), or ``AuthError`` when gone or revoked."""
    row = session.get(ApiKey, key_id)
    if row is None or row.revoked_at is not None:
        raise AuthError(ErrorCode.AUTH_INVALID_KEY)
    return Caller(key_id=row.id, name=row.name, role=CallerRole(row.role), enterprise_id=row.enterprise_id)


def list_keys(session: Session, *, enterprise_id: str | None = None) -> Sequence[ApiKey]:
    query = select(ApiKey).order_by(ApiKey.created_at)
    if enterprise_id is not None:
        query = query.where(ApiKey.enterprise_id == enterprise_id)
    return session.scalars(query).all()


def get_key(session: Session, key_id: str) -> ApiKey:
    row = session.get(ApiKey, key_id)
    if row is None:
        row = session.scalars(select(ApiKey).where(ApiKey.prefix == key_id)).first()
    if row is None:
        raise NotFoundError(ErrorCode.API_KEY_NOT_FOUND, data={"key_id": key_id})
    return row


def revoke_key(session: Session, key_id: str, *, actor: str) -> ApiKey:
    row = get_key(session, key_id)
    if row.revoked_at is None:
        row.revoked_at = utc_now()
        audit.record(session, actor=actor, action="auth.key_revoked", subject=f"api_key:{row.id}")
    return row


def rotate_key(session: Session, key_id: str, *, actor: str) -> tuple[ApiKey, str]:
    """Revoke a key and issue its successor with the same name, role and enterprise."""
    old = revoke_key(session, key_id, actor=actor)
    enterprise = session.get(Enterprise, old.enterprise_id) if old.enterprise_id else None
    return create_key(
        session, name=old.name, role=CallerRole(old.role), enterprise=enterprise, created_by=actor
    )
