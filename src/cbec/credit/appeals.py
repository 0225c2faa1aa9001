"""Objections and credit repair (信用异议、信用修复).

An enterprise objects to a fact or a listing it believes wrong (异议), or applies for repair of one
it has put right (修复: e.g. the penalty paid and the conduct corrected, Order 251 Art. 26 asks for the
penalty decisions and proof of payment). The agency that posted the record decides — the operator
for the platform's own records. Upheld, the record is withdrawn (kept, with who and when), the
rating is recomputed at once, and the appeal keeps the score and grade before and after.

Our reading: Order 251/282 and the tax and market rules each have their own repair conditions and
waiting periods; they are not encoded here (the deciding agency applies them). What the platform
guarantees is the procedure: who may decide, that nothing is deleted, and the effect on the score.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cbec.auth.enums import CallerRole
from cbec.credit import scores
from cbec.credit.models import CreditAppeal, CreditFact, CreditListing
from cbec.errors import ConflictError, ErrorCode, InvalidInputError, NotFoundError, PermissionDeniedError
from cbec.kernel.dates import utc_now
from cbec.registry.models import Enterprise
from cbec.store import dated

KINDS = ("objection", "repair")  # 异议 | 信用修复
TARGETS = ("fact", "listing")


def _decider(source: str) -> str:
    """Who decides on a record: its posting agency; the operator for the platform's own facts."""
    return CallerRole.operator.value if source == "platform" else source


def _target(session: Session, target_type: str, target_id: str) -> CreditFact | CreditListing | None:
    if target_type == "fact":
        return session.get(CreditFact, target_id, with_for_update=True)
    return session.get(CreditListing, target_id, with_for_update=True)


def file_appeal(
    session: Session,
    enterprise: Enterprise,
    *,
    kind: str,
    target_type: str,
    target_id: str,
    reason: str,
    evidence: str,
    actor: str,
) -> CreditAppeal:
    """File an objection or a repair application on one of the enterprise's own records."""
    if kind not in KINDS or target_type not in TARGETS:
        raise InvalidInputError(
            ErrorCode.VALIDATION_FAILED,
            "申请类别或对象无效",
            data={"kind": kind, "kinds": list(KINDS), "target_type": target_type, "targets": TARGETS},
        )
    target = _target(session, target_type, target_id)
    if target is None or target.enterprise_id != enterprise.id or target.withdrawn_at is not None:
        raise NotFoundError(ErrorCode.NOT_FOUND, data={target_type: target_id})
    pending = session.scalar(
        select(CreditAppeal.id).where(
            CreditAppeal.target_type == target_type,
            CreditAppeal.target_id == target_id,
            CreditAppeal.status == "pending",
        )
    )
    if pending is not None:
        raise ConflictError(ErrorCode.APPEAL_ALREADY_PENDING, data={"appeal": pending})
    appeal = CreditAppeal(
        enterprise_id=enterprise.id,
        kind=kind,
        target_type=target_type,
        target_id=target_id,
        decider=_decider(target.source),
        reason=reason,
        evidence=evidence,
        filed_by=actor,
    )
    session.add(appeal)
    session.flush()
    return appeal


def decide_appeal(
    session: Session, appeal_id: str, *, upheld: bool, note: str, role: CallerRole, actor: str
) -> CreditAppeal:
    """The deciding agency upholds or rejects; upheld withdraws the record and recomputes the rating."""
    appeal = session.get(CreditAppeal, appeal_id, with_for_update=True)
    if appeal is None:
        raise NotFoundError(ErrorCode.NOT_FOUND, data={"appeal": appeal_id})
    if role.value != appeal.decider:
        raise PermissionDeniedError(
            ErrorCode.PERMISSION_DENIED, data={"appeal": appeal_id, "decider": appeal.decider}
        )
    if appeal.status != "pending":
        raise ConflictError(ErrorCode.APPEAL_ALREADY_DECIDED, data={"status": appeal.status})
    enterprise = session.get(Enterprise, appeal.enterprise_id)
    assert enterprise is not None  # appeals reference enterprises by foreign key
    trigger = f"appeal:{appeal.kind}:{appeal.id}"
    before = scores.rescore(session, [enterprise], trigger=trigger, actor=actor)[enterprise.id]
    appeal.score_before, appeal.grade_before = before.score, before.grade
    if upheld:
        target = _target(session, appeal.target_type, appeal.target_id)
        assert target is not None
        dated.withdraw(target, actor=actor)
        session.flush()
    after = scores.rescore(session, [enterprise], trigger=trigger, actor=actor)[enterprise.id]
    appeal.score_after, appeal.grade_after = after.score, after.grade
    appeal.status = "upheld" if upheld else "rejected"
    appeal.decided_by = actor
    appeal.decided_at = utc_now()
    appeal.decision_note = note
    session.flush()
    return appeal


def appeals(
    session: Session,
    *,
    enterprise_id: str | None = None,
    decider: str | None = None,
    status: str | None = None,
) -> Sequence[CreditAppeal]:
    """Appeals, newest first, filtered by enterprise, deciding role and status."""
    query = select(CreditAppeal).order_by(CreditAppeal.filed_at.desc())
    if enterprise_id is not None:
        query = query.where(CreditAppeal.enterprise_id == enterprise_id)
    if decider is not None:
        query = query.where(CreditAppeal.decider == decider)
    if status is not None:
        query = query.where(CreditAppeal.status == status)
    return session.scalars(query).all()


def appeal_out(appeal: CreditAppeal) -> dict[str, Any]:
    def text(value: Any) -> str | None:
        return None if value is None else str(value)

    return {
        "id": appeal.id,
        "kind": appeal.kind,
        "target_type": appeal.target_type,
        "target_id": appeal.target_id,
        "decider": appeal.decider,
        "reason": appeal.reason,
        "evidence": appeal.evidence,
        "status": appeal.status,
        "filed_by": appeal.filed_by,
        "filed_at": appeal.filed_at.isoformat(),
        "decided_by": appeal.decided_by,
        "decided_at": text(appeal.decided_at and appeal.decided_at.isoformat()),
        "decision_note": appeal.decision_note,
        "score_before": text(appeal.score_before),
        "grade_before": appeal.grade_before,
        "score_after": text(appeal.score_after),
        "grade_after": appeal.grade_after,
    }
