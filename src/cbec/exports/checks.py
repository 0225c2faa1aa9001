"""Export-side checks of one order set (订单 ↔ 运单 ↔ 出口清单): pure functions on plain heads and lines.

On the export side the consignor (收发货人) is the seller (``ebcCode``); the order's lines and values
must be the inventory's, the waybill's consignor the inventory's, every enterprise filed and active in
its role, the country of arrival not China, and the order type must fit the trade mode (ceb.md §4.1,
§4.11, §4.24: ``E`` retail 9610/1210, ``B`` B2B 9710, ``W`` overseas-warehouse 9810).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from cbec.exports.reasons import ExportReason

#: Trade modes each order type may carry (ceb.md §4.1 orderType, §4.11 tradeMode, §4.24).
ORDER_TYPE_TRADE_MODES: Mapping[str, frozenset[str]] = {
    "E": frozenset({"9610", "1210", "1239"}),
    "B": frozenset({"9710"}),
    "W": frozenset({"9810"}),
}
#: Inventory fields naming enterprises, and the role each must be filed in.
PARTY_ROLES: Mapping[str, str] = {
    "ebpCode": "ebp",
    "ebcCode": "ebc",
    "logisticsCode": "logistics",
    "agentCode": "agent",
}
#: Export ``ebpCode`` may be 无 for a foreign platform (202205 revision note, ceb.md §1.1).
NO_PLATFORM = "无"
CHINA = "142"


@dataclass(frozen=True)
class ExportFinding:
    """One reason an export inventory is refused."""

    code: ExportReason
    field: str
    message_zh: str
    message_en: str
    gnum: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code.value,
            "field": self.field,
            "zh": self.message_zh,
            "en": self.message_en,
            "gnum": self.gnum,
        }


@dataclass(frozen=True)
class Party:
    """What the checks need of a filed enterprise."""

    roles: frozenset[str]
    status: str


def _f(code: ExportReason, field: str, detail: str = "", gnum: int | None = None) -> ExportFinding:
    return ExportFinding(
        code,
        field,
        code.zh + (f"：{detail}" if detail else ""),
        code.en + (f": {detail}" if detail else ""),
        gnum,
    )


def _dec(value: str | None) -> Decimal | None:
    try:
        return Decimal(value) if value not in (None, "") else None
    except InvalidOperation:
        return None


def check_export_set(
    order: Mapping[str, str] | None,
    order_lines: Sequence[Mapping[str, str]],
    waybill: Mapping[str, str] | None,
    inventory: Mapping[str, str],
    inventory_lines: Sequence[Mapping[str, str]],
    parties: Mapping[str, Party],
) -> list[ExportFinding]:
    """Every finding of one export set (never only the first)."""
    found: list[ExportFinding] = []
    if order is None:
        found.append(_f(ExportReason.EXPORT_ORDER_MISSING, "orderNo", inventory.get("orderNo", "")))
    if waybill is None:
        found.append(_f(ExportReason.EXPORT_WAYBILL_MISSING, "logisticsNo", inventory.get("logisticsNo", "")))
    if order is not None:
        found += _order_vs_inventory(order, order_lines, inventory, inventory_lines)
    if waybill is not None:
        consignor = waybill.get("ebcCode", "")
        if consignor and consignor.strip().upper() != inventory.get("ebcCode", "").strip().upper():
            found.append(_f(ExportReason.EXPORT_WAYBILL_CONSIGNOR_MISMATCH, "ebcCode", consignor))
    if inventory.get("country") == CHINA:
        found.append(_f(ExportReason.EXPORT_DESTINATION_INVALID, "country", CHINA))
    found += _parties(inventory, parties)
    return found


def _order_vs_inventory(
    order: Mapping[str, str],
    order_lines: Sequence[Mapping[str, str]],
    inventory: Mapping[str, str],
    inventory_lines: Sequence[Mapping[str, str]],
) -> list[ExportFinding]:
    found: list[ExportFinding] = []
    if order.get("ebcCode", "").strip().upper() != inventory.get("ebcCode", "").strip().upper():
        found.append(
            _f(
                ExportReason.EXPORT_CONSIGNOR_MISMATCH,
                "ebcCode",
                f"{order.get('ebcCode')} ≠ {inventory.get('ebcCode')}",
            )
        )
    order_type = order.get("orderType", "")
    allowed = ORDER_TYPE_TRADE_MODES.get(order_type, frozenset())
    if inventory.get("tradeMode") not in allowed:
        found.append(
            _f(
                ExportReason.EXPORT_ORDER_TYPE_MISMATCH,
                "orderType/tradeMode",
                f"{order_type}/{inventory.get('tradeMode')}",
            )
        )
    by_gnum = {line.get("gnum", "").strip(): line for line in order_lines}
    invt_by_gnum = {line.get("gnum", "").strip(): line for line in inventory_lines}
    for gnum in sorted(set(by_gnum) - set(invt_by_gnum)):
        found.append(_f(ExportReason.EXPORT_LINE_MISSING, "gnum", gnum, _int(gnum)))
    for gnum in sorted(set(invt_by_gnum) - set(by_gnum)):
        found.append(_f(ExportReason.EXPORT_LINE_EXTRA, "gnum", gnum, _int(gnum)))
    total = Decimal(0)
    for gnum, line in invt_by_gnum.items():
        total += _dec(line.get("totalPrice")) or Decimal(0)
        source = by_gnum.get(gnum)
        if source is None:
            continue
        g = _int(gnum)
        if source.get("itemNo", "").strip() != line.get("itemNo", "").strip():
            found.append(
                _f(
                    ExportReason.EXPORT_LINE_ITEM_MISMATCH,
                    "itemNo",
                    f"{source.get('itemNo')} ≠ {line.get('itemNo')}",
                    g,
                )
            )
        for name, code in (
            ("qty", ExportReason.EXPORT_LINE_QTY_MISMATCH),
            ("price", ExportReason.EXPORT_LINE_PRICE_MISMATCH),
            ("totalPrice", ExportReason.EXPORT_LINE_TOTAL_MISMATCH),
        ):
            if _dec(source.get(name)) != _dec(line.get(name)):
                found.append(_f(code, name, f"{source.get(name)} ≠ {line.get(name)}", g))
        if source.get("currency") != line.get("currency"):
            found.append(
                _f(
                    ExportReason.EXPORT_CURRENCY_MISMATCH,
                    "currency",
                    f"{source.get('currency')} ≠ {line.get('currency')}",
                    g,
                )
            )
    goods_value = _dec(order.get("goodsValue"))
    if goods_value is not None and goods_value != total:
        found.append(_f(ExportReason.EXPORT_GOODS_VALUE_MISMATCH, "goodsValue", f"{goods_value} ≠ {total}"))
    return found


def _parties(inventory: Mapping[str, str], parties: Mapping[str, Party]) -> list[ExportFinding]:
    found: list[ExportFinding] = []
    for field, role in PARTY_ROLES.items():
        code = inventory.get(field, "").strip().upper()
        if not code or code == NO_PLATFORM:
            continue
        party = parties.get(code)
        if party is None:
            found.append(_f(ExportReason.EXPORT_ENTERPRISE_NOT_FILED, field, code))
        elif party.status != "active":
            found.append(_f(ExportReason.EXPORT_ENTERPRISE_NOT_ACTIVE, field, code))
        elif role not in party.roles:
            found.append(_f(ExportReason.EXPORT_ENTERPRISE_ROLE_MISMATCH, field, f"{code} ≠ {role}"))
    return found


def _int(gnum: str) -> int | None:
    return int(gnum) if gnum.isdigit() else None
