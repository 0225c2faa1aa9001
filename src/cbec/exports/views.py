"""Read models of export clearance: the lifecycle of an export, the register report, warehouse stock."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cbec.auth.service import Caller
from cbec.errors import ErrorCode, NotFoundError
from cbec.exports.models import ExportEvent, ExportOrder, ExportTaxEntry, OverseasStockMove, OverseasWarehouse


def _readable(caller: Caller, order: ExportOrder) -> bool:
    return caller.reads_everything or caller.enterprise_id in (order.parties or [])


def lifecycle(
    session: Session, caller: Caller, order: ExportOrder | None, key: dict[str, str]
) -> dict[str, Any]:
    """One export's life, or 404 (also when the caller may not read it)."""
    if order is None or not _readable(caller, order):
        raise NotFoundError(ErrorCode.NOT_FOUND, data=key)
    events = session.scalars(
        select(ExportEvent).where(ExportEvent.order_id == order.id).order_by(ExportEvent.id)
    ).all()
    return {
        "ebpCode": order.ebp_code,
        "ebcCode": order.ebc_code,
        "orderNo": order.order_no,
        "orderType": order.order_type,
        "tradeMode": order.trade_mode,
        "statisticsFlag": order.statistics_flag,
        "invtNo": order.invt_no,
        "state": order.state,
        "returnStatus": order.return_status,
        "country": order.country,
        "logisticsNo": order.logistics_no,
        "billNo": order.bill_no,
        "sumNo": order.sum_no,
        "totalValue": str(order.total_value) if order.total_value is not None else None,
        "currency": order.currency,
        "documents": {
            "order": order.order_doc_id,
            "receipt": order.receipt_doc_id,
            "waybill": order.waybill_doc_id,
            "inventory": order.inventory_doc_id,
        },
        "findings": order.findings or [],
        "arrived_at": order.arrived_at.isoformat() if order.arrived_at else None,
        "released_at": order.released_at.isoformat() if order.released_at else None,
        "departed_at": order.departed_at.isoformat() if order.departed_at else None,
        "history": [
            {"at": e.at.isoformat(), "state": e.state, "returnStatus": e.return_status, "info": e.info}
            for e in events
        ],
    }


def by_key(session: Session, ebp_code: str, order_no: str, caller: Caller) -> ExportOrder | None:
    rows = session.scalars(
        select(ExportOrder).where(ExportOrder.ebp_code == ebp_code, ExportOrder.order_no == order_no)
    ).all()
    readable = [r for r in rows if _readable(caller, r)]
    return readable[0] if readable else None


def by_invt_no(session: Session, invt_no: str) -> ExportOrder | None:
    return session.scalars(select(ExportOrder).where(ExportOrder.invt_no == invt_no)).first()


def register_report(session: Session, enterprise_code: str, start: date, end: date) -> dict[str, Any]:
    """The 无票免税 register of one enterprise and period: its lines and totals per currency."""
    rows = session.scalars(
        select(ExportTaxEntry)
        .where(
            ExportTaxEntry.enterprise_code == enterprise_code,
            ExportTaxEntry.export_date >= start,
            ExportTaxEntry.export_date <= end,
        )
        .order_by(ExportTaxEntry.export_date, ExportTaxEntry.invt_no, ExportTaxEntry.gnum)
    ).all()
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for r in rows:
        if r.qualifies:
            totals[r.currency] += r.amount
    return {
        "enterprise": enterprise_code,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "entries": [
            {
                "export_date": r.export_date.isoformat(),
                "invtNo": r.invt_no,
                "gnum": r.gnum,
                "goods_name": r.goods_name,
                "gcode": r.gcode,
                "unit": r.unit,
                "qty": str(r.qty),
                "unit_price": str(r.unit_price),
                "amount": str(r.amount),
                "currency": r.currency,
                "trade_mode": r.trade_mode,
                "qualifies": r.qualifies,
                "findings": r.findings,
            }
            for r in rows
        ],
        "qualifying_totals": {currency: str(amount) for currency, amount in sorted(totals.items())},
        "lines": len(rows),
    }


def stock(session: Session, warehouse: OverseasWarehouse) -> list[dict[str, str]]:
    """Stock on hand per item: exported in (9810) minus sold."""
    rows = session.execute(
        select(
            OverseasStockMove.item_no,
            OverseasStockMove.gcode,
            OverseasStockMove.unit,
            func.sum(OverseasStockMove.qty),
        )
        .where(OverseasStockMove.warehouse_id == warehouse.id)
        .group_by(OverseasStockMove.item_no, OverseasStockMove.gcode, OverseasStockMove.unit)
        .order_by(OverseasStockMove.item_no)
    ).all()
    return [{"item_no": i, "gcode": g, "unit": u, "qty": str(Decimal(q))} for i, g, u, q in rows]
