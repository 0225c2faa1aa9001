"""The figures recomputed straight from the orders, their lists, their events and the channel records,
written plainly and separately from :mod:`cbec.stats` (which reads its fact table), so that a test can
compare the two for any selection."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cbec.clearance.models import ClearanceEvent, ClearanceOrder
from cbec.exports.models import ExportEvent, ExportOrder
from cbec.kernel.dates import SHANGHAI
from cbec.messages.models import Document
from cbec.registry.models import Enterprise
from cbec.stats.catalogue import Catalogue
from cbec.stats.models import ChannelRecord

CENT = Decimal("0.01")
RATE = Decimal("0.0001")


@dataclass(frozen=True)
class Row:
    """One declaration (or channel record) as the catalogue defines it."""

    direction: str
    trade_mode: str | None
    segment: str
    day: date
    country: str | None
    hs_chapter: str | None
    park: str | None
    ebp_id: str | None
    ebc_id: str | None
    channel: str
    released: bool
    value: Decimal | None  # CNY, only when priced in CNY
    tax: Decimal | None
    accepted: bool
    refused: bool
    inspected: bool
    seconds: int | None


def declarations(session: Session, catalogue: Catalogue) -> list[Row]:
    """Every declaration of the database, recomputed from clearance_orders / export_orders."""
    filings: dict[str, Enterprise] = {}
    for e in session.scalars(select(Enterprise)):
        for code in (e.customs_code, e.uscc):
            if code:
                filings[code] = e
    rows: list[Row] = []
    for direction, order_model, event_model, standing in (
        ("import", ClearanceOrder, ClearanceEvent, {"released", "closed"}),
        ("export", ExportOrder, ExportEvent, {"released", "departed"}),
    ):
        received: dict[str, datetime] = dict(
            session.execute(
                select(event_model.order_id, func.min(event_model.at))
                .where(event_model.return_status == "2")
                .group_by(event_model.order_id)
            ).all()
        )
        for order in session.scalars(select(order_model).where(order_model.inventory_doc_id.is_not(None))):
            document = session.get(Document, order.inventory_doc_id)
            assert document is not None
            head, lines = document.head, document.lists["InventoryList"]
            declared = received[order.id]
            day = declared.astimezone(SHANGHAI).date()
            main = max(lines, key=lambda line: Decimal(line["totalPrice"]))
            currencies = {line["currency"] for line in lines}
            total = sum((Decimal(line["totalPrice"]) for line in lines), Decimal(0))
            ebp, ebc, agent = (filings.get(head.get(k, "")) for k in ("ebpCode", "ebcCode", "agentCode"))
            parks = [e.park for e in (ebc, ebp, agent) if e is not None and e.park]
            released = order.released_at is not None and order.state in standing
            rows.append(
                Row(
                    direction=direction,
                    trade_mode=order.trade_mode,
                    segment=catalogue.segment_of(order.trade_mode, day),
                    day=day,
                    country=main.get("country") or head.get("country"),
                    hs_chapter=main["gcode"][:2],
                    park=parks[0] if parks else None,
                    ebp_id=ebp.id if ebp else None,
                    ebc_id=ebc.id if ebc else None,
                    channel="customs",
                    released=released,
                    value=total.quantize(CENT, ROUND_HALF_UP) if currencies == {"142"} else None,
                    tax=order.tax_total if direction == "import" and order.tax_total is not None else None,
                    accepted=order.invt_no is not None,
                    refused=order.state == "refused",
                    inspected=bool(getattr(order, "inspection_path", None)),
                    seconds=int((order.released_at - declared).total_seconds())
                    if order.released_at
                    else None,
                )
            )
    declared_orders = set(_orders_and_waybills(session))
    parks_by_id = {e.id: e.park for e in filings.values()}
    for record in session.scalars(select(ChannelRecord)):
        if ("o", record.order_no) in declared_orders or ("w", record.waybill_no) in declared_orders:
            continue
        rows.append(
            Row(
                direction=record.direction,
                trade_mode=record.trade_mode,
                segment=catalogue.segment_of(record.trade_mode, record.day)
                if record.trade_mode
                else record.segment,
                day=record.day,
                country=record.country,
                hs_chapter=record.hs_code[:2] if record.hs_code else None,
                park=parks_by_id.get(record.enterprise_id or ""),
                ebp_id=None,
                ebc_id=record.enterprise_id,
                channel=record.channel,
                released=True,
                value=Decimal(record.value_cny).quantize(CENT),
                tax=None,
                accepted=False,
                refused=False,
                inspected=False,
                seconds=None,
            )
        )
    return rows


def _orders_and_waybills(session: Session) -> Iterable[tuple[str, str]]:
    for model in (ClearanceOrder, ExportOrder):
        for order_no, waybill in session.execute(
            select(model.order_no, model.logistics_no).where(model.inventory_doc_id.is_not(None))
        ):
            yield ("o", order_no)
            if waybill:
                yield ("w", waybill)


def select_rows(rows: list[Row], start: date, end: date, **filters: Any) -> list[Row]:
    """The rows of a selection (``enterprise_id`` matches the platform or the seller)."""
    out = []
    for r in rows:
        if not start <= r.day <= end:
            continue
        if any(
            (r.ebp_id != v and r.ebc_id != v) if k == "enterprise_id" else getattr(r, k) != v
            for k, v in filters.items()
            if v is not None
        ):
            continue
        out.append(r)
    return out


def _ratio(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) / Decimal(whole)).quantize(RATE, ROUND_HALF_UP) if whole else None


def _rank(values: list[int], percent: int) -> int | None:
    """Nearest rank: the smallest value with at least ``percent`` % of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    k = -(-percent * len(ordered) // 100)  # ceil
    return ordered[max(k, 1) - 1]


def expected(rows: list[Row]) -> dict[str, Any]:
    """The figures of a selection of rows, as the catalogue defines them."""
    released = [r for r in rows if r.released]
    accepted = sum(r.accepted for r in rows)
    refused = sum(r.refused for r in rows)
    inspected = sum(r.inspected for r in rows)
    seconds = [r.seconds for r in rows if r.seconds is not None]
    return {
        "count": len(rows),
        "released": len(released),
        "value": sum((r.value for r in released if r.value is not None), Decimal(0)).quantize(CENT),
        "value_unconverted": sum(1 for r in released if r.value is None),
        "tax": sum((r.tax for r in released if r.tax is not None), Decimal(0)).quantize(CENT),
        "accepted": accepted,
        "refused": refused,
        "inspected": inspected,
        "inspection_rate": _ratio(inspected, accepted),
        "refusal_rate": _ratio(refused, accepted + refused),
        "clearance_p50": _rank(seconds, 50),
        "clearance_p95": _rank(seconds, 95),
        "active_enterprises": len({e for r in rows for e in (r.ebp_id, r.ebc_id) if e is not None}),
    }


def figures_only(found: dict[str, Any]) -> dict[str, Any]:
    """A service row without its labels, filters and growth (what :func:`expected` computes)."""
    keys = expected([]).keys()
    return {k: found[k] for k in keys}
