"""Risk endpoints: the alert queue and cases (customs and the operator), the product-safety list
(market regulation and customs) and agency signals (any agency)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from cbec.api.deps import CallerDep, SessionDep, SettingsDep, require_roles
from cbec.audit import service as audit
from cbec.auth.enums import CallerRole
from cbec.clearance.enums import InspectionResult
from cbec.errors import ErrorCode, InvalidInputError, PermissionDeniedError
from cbec.kernel import dates
from cbec.kernel.crypto import DataCipher
from cbec.risk import activation, cases, watchlists
from cbec.risk.models import AgencySignalRow, SafetyListEntry
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


_SAFETY_POSTERS = (CallerRole.market, CallerRole.customs)
_READERS = (*CallerRole.agencies(), CallerRole.operator)


class SafetyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500)
    reference: str | None = Field(default=None, max_length=200)
    barcode: str | None = Field(default=None, max_length=50)
    brand: str | None = Field(default=None, max_length=100)
    hs_prefix: str | None = Field(default=None, max_length=10)
    effective_from: date | None = None
    expires_on: date | None = None


@router.post("/safety-list", status_code=201)
def post_safety_entry(body: SafetyIn, caller: CallerDep, session: SessionDep) -> dict[str, Any]:
    """产品安全名单: market regulation or customs lists a recalled or banned product."""
    require_roles(caller, *_SAFETY_POSTERS)
    entry = watchlists.post_safety_entry(
        session,
        actor=caller.actor,
        source=caller.role.value,
        reason=body.reason,
        reference=body.reference,
        barcode=body.barcode,
        brand=body.brand,
        hs_prefix=body.hs_prefix,
        effective_from=body.effective_from or dates.today(),
        expires_on=body.expires_on,
    )
    audit.record(session, actor=caller.actor, action="risk.safety_listed", subject=f"safety:{entry.id}")
    return watchlists.safety_out(entry)


@router.get("/safety-list")
def list_safety_entries(
    caller: CallerDep, session: SessionDep, in_force: Annotated[bool, Query()] = True
) -> list[dict[str, Any]]:
    """The product-safety list (in force today by default)."""
    require_roles(caller, *_READERS)
    day = dates.today() if in_force else None
    return [watchlists.safety_out(e) for e in watchlists.safety_entries(session, day=day)]


@router.post("/safety-list/{entry_id}/withdraw")
def withdraw_safety_entry(entry_id: str, caller: CallerDep, session: SessionDep) -> dict[str, Any]:
    """Withdraw a product-safety entry (kept for the record)."""
    require_roles(caller, *_SAFETY_POSTERS)
    entry = watchlists.withdraw(session, SafetyListEntry, entry_id, actor=caller.actor)
    audit.record(session, actor=caller.actor, action="risk.safety_withdrawn", subject=f"safety:{entry.id}")
    return watchlists.safety_out(entry)


class SignalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: Literal["enterprise", "buyer"]
    enterprise_code: str | None = Field(default=None, min_length=10, max_length=10)
    buyer_id_number: str | None = Field(default=None, min_length=15, max_length=18)
    code: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = Field(default="", max_length=500)
    effective_from: date | None = None
    expires_on: date | None = None


@router.post("/signals", status_code=201)
def post_signal(
    body: SignalIn, caller: CallerDep, session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    """部门预警信息: an agency signals an enterprise (by customs code) or a buyer (by ID number, kept
    only as its keyed hash)."""
    require_roles(caller, *CallerRole.agencies())
    if body.subject == "enterprise":
        if not body.enterprise_code or body.buyer_id_number:
            raise InvalidInputError(
                ErrorCode.VALIDATION_FAILED,
                "企业预警须给出海关编码（且只给出它）",
                data={"field": "enterprise_code"},
            )
        key = body.enterprise_code
    else:
        if not body.buyer_id_number or body.enterprise_code:
            raise InvalidInputError(
                ErrorCode.VALIDATION_FAILED,
                "消费者预警须给出身份证件号码（且只给出它）",
                data={"field": "buyer_id_number"},
            )
        key = DataCipher(settings.data_key_bytes, settings.data_key_id).lookup_hash(body.buyer_id_number)
    row = watchlists.post_signal(
        session,
        actor=caller.actor,
        source=caller.role.value,
        subject=body.subject,
        subject_key=key,
        code=body.code,
        description=body.description,
        effective_from=body.effective_from or dates.today(),
        expires_on=body.expires_on,
    )
    audit.record(
        session, actor=caller.actor, action="risk.signal_posted", subject=f"signal:{row.id}", code=body.code
    )
    return watchlists.signal_out(row)


@router.get("/signals")
def list_signals(
    caller: CallerDep, session: SessionDep, in_force: Annotated[bool, Query()] = True
) -> list[dict[str, Any]]:
    """Agency signals (in force today by default); buyers are not named."""
    require_roles(caller, *_READERS)
    day = dates.today() if in_force else None
    return [watchlists.signal_out(r) for r in watchlists.signals(session, day=day)]


@router.post("/signals/{signal_id}/withdraw")
def withdraw_signal(signal_id: str, caller: CallerDep, session: SessionDep) -> dict[str, Any]:
    """Withdraw a signal; only the agency that posted it (or the operator) may."""
    require_roles(caller, *CallerRole.agencies(), CallerRole.operator)
    row = session.get(AgencySignalRow, signal_id)
    if row is not None and caller.role is not CallerRole.operator and row.source != caller.role.value:
        raise PermissionDeniedError(ErrorCode.PERMISSION_DENIED, data={"signal": signal_id})
    row = watchlists.withdraw(session, AgencySignalRow, signal_id, actor=caller.actor)
    audit.record(session, actor=caller.actor, action="risk.signal_withdrawn", subject=f"signal:{row.id}")
    return watchlists.signal_out(row)


class RuleSetIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=200_000, description="the rule set as YAML")


@router.post("/rule-sets", status_code=201)
def upload_rule_set(body: RuleSetIn, caller: CallerDep, session: SessionDep) -> dict[str, Any]:
    """Upload a rule set version (a draft until activated); the audit says what changed against the
    rule set in force today."""
    require_roles(caller, *_OFFICERS)
    row, rule_set = activation.upload(session, text=body.text, actor=caller.actor)
    current = activation.in_force(session, dates.today())
    audit.record(
        session,
        actor=caller.actor,
        action="risk.rule_set_uploaded",
        subject=f"rule_set:{row.version}",
        sha256=row.sha256,
        against=current.version,
        **activation.changes(current, rule_set),
    )
    return {**activation.version_out(row), "changes": activation.changes(current, rule_set)}


@router.get("/rule-sets")
def list_rule_sets(caller: CallerDep, session: SessionDep) -> dict[str, Any]:
    """The rule set in force today and the uploaded versions."""
    require_roles(caller, *_READERS)
    current = activation.in_force(session, dates.today())
    return {
        "in_force": {"version": current.version, "valid_from": current.valid_from.isoformat()},
        "uploaded": [activation.version_out(r) for r in activation.versions(session)],
    }


class ActivateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    active_from: date | None = None


@router.post("/rule-sets/{version}/activate")
def activate_rule_set(
    version: str, body: ActivateIn, caller: CallerDep, session: SessionDep
) -> dict[str, Any]:
    """Activate an uploaded version from a day (today by default); customs decides."""
    require_roles(caller, CallerRole.customs)
    today = dates.today()
    before = activation.in_force(session, today)
    row = activation.activate(
        session, version, active_from=body.active_from or today, actor=caller.actor, today=today
    )
    audit.record(
        session,
        actor=caller.actor,
        action="risk.rule_set_activated",
        subject=f"rule_set:{row.version}",
        active_from=str(row.active_from),
        replaces=before.version,
        sha256=row.sha256,
    )
    return activation.version_out(row)
