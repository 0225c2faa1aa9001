"""The export engine: 9610 / 9710 / 9810 (and 1210) exports from order to departure, returns, summaries.

Flow (ceb.md §7.2): CEB303 order (+ CEB403 receipt of payment) + CEB505 waybill → CEB603 inventory
(checked, 120 with ``invtNo``) → CEB507 arrival at the supervised site → release (CEB604 ``800``) →
CEB607 master/sub waybill → CEB509 departure (``899`` closed).  Cancellation CEB605 before departure;
returns CEB213 (application) and CEB215 (tally at the site).  CEB701 summary applications are answered
by :mod:`cbec.exports.summarising` with CEB792.  On release a 9610 line enters the 无票免税 register
and a 9810 line enters the consignor's overseas warehouse stock.

Like the import engine it works in the worker's transaction, batch by batch, and is idempotent:
a decided inventory is not decided again and every receipt carries a dedupe key.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from cbec.clearance.batch import DocumentBatch
from cbec.clearance.reasons import return_info
from cbec.clearance.receipts import declaration_receipt
from cbec.exports import checks
from cbec.exports.models import ExportEvent, ExportOrder, ExportTaxEntry, OverseasStockMove, OverseasWarehouse
from cbec.exports.reasons import ExportReason
from cbec.kernel.dates import SHANGHAI, ceb_time17
from cbec.messages.models import Document, DocumentKey, Receipt
from cbec.messages.serials import next_serial
from cbec.store.base import new_id
from cbec.store.upsert import insert_ignore

ORDER = "CEB303Message"
RECEIPT = "CEB403Message"
WAYBILL = "CEB505Message"
ARRIVAL = "CEB507Message"
DEPARTURE = "CEB509Message"
INVENTORY = "CEB603Message"
CANCEL = "CEB605Message"
MASTER_WAYBILL = "CEB607Message"
RETURN = "CEB213Message"
TALLY = "CEB215Message"
SUMMARY = "CEB701Message"
EXPORT_TYPES = frozenset(
    {ORDER, RECEIPT, WAYBILL, ARRIVAL, DEPARTURE, INVENTORY, CANCEL, MASTER_WAYBILL, RETURN, TALLY, SUMMARY}
)

ENTERED = "120"
RELEASED = "800"
CLOSED = "899"
CONCLUDED = "399"
REFUSED = "100"

#: Trade modes whose lines enter the 无票免税 register (财税〔2018〕103号; 9610 only in practice [S]).
REGISTER_TRADE_MODES = frozenset({"9610"})
OVERSEAS_WAREHOUSE_MODE = "9810"


class ExportEngine:
    """Export clearance inside the caller's transaction."""

    def process(self, session: Session, events: Sequence[dict[str, Any]], now: datetime) -> int:
        """Apply the export events of a batch; returns how many it handled."""
        mine = [e for e in events if e.get("message_type") in EXPORT_TYPES]
        if not mine:
            return 0
        batch = _ExportBatch(session, now)
        with session.no_autoflush:
            docs = batch.load([e["document_id"] for e in mine])
            for event in mine:
                document = docs.get(event["document_id"])
                if document is not None and event.get("status", "accepted") != "deleted":
                    batch.route(document)
                    # Export documents follow one another (arrival, departure): decide as soon as the
                    # set is complete, so a later document in the same batch finds the inventory decided.
                    for order in list(batch.touched.values()):
                        if order.state == "waiting" and order.inventory_doc_id:
                            batch.evaluate(order)
            batch.finish()
        return len(mine)


def sweep_exports(session: Session, now: datetime, wait: timedelta) -> int:
    """Refuse export inventories still missing their order or waybill after the wait (named)."""
    batch = _ExportBatch(session, now)
    stale = session.scalars(
        select(ExportOrder)
        .where(
            ExportOrder.state == "waiting",
            ExportOrder.inventory_doc_id.is_not(None),
            ExportOrder.updated_at < now - wait,
        )
        .with_for_update(skip_locked=True)
    ).all()
    with session.no_autoflush:
        for order in stale:
            batch.touched[(order.ebc_code, order.order_no)] = order
            batch.evaluate(order, timed_out=True)
        batch.finish()
    return len(stale)


class _ExportBatch(DocumentBatch):
    def __init__(self, session: Session, now: datetime) -> None:
        super().__init__(session, now)
        self.touched: dict[tuple[str, str], ExportOrder] = {}
        self.events: list[dict[str, Any]] = []

    # -- loading ---------------------------------------------------------------------------------

    def load(self, ids: Iterable[str]) -> dict[str, Document]:
        return self.load_documents(ids)

    def live(self, message_type: str, key: str) -> str | None:
        row = self.session.get(DocumentKey, (message_type, key))
        return row.document_id if row else None

    def order(self, ebc_code: str, order_no: str) -> ExportOrder:
        key = (ebc_code.strip().upper(), order_no)
        if key in self.touched:
            return self.touched[key]
        self.session.execute(
            insert_ignore(self.session, ExportOrder, ["ebc_code", "order_no"]),
            [
                {
                    "id": new_id(),
                    "ebc_code": key[0],
                    "order_no": order_no,
                    "state": "waiting",
                    "parties": [],
                    "findings": [],
                    "created_at": self.now,
                    "updated_at": self.now,
                }
            ],
        )
        found = self.session.scalars(
            select(ExportOrder)
            .where(ExportOrder.ebc_code == key[0], ExportOrder.order_no == order_no)
            .with_for_update()
        ).one()
        self.touched[key] = found
        return found

    def by_logistics(self, code: str, number: str) -> ExportOrder | None:
        for order in self.touched.values():
            if (order.logistics_code, order.logistics_no) == (code, number):
                return order
        found = self.session.scalars(
            select(ExportOrder).where(ExportOrder.logistics_code == code, ExportOrder.logistics_no == number)
        ).first()
        if found is not None:
            self.touched[(found.ebc_code, found.order_no)] = found
        return found

    def by_invt_no(self, invt_no: str) -> ExportOrder | None:
        found = self.session.scalars(
            select(ExportOrder).where(ExportOrder.invt_no == invt_no).with_for_update()
        ).first()
        if found is not None:
            self.touched[(found.ebc_code, found.order_no)] = found
        return found

    # -- routing -----------------------------------------------------------------------------------

    def route(self, document: Document) -> None:
        head = document.head
        kind = document.message_type
        if kind == ORDER:
            order = self.order(head["ebcCode"], head["orderNo"])
            order.ebp_code = head.get("ebpCode")
            order.order_type = head.get("orderType")
            if order.state == "waiting":
                order.order_doc_id = document.id
            self.answer(document, ENTERED, "海关入库")
        elif kind == RECEIPT:
            order = self.order(head["ebcCode"], head["orderNo"])
            order.receipt_doc_id = document.id
            self.answer(document, ENTERED, "海关入库")
        elif kind == WAYBILL:
            found = self.by_logistics(head["logisticsCode"], head["logisticsNo"])
            if found is not None and found.state == "waiting":
                found.waybill_doc_id = document.id
            self.answer(document, ENTERED, "海关入库")
        elif kind == INVENTORY:
            self.route_inventory(document)
        elif kind == ARRIVAL:
            self.arrival(document)
        elif kind == MASTER_WAYBILL:
            self.master_waybill(document)
        elif kind == DEPARTURE:
            self.departure(document)
        elif kind == CANCEL:
            self.cancel(document)
        elif kind == RETURN:
            self.return_application(document)
        elif kind == TALLY:
            self.answer(document, ENTERED, "理货明细已入库")
        elif kind == SUMMARY:
            from cbec.exports.summarising import apply_summary

            apply_summary(self, document)

    def route_inventory(self, document: Document) -> None:
        head = document.head
        order = self.order(head["ebcCode"], head["orderNo"])
        if order.state != "waiting":
            return
        order.inventory_doc_id = document.id
        order.ebp_code = head.get("ebpCode")
        order.trade_mode = head.get("tradeMode")
        order.statistics_flag = head.get("statisticsFlag")
        order.logistics_code = head.get("logisticsCode")
        order.logistics_no = head.get("logisticsNo")
        order.country = head.get("country")
        order.pre_no = self.pre_no_of(document)
        if order.order_doc_id is None:
            order.order_doc_id = self.live(
                ORDER, f"{head.get('ebpCode', '')}|{head['ebcCode']}|{head['orderNo']}"
            )
        if order.waybill_doc_id is None:
            order.waybill_doc_id = self.live(WAYBILL, f"{order.logistics_code}|{order.logistics_no}")
        self.event(order, "waiting", "2", "出口清单已接收")

    def pre_no_of(self, document: Document) -> str | None:
        body = self.session.scalars(
            select(Receipt.body)
            .where(Receipt.document_id == document.id, Receipt.dedupe_key.is_(None))
            .limit(1)
        ).first()
        return str(body["preNo"]) if body and body.get("preNo") else None

    # -- decisions -----------------------------------------------------------------------------------

    def evaluate(self, order: ExportOrder, *, timed_out: bool = False) -> None:
        if (order.order_doc_id is None or order.waybill_doc_id is None) and not timed_out:
            return  # waits; the order and waybill may still come (the sweep ends the wait)
        docs = self.load([order.order_doc_id or "", order.waybill_doc_id or "", order.inventory_doc_id or ""])
        inventory = docs[order.inventory_doc_id or ""]
        ordered, waybill = docs.get(order.order_doc_id or ""), docs.get(order.waybill_doc_id or "")
        codes = {inventory.head.get(f, "").strip().upper() for f in checks.PARTY_ROLES}
        parties = {
            code: checks.Party(frozenset(e.roles), e.status)
            for code in codes
            if code and (e := self.enterprise(code)) is not None
        }
        order.parties = sorted({e.id for c in codes if c and (e := self.enterprise(c)) is not None})
        findings = checks.check_export_set(
            ordered.head if ordered else None,
            ordered.lists.get("OrderList", []) if ordered else [],
            waybill.head if waybill else None,
            inventory.head,
            inventory.lists.get("InventoryList", []),
            parties,
        )
        if findings:
            info = return_info(findings)
            order.findings = [f.as_dict() for f in findings]
            self.transition(order, "refused", REFUSED, info)
            self.inventory_receipt(order, inventory, REFUSED, info)
            return
        lines = inventory.lists.get("InventoryList", [])
        order.total_value = sum((Decimal(line["totalPrice"]) for line in lines), Decimal(0))
        order.currency = lines[0].get("currency") if lines else None
        order.invt_no = self.new_invt_no(inventory.head.get("customsCode", "0000"))
        self.transition(order, "accepted", ENTERED, "[Code:1800;Desc:逻辑校验通过]")
        self.inventory_receipt(order, inventory, ENTERED, "[Code:1800;Desc:逻辑校验通过]")
        if order.arrived_at is not None:
            self.release(order, inventory)

    def release(self, order: ExportOrder, inventory: Document) -> None:
        """Goods at the site and the inventory accepted: 399 → 800; register and overseas stock follow."""
        self.transition(order, order.state, CONCLUDED, "[Code:2500;Desc:审结]")
        order.released_at = self.now
        self.transition(order, "released", RELEASED, "[Code:2600;Desc:放行]")
        self.inventory_receipt(order, inventory, RELEASED, "[Code:2600;Desc:放行]")
        lines = inventory.lists.get("InventoryList", [])
        if order.trade_mode in REGISTER_TRADE_MODES:
            self.register(order, inventory, lines)

    def new_invt_no(self, customs_code: str) -> str:
        """Export inventory number: 4-digit customs + 4-digit year + ``E`` + serial (C..20, ceb.md §1.1)."""
        year = self.now.astimezone(SHANGHAI).year
        serial = next_serial(self.session, f"invtNoE:{customs_code}:{year}")
        return f"{customs_code[:4]}{year}E{serial:09d}"

    def register(self, order: ExportOrder, inventory: Document, lines: list[dict[str, str]]) -> None:
        """The 无票免税 register entry per released line (财税〔2018〕103号 condition 1)."""
        from cbec.exports.tax_register import register_rows

        rows = register_rows(order, inventory.head, lines, self.now)
        if rows:
            self.session.execute(insert_ignore(self.session, ExportTaxEntry, ["invt_no", "gnum"]), rows)

    def stock_in(self, order: ExportOrder, lines: list[dict[str, str]]) -> None:
        """9810: the exported goods enter the consignor's overseas warehouse in the country of arrival."""
        owner = self.enterprise(order.ebc_code)
        if owner is None:
            return
        warehouses = self.session.scalars(
            select(OverseasWarehouse)
            .where(OverseasWarehouse.owner_enterprise_id == owner.id)
            .order_by(OverseasWarehouse.created_at)
        ).all()
        target = next(
            (w for w in warehouses if w.country == order.country), warehouses[0] if warehouses else None
        )
        if target is None:
            self.event(order, order.state, "NOWH", "9810出口：收发货人未备案海外仓，库存未记账")
            return
        for line in lines:
            self.session.add(
                OverseasStockMove(
                    warehouse_id=target.id,
                    item_no=line.get("itemNo", ""),
                    gcode=line.get("gcode", ""),
                    qty=Decimal(line["qty"]),
                    unit=line.get("unit", ""),
                    kind="in",
                    invt_no=order.invt_no,
                    at=self.now,
                )
            )

    # -- site, departure, cancel, return ---------------------------------------------------------------

    def arrival(self, document: Document) -> None:
        """CEB507 运抵: the listed waybills are at the site; accepted inventories are released."""
        code = document.head.get("logisticsCode", "")
        for line in document.lists.get("ArrivalList", []):
            order = self.by_logistics(code, line.get("logisticsNo", ""))
            if order is None or order.arrived_at is not None:
                continue
            order.arrived_at = self.now
            self.event(order, order.state, "ARRIVED", "运抵监管场所")
            if order.state == "accepted" and order.inventory_doc_id:
                inventory = self.load([order.inventory_doc_id])[order.inventory_doc_id]
                self.release(order, inventory)
        self.answer(document, ENTERED, "运抵单已入库")

    def master_waybill(self, document: Document) -> None:
        """CEB607 清单总分单: link the master bill of lading to the listed waybills."""
        bill = document.head.get("billNo")
        for line in document.lists.get("WayBillList", []):
            order = self.by_logistics(document.head.get("logisticsCode", ""), line.get("logisticsNo", ""))
            if order is not None:
                order.bill_no = bill
        self.answer(document, ENTERED, "总分单已入库")

    def departure(self, document: Document) -> None:
        """CEB509 离境: released goods left China; the inventory is closed (899)."""
        code = document.head.get("logisticsCode", "")
        for line in document.lists.get("DepartureList", []):
            order = self.by_logistics(code, line.get("logisticsNo", ""))
            if order is None or order.state != "released" or order.departed_at is not None:
                continue
            order.departed_at = self.now
            self.transition(order, "departed", CLOSED, "[Code:2700;Desc:离境结关]")
            inventory = self.load([order.inventory_doc_id or ""]).get(order.inventory_doc_id or "")
            if inventory is not None:
                self.inventory_receipt(order, inventory, CLOSED, "[Code:2700;Desc:离境结关]")
                if order.trade_mode == OVERSEAS_WAREHOUSE_MODE:
                    # 9810: the goods left China for the overseas warehouse; its stock counts them now.
                    self.stock_in(order, inventory.lists.get("InventoryList", []))
        self.answer(document, ENTERED, "离境单已入库")

    def cancel(self, document: Document) -> None:
        """CEB605 撤销: an accepted or released inventory may be cancelled before its goods depart."""
        order = self.by_invt_no(document.head.get("invtNo", ""))
        if order is None or order.state not in ("accepted", "released"):
            code = ExportReason.EXPORT_CANCEL_STATE
            self.answer(document, REFUSED, f"[Code:{code.value};Desc:{code.zh}]")
            return
        self.transition(order, "cancelled", CONCLUDED, "[Code:CANCELLED;Desc:撤销审结]")
        self.session.execute(delete(ExportTaxEntry).where(ExportTaxEntry.invt_no == order.invt_no))
        self.answer(document, CONCLUDED, "撤销审结")

    def return_application(self, document: Document) -> None:
        """CEB213 退货申请 (2022): a released export comes back; its register entries are withdrawn."""
        order = self.by_invt_no(document.head.get("invtNo", ""))
        if order is None or order.state not in ("released", "departed"):
            code = ExportReason.EXPORT_RETURN_STATE
            self.answer(document, REFUSED, f"[Code:{code.value};Desc:{code.zh}]")
            return
        self.transition(order, "returned", CONCLUDED, "[Code:RETURNED;Desc:退货审结]")
        self.session.execute(delete(ExportTaxEntry).where(ExportTaxEntry.invt_no == order.invt_no))
        if order.trade_mode == OVERSEAS_WAREHOUSE_MODE and order.departed_at is not None:
            self.reverse_stock(order, "return")
        self.answer(document, CONCLUDED, "退货申请审结")

    def reverse_stock(self, order: ExportOrder, reason: str) -> None:
        moves = self.session.scalars(
            select(OverseasStockMove).where(
                OverseasStockMove.invt_no == order.invt_no, OverseasStockMove.kind == "in"
            )
        ).all()
        for move in moves:
            self.session.add(
                OverseasStockMove(
                    warehouse_id=move.warehouse_id,
                    item_no=move.item_no,
                    gcode=move.gcode,
                    qty=-move.qty,
                    unit=move.unit,
                    kind="in",
                    invt_no=order.invt_no,
                    reference=reason,
                    at=self.now,
                )
            )

    # -- receipts and history --------------------------------------------------------------------------

    def answer(  # type: ignore[override]
        self, document: Document, status: str, info: str, fields: dict[str, str] | None = None
    ) -> None:
        super().answer(document, status, info, dedupe=f"exp:{document.id}", fields=fields)

    def inventory_receipt(self, order: ExportOrder, inventory: Document, status: str, info: str) -> None:
        """CEB604 to the agent, the consignor and the platform."""
        head = inventory.head
        found = (self.enterprise(head.get(k, "")) for k in ("agentCode", "ebcCode", "ebpCode"))
        recipients = tuple(dict.fromkeys(e.id for e in found if e is not None)) or (
            self.sender_of(inventory),
        )
        extra: dict[str, str | int] = {"invtNo": order.invt_no or "无"}
        if order.pre_no:
            extra["preNo"] = order.pre_no
        else:
            extra["preNoSerial"] = next_serial(self.session, f"preNo:{ceb_time17(self.now)[:8]}")
        self.outgoing.append(
            declaration_receipt(
                inventory,
                status,
                info,
                self.now,
                recipients=recipients,
                dedupe=f"604:{inventory.id}:{status}",
                extra=extra,
            )
        )

    def transition(self, order: ExportOrder, state: str, status: str, info: str) -> None:
        order.state = state
        order.return_status = status
        self.event(order, state, status, info)

    def event(self, order: ExportOrder, state: str, status: str, info: str) -> None:
        self.events.append(
            {"order_id": order.id, "at": self.now, "state": state, "return_status": status, "info": info}
        )

    def finish(self) -> None:
        if self.events:
            self.session.execute(insert(ExportEvent), self.events)
            self.events = []
        self.flush_receipts()
