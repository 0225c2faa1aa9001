"""Registry use cases: file, change, suspend, revoke and look up enterprises (一次备案、多主体共享)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session
from stdnum.exceptions import ValidationError

from cbec.audit import service as audit
from cbec.errors import ConflictError, ErrorCode, InvalidInputError, NotFoundError
from cbec.registry import repository
from cbec.registry.enums import FilingStatus
from cbec.registry.identifiers import customs_code as customs_code_id
from cbec.registry.identifiers import uscc as uscc_id
from cbec.registry.models import Enterprise, EnterpriseChange
from cbec.registry.schemas import EnterpriseCreate, EnterprisePatch

#: Export messages may name a foreign platform that has no code (202205 revision note).
NO_PLATFORM_CODE = "无"

_PATCHABLE = (
    "name",
    "name_en",
    "roles",
    "dxp_id",
    "contact_name",
    "contact_phone",
    "contact_email",
    "address",
    "park",
)


def canonical_uscc(value: str) -> str:
    """The canonical USCC or a 422 ``INVALID_USCC``."""
    try:
        return str(uscc_id.validate(value))
    except ValidationError as exc:
        raise InvalidInputError(ErrorCode.INVALID_USCC, data={"uscc": value, "reason": str(exc)}) from exc


def canonical_customs_code(value: str) -> str:
    """The canonical customs code or a 422 ``INVALID_CUSTOMS_CODE``."""
    try:
        return str(customs_code_id.validate(value))
    except ValidationError as exc:
        raise InvalidInputError(
            ErrorCode.INVALID_CUSTOMS_CODE, data={"customs_code": value, "reason": str(exc)}
        ) from exc


def get(session: Session, code: str) -> Enterprise:
    """The filing named by either code, or 404."""
    found = repository.by_code(session, code)
    if found is None:
        raise NotFoundError(ErrorCode.ENTERPRISE_NOT_FOUND, data={"code": code})
    return found


def file_enterprise(session: Session, data: EnterpriseCreate, *, actor: str) -> Enterprise:
    """File an enterprise once; every agency and message uses this filing from now on."""
    uscc = canonical_uscc(data.uscc) if data.uscc else None
    customs_code = canonical_customs_code(data.customs_code) if data.customs_code else None
    if not uscc and not customs_code:
        raise InvalidInputError(ErrorCode.ENTERPRISE_CODE_REQUIRED)
    agent: Enterprise | None = None
    if data.overseas:
        # 跨境电商企业 (overseas seller): no USCC; filed through its domestic agent (境内代理人).
        if uscc or not data.agent_code:
            raise InvalidInputError(ErrorCode.OVERSEAS_AGENT_REQUIRED, data={"agent_code": data.agent_code})
        agent = repository.by_code(session, data.agent_code)
        if agent is None or agent.overseas or agent.status != FilingStatus.active:
            raise InvalidInputError(ErrorCode.OVERSEAS_AGENT_REQUIRED, data={"agent_code": data.agent_code})
    for code in (uscc, customs_code):
        if code and repository.by_code(session, code) is not None:
            raise ConflictError(ErrorCode.ENTERPRISE_CODE_TAKEN, data={"code": code})
    enterprise = Enterprise(
        uscc=uscc,
        customs_code=customs_code,
        name=data.name.strip(),
        name_en=data.name_en,
        roles=sorted({r.value for r in data.roles}),
        dxp_id=data.dxp_id,
        contact_name=data.contact_name,
        contact_phone=data.contact_phone,
        contact_email=data.contact_email,
        address=data.address,
        park=data.park,
        country=data.country,
        overseas=data.overseas,
        agent_id=agent.id if agent else None,
        status=FilingStatus.active.value,
        version=1,
    )
    session.add(enterprise)
    session.flush()
    snapshot = _snapshot(enterprise)
    session.add(
        EnterpriseChange(
            enterprise_id=enterprise.id, actor=actor, action="filed", reason=None, changes=snapshot, version=1
        )
    )
    audit.record(
        session,
        actor=actor,
        action="registry.filed",
        subject=f"enterprise:{enterprise.id}",
        codes=[c for c in (uscc, customs_code) if c],
    )
    return enterprise


def change(session: Session, code: str, patch: EnterprisePatch, *, actor: str) -> Enterprise:
    """Change a filing (including suspend / revoke / reinstate); every change needs a reason."""
    enterprise = get(session, code)
    if not patch.reason or not patch.reason.strip():
        raise InvalidInputError(ErrorCode.REASON_REQUIRED)
    changes: dict[str, Any] = {}
    for field in _PATCHABLE:
        value = getattr(patch, field)
        if value is None:
            continue
        if field == "roles":
            value = sorted({r.value for r in value})
        old = getattr(enterprise, field)
        if old != value:
            changes[field] = {"from": old, "to": value}
            setattr(enterprise, field, value)
    action = "changed"
    if patch.status is not None and patch.status.value != enterprise.status:
        current = FilingStatus(enterprise.status)
        if patch.status not in FilingStatus.allowed_changes()[current]:
            raise InvalidInputError(
                ErrorCode.INVALID_STATUS_CHANGE, data={"from": current.value, "to": patch.status.value}
            )
        changes["status"] = {"from": enterprise.status, "to": patch.status.value}
        enterprise.status = patch.status.value
        enterprise.status_reason = patch.reason
        action = {"suspended": "suspended", "revoked": "revoked", "active": "reinstated"}[patch.status.value]
    if not changes:
        return enterprise
    enterprise.version += 1
    session.add(
        EnterpriseChange(
            enterprise_id=enterprise.id,
            actor=actor,
            action=action,
            reason=patch.reason,
            changes=changes,
            version=enterprise.version,
        )
    )
    audit.record(
        session,
        actor=actor,
        action=f"registry.{action}",
        subject=f"enterprise:{enterprise.id}",
        fields=sorted(changes),
        reason=patch.reason,
    )
    session.flush()
    return enterprise


def history(session: Session, code: str) -> Sequence[EnterpriseChange]:
    return repository.history(session, get(session, code).id)


def agent_code_of(session: Session, enterprise: Enterprise) -> str | None:
    if not enterprise.agent_id:
        return None
    agent = repository.by_id(session, enterprise.agent_id)
    return (agent.uscc or agent.customs_code) if agent else None


def _snapshot(enterprise: Enterprise) -> dict[str, Any]:
    return {
        "uscc": enterprise.uscc,
        "customs_code": enterprise.customs_code,
        "name": enterprise.name,
        "roles": enterprise.roles,
        "dxp_id": enterprise.dxp_id,
        "park": enterprise.park,
        "overseas": enterprise.overseas,
        "agent_id": enterprise.agent_id,
        "status": enterprise.status,
    }
