"""Risk endpoints: the alert queue and cases (customs and the operator)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from cbec.api.deps import CallerDep, SessionDep, require_roles
from cbec.audit import service as audit
from cbec.auth.enums import CallerRole
from cbec.clearance.enums import InspectionResult
from cbec.risk import cases
from cbec.workers.runner import ClearanceWorker

router = APIRouter(prefix="/api/v1/risk", tags=["risk 风险"])
_OFFICERS = (CallerRole.customs, CallerRole.operator)


@router.get("/alerts")
def list_alerts(
    caller: CallerDep, session: SessionDep, status: Annotated[str | None, Query()] = "open"
) -> list[dict[str, Any]]:
    """The alert queue (open by default), newest first."""
    require_roles(caller, *_OFFICERS)
    return [cases.alert_out(a) for a in cases.alerts(session, status=status or None)]


class CaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    alert_ids: list[str] = Field(min_length=1)
    assigned_to: str | None = None


@router.post("/cases", status_code=201)
def open_case(body: CaseIn, caller: CallerDep, session: SessionDep) -> dict[str, Any]:
    """Open a case on alerts of one declaration."""
    require_roles(caller, *_OFFICERS)
    case = cases.open_case(
        session, alert_ids=body.alert_ids, actor=caller.actor, assigned_to=body.assigned_to
    )
    audit.record(session, actor=caller.actor, action="risk.case_opened", subject=f"case:{case.id}")
    return cases.case_out(case)


class Finding(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: cases.FindingKind
    note: str = Field(default="", max_length=500)


class CaseClose(BaseModel):
    model_config = ConfigDict(extra="forbid")

    result: InspectionResult
    findings: list[Finding] = Field(default_factory=list)
    revenue_found: Decimal = Field(default=Decimal(0), ge=0)


@router.post("/cases/{case_id}/close")
def close_case(
    case_id: str, body: CaseClose, request: Request, caller: CallerDep, session: SessionDep
) -> dict[str, Any]:
    """Record the inspection result and findings; the declaration takes its outcome (800 / 700 / 50x)."""
    require_roles(caller, CallerRole.customs)
    worker = request.app.state.worker
    assert isinstance(worker, ClearanceWorker)
    case = cases.close_case(
        session,
        worker.engine,
        case_id,
        result=body.result,
        findings=[f.model_dump(mode="json") for f in body.findings],
        revenue_found=body.revenue_found,
        actor=caller.actor,
    )
    audit.record(
        session,
        actor=caller.actor,
        action="risk.case_closed",
        subject=f"case:{case.id}",
        result=body.result.value,
    )
    return cases.case_out(case)
