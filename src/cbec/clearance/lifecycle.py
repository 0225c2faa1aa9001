"""The order lifecycle view (源头可溯、去向可查): everything about one import order, for its parties."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cbec.auth.service import Caller
from cbec.clearance import adapters
from cbec.clearance.models import ClearanceEvent, ClearanceOrder
from cbec.errors import ErrorCode, NotFoundError
from cbec.messages.models import Document


def annual_limit(at: datetime) -> Decimal:
    """The annual limit per person in force at ``at``."""
    return adapters.Rules.load().annual_limit_at(at)


def _may_read(caller: Caller, order: ClearanceOrder) -> bool:
    return caller.reads_everything or caller.enterprise_id in (order.parties or [])


def view(session: Session, caller: Caller, ebp_code: str, order_no: str) -> dict[str, Any]:
    """The lifecycle of one order, or 404 (also when the caller may not read it)."""
    order = session.scalars(
        select(ClearanceOrder).where(ClearanceOrder.ebp_code == ebp_code, ClearanceOrder.order_no == order_no)
    ).first()
    if order is None or not _may_read(caller, order):
        raise NotFoundError(ErrorCode.NOT_FOUND, data={"ebpCode": ebp_code, "orderNo": order_no})
    doc_ids = {
        "order": order.order_doc_id,
        "payment": order.payment_doc_id,
        "waybill": order.waybill_doc_id,
        "inventory": order.inventory_doc_id,
    }
    docs = {
        d.id: d
        for d in session.scalars(select(Document).where(Document.id.in_([i for i in doc_ids.values() if i])))
    }
    events = session.scalars(
        select(ClearanceEvent).where(ClearanceEvent.order_id == order.id).order_by(ClearanceEvent.id)
    ).all()
    money = {
        k: (str(v) if v is not None else None)
        for k, v in (
            ("taxable_price", order.taxable_price),
            ("customs_duty", order.customs_duty),
            ("vat", order.vat),
            ("consumption_tax", order.consumption_tax),
            ("total", order.tax_total),
        )
    }
    return {
        "ebpCode": order.ebp_code,
        "orderNo": order.order_no,
        "invtNo": order.invt_no,
        "tradeMode": order.trade_mode,
        "state": order.state,
        "returnStatus": order.return_status,
        "documents": {
            name: (
                {
                    "id": docs[i].id,
                    "message_type": docs[i].message_type,
                    "business_key": docs[i].business_key,
                    "record_guid": docs[i].record_guid,
                    "received_at": docs[i].created_at.isoformat(),
                }
                if i and i in docs
                else None
            )
            for name, i in doc_ids.items()
        },
        "findings": order.findings or [],
        "tax": {**money, "explanation": (order.assessment or {}).get("explanation")},
        "assessment": order.assessment,
        "quota": {
            "year": order.quota_year,
            "used": str(order.quota_used) if order.quota_used is not None else None,
        },
        "inspection_path": order.inspection_path,
        "arrived_at": order.arrived_at.isoformat() if order.arrived_at else None,
        "signed_at": order.signed_at.isoformat() if order.signed_at else None,
        "released_at": order.released_at.isoformat() if order.released_at else None,
        "history": [
            {
                "at": e.at.isoformat(),
                "state": e.state,
                "returnStatus": e.return_status,
                "info": e.info,
                "actor": e.actor,
            }
            for e in events
        ],
    }
