"""Credit archive endpoints: agencies post credit facts; an enterprise reads its own archive."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from cbec.api.deps import CallerDep, SessionDep, require_roles
from cbec.audit import service as audit
from cbec.auth.enums import CallerRole
from cbec.credit import service as credit
from cbec.credit.levels import customs_levels
from cbec.errors import ErrorCode, NotFoundError
from cbec.kernel.dates import SHANGHAI, utc_now
from cbec.registry import service as registry

router = APIRouter(prefix="/api/v1/credit", tags=["credit 信用"])


def _today() -> date:
    return utc_now().astimezone(SHANGHAI).date()


class FactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(min_length=1, max_length=40)
    value: str = Field(min_length=1, max_length=40)
    basis: str | None = Field(default=None, max_length=200)
    note: str = Field(default="", max_length=500)
    effective_from: date | None = None
    expires_on: date | None = None


@router.post("/{code}/facts", status_code=201)
def post_fact(code: str, body: FactIn, caller: CallerDep, session: SessionDep) -> dict[str, Any]:
    """An agency records a credit fact (customs level, tax level, forex class, market lists)."""
    require_roles(caller, *CallerRole.agencies())
    enterprise = registry.get(session, code)
    fact = credit.post_fact(
        session,
        enterprise,
        kind=body.kind,
        value=body.value,
        role=caller.role,
        actor=caller.actor,
        effective_from=body.effective_from or _today(),
        expires_on=body.expires_on,
        basis=body.basis,
        note=body.note,
    )
    audit.record(
        session,
        actor=caller.actor,
        action="credit.fact_posted",
        subject=f"enterprise:{enterprise.id}",
        kind=fact.kind,
        value=fact.value,
    )
    return credit.fact_out(fact)


@router.post("/facts/{fact_id}/withdraw")
def withdraw_fact(fact_id: str, caller: CallerDep, session: SessionDep) -> dict[str, Any]:
    """The posting agency withdraws a fact (kept for the record)."""
    require_roles(caller, *CallerRole.agencies())
    fact = credit.withdraw_fact(session, fact_id, role=caller.role, actor=caller.actor)
    audit.record(
        session, actor=caller.actor, action="credit.fact_withdrawn", subject=f"credit_fact:{fact.id}"
    )
    return credit.fact_out(fact)


@router.get("/{code}")
def archive(code: str, caller: CallerDep, session: SessionDep) -> dict[str, Any]:
    """信用档案: every fact (with its origin) and what is in force today; an enterprise sees only its own."""
    enterprise = registry.get(session, code)
    if caller.role is CallerRole.enterprise and caller.enterprise_id != enterprise.id:
        raise NotFoundError(ErrorCode.ENTERPRISE_NOT_FOUND)  # another's archive is not revealed
    today = _today()
    levels = customs_levels(today)
    in_force = credit.current(session, enterprise.id, today)
    level_fact = in_force.get("customs_level")
    level = levels.levels.get(level_fact.value) if level_fact else None
    return {
        "enterprise": {"id": enterprise.id, "name": enterprise.name, "customs_code": enterprise.customs_code},
        "customs_level": {
            "code": level.code,
            "label": level.label,
            "label_en": level.label_en,
            "sampling_grade": level.sampling_grade,
            "verified": level.verified,
            "reference": levels.reference,
        }
        if level
        else None,
        "in_force": {kind: credit.fact_out(f) for kind, f in in_force.items()},
        "facts": [credit.fact_out(f) for f in credit.facts(session, [enterprise.id])],
    }
