"""Alerts and cases: officers open a case on a declaration's alerts, record the inspection, close it.

Closing a case drives the lifecycle through the clearance engine's inspection service (clean → 800;
sent back → 700; detained → 50x), records what was found and the revenue found, and the outcome is
a labelled example for training the risk model (and, later, a credit event).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cbec.clearance.enums import ClearanceState, InspectionResult
from cbec.clearance.models import ClearanceOrder
from cbec.clearance.service import ClearanceEngine
from cbec.credit import service as credit
from cbec.errors import ErrorCode, InvalidInputError, NotFoundError
from cbec.kernel import dates
from cbec.kernel.dates import utc_now
from cbec.registry import repository as registry_repo
from cbec.risk.models import RiskAlert, RiskCase


class FindingKind(StrEnum):
    """What an inspection found (查验结果类别)."""

    clean = "clean"  # 无异常
    misdeclared_value = "misdeclared_value"  # 低报价格
    wrong_hs = "wrong_hs"  # 归类错误
    prohibited_goods = "prohibited_goods"  # 禁限物品
    ip_infringement = "ip_infringement"  # 侵犯知识产权
    quantity_mismatch = "quantity_mismatch"  # 数量不符
    other = "other"  # 其他


def alerts(session: Session, *, status: str | None = "open", limit: int = 200) -> Sequence[RiskAlert]:
    query = select(RiskAlert).order_by(RiskAlert.created_at.desc()).limit(limit)
    if status:
        query = query.where(RiskAlert.status == status)
    return session.scalars(query).all()


def open_case(session: Session, *, alert_ids: Sequence[str], actor: str, assigned_to: str | None) -> RiskCase:
    """Open a case on alerts of one declaration (they move to ``in_case``)."""
    rows = session.scalars(select(RiskAlert).where(RiskAlert.id.in_(alert_ids)).with_for_update()).all()
    if not rows or len(rows) != len(set(alert_ids)):
        raise NotFoundError(ErrorCode.NOT_FOUND, data={"alerts": list(alert_ids)})
    orders = {r.order_id for r in rows}
    if len(orders) != 1:
        raise InvalidInputError(
            ErrorCode.VALIDATION_FAILED, "一个案件只对应一票申报清单", data={"orders": sorted(orders)}
        )
    order = session.get(ClearanceOrder, rows[0].order_id)
    assert order is not None
    case = RiskCase(
        order_id=order.id, invt_no=order.invt_no, opened_by=actor, assigned_to=assigned_to, findings=[]
    )
    session.add(case)
    session.flush()
    for row in rows:
        row.status = "in_case"
        row.case_id = case.id
    return case


def close_case(
    session: Session,
    engine: ClearanceEngine,
    case_id: str,
    *,
    result: InspectionResult,
    findings: Sequence[dict[str, Any]],
    revenue_found: Decimal,
    actor: str,
) -> RiskCase:
    """Record the inspection and close the case; an inventory under inspection takes its outcome."""
    case = session.get(RiskCase, case_id)
    if case is None:
        raise NotFoundError(ErrorCode.NOT_FOUND, data={"case": case_id})
    if case.status == "closed":
        raise InvalidInputError(ErrorCode.INVALID_STATUS_CHANGE, "案件已结案", data={"case": case_id})
    kinds = [FindingKind(str(f.get("kind", "other"))).value for f in findings]  # refuses unknown kinds
    order = session.get(ClearanceOrder, case.order_id)
    assert order is not None
    if order.state == ClearanceState.inspecting and order.invt_no:
        note = "；".join(f"{f.get('kind')}:{f.get('note', '')}" for f in findings)
        # the case records the credit fact itself (with its revenue found), so the engine does not
        engine.inspect(session, order.invt_no, result, note, actor=actor, now=utc_now(), record_credit=False)
    case.status = "closed"
    case.result = result.value
    case.findings = [
        {"kind": k, "note": str(f.get("note", ""))} for k, f in zip(kinds, findings, strict=True)
    ]
    case.revenue_found = revenue_found
    case.closed_at = utc_now()
    case.closed_by = actor
    for alert in session.scalars(select(RiskAlert).where(RiskAlert.case_id == case.id)):
        alert.status = "closed"
    if result is not InspectionResult.clean:
        record_finding(session, order, case, actor=actor)
    return case


def record_finding(session: Session, order: ClearanceOrder, case: RiskCase, *, actor: str) -> None:
    """A case that found something becomes a credit fact of the seller (来源：平台查验结果)."""
    seller = registry_repo.by_code(session, str((order.assessment or {}).get("enterprise_code") or ""))
    if seller is None:
        return
    credit.record_platform_fact(
        session,
        seller,
        kind="inspection_finding",
        value=str(case.result),
        basis=f"case:{case.id}",
        note="；".join(f"{f['kind']}:{f['note']}" for f in case.findings),
        actor=actor,
        on=dates.today(),
    )


def case_out(case: RiskCase) -> dict[str, Any]:
    return {
        "id": case.id,
        "order_id": case.order_id,
        "invtNo": case.invt_no,
        "status": case.status,
        "opened_by": case.opened_by,
        "assigned_to": case.assigned_to,
        "result": case.result,
        "findings": case.findings,
        "revenue_found": str(case.revenue_found) if case.revenue_found is not None else None,
        "closed_at": case.closed_at.isoformat() if case.closed_at else None,
        "closed_by": case.closed_by,
    }


def alert_out(alert: RiskAlert) -> dict[str, Any]:
    return {
        "id": alert.id,
        "created_at": alert.created_at.isoformat(),
        "order_id": alert.order_id,
        "declaration_key": alert.declaration_key,
        "rule": alert.rule_id,
        "action": alert.action,
        "score": str(alert.score),
        "description": alert.description,
        "status": alert.status,
        "case_id": alert.case_id,
    }
