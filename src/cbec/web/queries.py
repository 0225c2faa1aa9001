"""What the web pages list: small queries over the platform's tables (each page reads only these)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import Session

from cbec.clearance.models import ClearanceOrder
from cbec.kernel.dates import SHANGHAI
from cbec.messages.models import Receipt
from cbec.registry.models import Enterprise
from cbec.risk.models import RiskCase

PAGE = 50


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)


def declarations(
    session: Session,
    *,
    q: str = "",
    state: str = "",
    day: date | None = None,
    party_id: str | None = None,
    limit: int = PAGE,
) -> Sequence[ClearanceOrder]:
    """Import declarations, newest first: by order / inventory / logistics number, state, day; an
    enterprise (``party_id``) sees only the orders that name it."""
    query = select(ClearanceOrder).order_by(ClearanceOrder.created_at.desc()).limit(limit)
    if q.strip():
        term = q.strip()
        query = query.where(
            or_(
                ClearanceOrder.order_no == term,
                ClearanceOrder.invt_no == term,
                ClearanceOrder.logistics_no == term,
                ClearanceOrder.order_no.like(f"{term}%"),
            )
        )
    if state:
        query = query.where(ClearanceOrder.state == state)
    if day is not None:
        query = query.where(
            ClearanceOrder.created_at >= _day_start(day),
            ClearanceOrder.created_at < _day_start(day + timedelta(days=1)),
        )
    if party_id is not None:
        query = query.where(cast(ClearanceOrder.parties, String).like(f"%{party_id}%"))
    rows = session.scalars(query).all()
    if party_id is not None:  # the text match narrows; membership decides
        rows = [r for r in rows if party_id in (r.parties or [])]
    return rows


def order_by_id(session: Session, order_id: str) -> ClearanceOrder | None:
    return session.get(ClearanceOrder, order_id)


def enterprises(session: Session, *, q: str = "", limit: int = 200) -> Sequence[Enterprise]:
    query = select(Enterprise).order_by(Enterprise.name).limit(limit)
    if q.strip():
        term = f"%{q.strip()}%"
        query = query.where(
            or_(Enterprise.name.like(term), Enterprise.uscc.like(term), Enterprise.customs_code.like(term))
        )
    return session.scalars(query).all()


def cases(session: Session, *, status: str = "open", limit: int = PAGE) -> Sequence[RiskCase]:
    query = select(RiskCase).order_by(RiskCase.created_at.desc()).limit(limit)
    if status:
        query = query.where(RiskCase.status == status)
    return session.scalars(query).all()


def receipts(session: Session, enterprise_id: str, *, limit: int = PAGE) -> Sequence[Receipt]:
    return session.scalars(
        select(Receipt)
        .where(Receipt.recipient_enterprise_id == enterprise_id)
        .order_by(Receipt.id.desc())
        .limit(limit)
    ).all()


def tax_bills(session: Session, enterprise_id: str, *, limit: int = PAGE) -> dict[str, Any]:
    """Orders with tax naming the enterprise, newest first, and the totals."""
    rows = [
        r
        for r in declarations(session, party_id=enterprise_id, limit=limit * 4)
        if r.tax_total is not None and r.released_at is not None
    ][:limit]
    total = sum((r.tax_total or Decimal(0) for r in rows), Decimal(0))
    return {"rows": rows, "total": total}


def counts(session: Session) -> dict[str, int]:
    """Headline counts for the console's home."""
    from cbec.credit.models import CreditAppeal
    from cbec.risk.models import RiskAlert

    def count(query: Any) -> int:
        return int(session.scalar(query) or 0)

    return {
        "alerts_open": count(select(func.count()).select_from(RiskAlert).where(RiskAlert.status == "open")),
        "cases_open": count(select(func.count()).select_from(RiskCase).where(RiskCase.status == "open")),
        "appeals_pending": count(
            select(func.count()).select_from(CreditAppeal).where(CreditAppeal.status == "pending")
        ),
        "inspecting": count(
            select(func.count()).select_from(ClearanceOrder).where(ClearanceOrder.state == "inspecting")
        ),
        "enterprises": count(select(func.count()).select_from(Enterprise)),
    }
