"""API key management."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from cbec.api.deps import CallerDep, SessionDep, require_roles
from cbec.auth import service as auth
from cbec.auth.enums import CallerRole
from cbec.auth.models import ApiKey
from cbec.auth.service import Caller
from cbec.errors import ErrorCode, PermissionDeniedError
from cbec.registry import service as registry

router = APIRouter(prefix="/api/v1/keys", tags=["auth 认证"])


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    role: CallerRole
    enterprise: str | None = None


class KeyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    role: str
    enterprise_id: str | None
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


class KeyIssued(BaseModel):
    key: KeyOut
    api_key: str


def _may_manage(caller: Caller, row: ApiKey) -> None:
    if caller.role is CallerRole.operator:
        return
    if caller.role is CallerRole.enterprise and row.enterprise_id == caller.enterprise_id:
        return
    raise PermissionDeniedError(ErrorCode.PERMISSION_DENIED, data={"key": row.id})


@router.post("", status_code=201, response_model=KeyIssued)
def create_key(body: KeyCreate, caller: CallerDep, session: SessionDep) -> KeyIssued:
    """Issue a key (operator only); the plaintext is shown once."""
    require_roles(caller, CallerRole.operator)
    enterprise = registry.get(session, body.enterprise) if body.enterprise else None
    row, key = auth.create_key(
        session, name=body.name, role=body.role, enterprise=enterprise, created_by=caller.actor
    )
    return KeyIssued(key=KeyOut.model_validate(row), api_key=key)


@router.get("", response_model=list[KeyOut])
def list_keys(caller: CallerDep, session: SessionDep) -> list[KeyOut]:
    """The operator sees every key; an enterprise sees its own."""
    if caller.role is CallerRole.operator:
        rows = auth.list_keys(session)
    elif caller.role is CallerRole.enterprise:
        rows = auth.list_keys(session, enterprise_id=caller.enterprise_id)
    else:
        rows = [auth.get_key(session, caller.key_id)]
    return [KeyOut.model_validate(r) for r in rows]


@router.post("/{key_id}/revoke", response_model=KeyOut)
def revoke_key(key_id: str, caller: CallerDep, session: SessionDep) -> KeyOut:
    _may_manage(caller, auth.get_key(session, key_id))
    return KeyOut.model_validate(auth.revoke_key(session, key_id, actor=caller.actor))


@router.post("/{key_id}/rotate", response_model=KeyIssued)
def rotate_key(key_id: str, caller: CallerDep, session: SessionDep) -> KeyIssued:
    """Revoke a key and issue its successor."""
    _may_manage(caller, auth.get_key(session, key_id))
    row, key = auth.rotate_key(session, key_id, actor=caller.actor)
    return KeyIssued(key=KeyOut.model_validate(row), api_key=key)
