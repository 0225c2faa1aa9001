"""Reason codes of export clearance, each with its Chinese and English text and receipt status."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

REFUSED = "100"


class ExportReason(StrEnum):
    """Stable codes (published; never change them)."""

    EXPORT_ORDER_MISSING = "EXPORT_ORDER_MISSING"
    EXPORT_WAYBILL_MISSING = "EXPORT_WAYBILL_MISSING"
    EXPORT_CONSIGNOR_MISMATCH = "EXPORT_CONSIGNOR_MISMATCH"
    EXPORT_ORDER_TYPE_MISMATCH = "EXPORT_ORDER_TYPE_MISMATCH"
    EXPORT_LINE_MISSING = "EXPORT_LINE_MISSING"
    EXPORT_LINE_EXTRA = "EXPORT_LINE_EXTRA"
    EXPORT_LINE_ITEM_MISMATCH = "EXPORT_LINE_ITEM_MISMATCH"
    EXPORT_LINE_QTY_MISMATCH = "EXPORT_LINE_QTY_MISMATCH"
    EXPORT_LINE_PRICE_MISMATCH = "EXPORT_LINE_PRICE_MISMATCH"
    EXPORT_LINE_TOTAL_MISMATCH = "EXPORT_LINE_TOTAL_MISMATCH"
    EXPORT_CURRENCY_MISMATCH = "EXPORT_CURRENCY_MISMATCH"
    EXPORT_GOODS_VALUE_MISMATCH = "EXPORT_GOODS_VALUE_MISMATCH"
    EXPORT_DESTINATION_INVALID = "EXPORT_DESTINATION_INVALID"
    EXPORT_ENTERPRISE_NOT_FILED = "EXPORT_ENTERPRISE_NOT_FILED"
    EXPORT_ENTERPRISE_NOT_ACTIVE = "EXPORT_ENTERPRISE_NOT_ACTIVE"
    EXPORT_ENTERPRISE_ROLE_MISMATCH = "EXPORT_ENTERPRISE_ROLE_MISMATCH"
    EXPORT_WAYBILL_CONSIGNOR_MISMATCH = "EXPORT_WAYBILL_CONSIGNOR_MISMATCH"
    EXPORT_CANCEL_STATE = "EXPORT_CANCEL_STATE"
    EXPORT_RETURN_STATE = "EXPORT_RETURN_STATE"
    EXPORT_SUMMARY_ALREADY = "EXPORT_SUMMARY_ALREADY"
    EXPORT_SUMMARY_NOT_ELIGIBLE = "EXPORT_SUMMARY_NOT_ELIGIBLE"
    EXPORT_SUMMARY_EMPTY = "EXPORT_SUMMARY_EMPTY"
    EXPORT_SUMMARY_LATE = "EXPORT_SUMMARY_LATE"

    @property
    def zh(self) -> str:
        return _TEXT[self].zh

    @property
    def en(self) -> str:
        return _TEXT[self].en

    @property
    def return_status(self) -> str:
        return _TEXT[self].status


@dataclass(frozen=True)
class _Text:
    zh: str
    en: str
    status: str = REFUSED
    reference: str = "ceb.md §4, §7.2"


_TEXT = {
    ExportReason.EXPORT_ORDER_MISSING: _Text("未收到对应的出口电子订单", "no export order for the inventory"),
    ExportReason.EXPORT_WAYBILL_MISSING: _Text(
        "未收到对应的出口物流运单", "no export waybill for the inventory"
    ),
    ExportReason.EXPORT_CONSIGNOR_MISMATCH: _Text(
        "清单收发货人与订单电商企业不一致", "consignor differs from the order's seller"
    ),
    ExportReason.EXPORT_ORDER_TYPE_MISMATCH: _Text(
        "订单类型与清单贸易方式不符（E-9610/1210，B-9710，W-9810）", "order type does not fit the trade mode"
    ),
    ExportReason.EXPORT_LINE_MISSING: _Text(
        "订单商品在清单中缺失", "an order line is missing from the inventory"
    ),
    ExportReason.EXPORT_LINE_EXTRA: _Text("清单商品在订单中不存在", "an inventory line is not on the order"),
    ExportReason.EXPORT_LINE_ITEM_MISMATCH: _Text(
        "商品货号与订单不一致", "item number differs from the order"
    ),
    ExportReason.EXPORT_LINE_QTY_MISMATCH: _Text("商品数量与订单不一致", "quantity differs from the order"),
    ExportReason.EXPORT_LINE_PRICE_MISMATCH: _Text(
        "商品单价与订单不一致", "unit price differs from the order"
    ),
    ExportReason.EXPORT_LINE_TOTAL_MISMATCH: _Text(
        "商品总价与订单不一致", "line total differs from the order"
    ),
    ExportReason.EXPORT_CURRENCY_MISMATCH: _Text("币制与订单不一致", "currency differs from the order"),
    ExportReason.EXPORT_GOODS_VALUE_MISMATCH: _Text(
        "订单商品金额不等于清单商品总价之和", "order goods value ≠ Σ inventory totals"
    ),
    ExportReason.EXPORT_DESTINATION_INVALID: _Text(
        "运抵国（地区）不能为中国", "the country of arrival cannot be China"
    ),
    ExportReason.EXPORT_ENTERPRISE_NOT_FILED: _Text("企业未备案", "enterprise not filed"),
    ExportReason.EXPORT_ENTERPRISE_NOT_ACTIVE: _Text(
        "企业备案已暂停或撤销", "enterprise filing suspended or revoked"
    ),
    ExportReason.EXPORT_ENTERPRISE_ROLE_MISMATCH: _Text(
        "企业未备案为该类企业", "enterprise not filed in that role"
    ),
    ExportReason.EXPORT_WAYBILL_CONSIGNOR_MISMATCH: _Text(
        "运单收发货人与清单不一致", "waybill consignor differs from the inventory"
    ),
    ExportReason.EXPORT_CANCEL_STATE: _Text(
        "清单状态不允许撤销（已离境或不存在）", "inventory cannot be cancelled"
    ),
    ExportReason.EXPORT_RETURN_STATE: _Text(
        "原清单不存在或未放行，不能退货", "no released inventory to return"
    ),
    ExportReason.EXPORT_SUMMARY_ALREADY: _Text("清单已汇总，不能重复汇总", "inventory already summarised"),
    ExportReason.EXPORT_SUMMARY_NOT_ELIGIBLE: _Text(
        "清单未放行、非9610或非汇总申报（B）", "inventory not released, not 9610 or not summary-declared (B)"
    ),
    ExportReason.EXPORT_SUMMARY_EMPTY: _Text("汇总范围内没有可汇总的清单", "no inventory to summarise"),
    ExportReason.EXPORT_SUMMARY_LATE: _Text(
        "超过汇总申报期限（次月15日，遇节假日顺延）",
        "after the summary deadline (15th of next month)",
        reference="regulation.md §3.1.4",
    ),
}


def export_reason_catalogue() -> list[dict[str, str]]:
    """The published table: code, texts, receipt status, reference."""
    return [
        {
            "code": c.value,
            "zh": _TEXT[c].zh,
            "en": _TEXT[c].en,
            "return_status": _TEXT[c].status,
            "reference": _TEXT[c].reference,
        }
        for c in ExportReason
    ]
