"""Enterprise registry endpoints (企业备案)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from cbec.api.deps import CallerDep, SessionDep, require_roles
from cbec.auth import service as auth
from cbec.auth.enums import CallerRole
from cbec.auth.service import Caller
from cbec.errors import ErrorCode, PermissionDeniedError
from cbec.registry import repository
from cbec.registry import service as registry
from cbec.registry.enums import EnterpriseRole, FilingStatus
from cbec.registry.models import Enterprise
from cbec.registry.schemas import (
    EnterpriseChangeOut,
    EnterpriseCreate,
    EnterpriseFiled,
    EnterpriseOut,
    EnterprisePatch,
)

router = APIRouter(prefix="/api/v1/enterprises", tags=["registry 企业备案"])

_FILERS = (CallerRole.operator, CallerRole.commerce)


def _out(session: Session, enterprise: Enterprise) -> EnterpriseOut:
    out = EnterpriseOut.model_validate(enterprise)
    out.agent_code = registry.agent_code_of(session, enterprise)
    return out


def _readable(caller: Caller, enterprise: Enterprise) -> None:
    """An enterprise reads only its own filing (and, for an agent, the sellers it files for)."""
    if caller.reads_everything:
        return
    if caller.enterprise_id in (enterprise.id, enterprise.agent_id):
        return
    raise PermissionDeniedError(ErrorCode.PERMISSION_DENIED, data={"enterprise": enterprise.id})


@router.post("", status_code=201, response_model=EnterpriseFiled)
def file_enterprise(body: EnterpriseCreate, caller: CallerDep, session: SessionDep) -> EnterpriseFiled:
    """File an enterprise (operator or commerce); the answer carries its first API key, shown once."""
    require_roles(caller, *_FILERS)
    enterprise = registry.file_enterprise(session, body, actor=caller.actor)
    _row, key = auth.create_key(
        session,
        name=f"{enterprise.name} (filing)",
        role=CallerRole.enterprise,
        enterprise=enterprise,
        created_by=caller.actor,
    )
    return EnterpriseFiled(enterprise=_out(session, enterprise), api_key=key)


@router.get("", response_model=list[EnterpriseOut])
def list_enterprises(
    caller: CallerDep,
    session: SessionDep,
    role: Annotated[EnterpriseRole | None, Query()] = None,
    status: Annotated[FilingStatus | None, Query()] = None,
    park: Annotated[str | None, Query()] = None,
    name: Annotated[str | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[EnterpriseOut]:
    """All filings (agencies and the operator), filtered by role, status, park or name."""
    require_roles(caller, *CallerRole.reads_everything())
    rows = repository.search(
        session,
        role=role.value if role else None,
        status=status.value if status else None,
        park=park,
        name=name,
        limit=limit,
        offset=offset,
    )
    return [_out(session, r) for r in rows]


@router.get("/{code}", response_model=EnterpriseOut)
def get_enterprise(code: str, caller: CallerDep, session: SessionDep) -> EnterpriseOut:
    """One filing by either code (USCC or customs code)."""
    enterprise = registry.get(session, code)
    _readable(caller, enterprise)
    return _out(session, enterprise)


@router.get("/{code}/history", response_model=list[EnterpriseChangeOut])
def enterprise_history(code: str, caller: CallerDep, session: SessionDep) -> list[EnterpriseChangeOut]:
    """Every change to a filing, oldest first."""
    enterprise = registry.get(session, code)
    _readable(caller, enterprise)
    return [EnterpriseChangeOut.model_validate(c) for c in registry.history(session, code)]


@router.patch("/{code}", response_model=EnterpriseOut)
def change_enterprise(
    code: str, body: EnterprisePatch, caller: CallerDep, session: SessionDep
) -> EnterpriseOut:
    """Change, suspend, reinstate or revoke a filing, with a reason (operator or commerce)."""
    require_roles(caller, *_FILERS)
    return _out(session, registry.change(session, code, body, actor=caller.actor))
