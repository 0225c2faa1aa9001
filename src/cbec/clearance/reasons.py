"""Reason codes of the clearance engine: why a declaration set is refused, held or reviewed.

A :class:`ReasonCode` names one reason. Its value is **published and never changed**:
receipts (``returnInfo``), dashboards and enterprises key on it. New codes may be added;
existing ones are never renamed, re-used or removed.

Every code has, in the one table :data:`REASONS` (published by :func:`reason_catalogue`):

* a Chinese and an English text,
* the ``returnStatus`` (receipt status, ceb.md §7.3/§7.4) it maps to: ``100`` (海关退单,
  refused) for a failed three-document match or a goods/eligibility rule; ``-621005`` /
  ``-621018`` (超单笔限额 / 超年度限额, ceb.md §7.4) for the personal limits; ``300`` / ``500``
  for the outcomes that are not a refusal (manual review, inspection),
* the reference it rests on.

:func:`return_info` renders findings as the ``returnInfo`` text customs uses
(``[Code:…;Desc:…]`` pairs, ceb.md §7.3), cut to the field's C..1000 limit.

Open point (said here, not hidden in the logic): which ``returnStatus`` a receipt carries when
one set has reasons with *different* statuses (e.g. a match failure and an exceeded limit) is not
stated anywhere in the spec; choosing it is left to the clearance engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Protocol

__all__ = [
    "REASONS",
    "RETURN_INFO_MAX_CHARS",
    "Reason",
    "ReasonCode",
    "ReasonFinding",
    "reason_catalogue",
    "return_info",
]

RETURN_INFO_MAX_CHARS = 1000
"""``returnInfo`` is C..1000 in every receipt (ceb.md §3.2, §3.10); XSD lengths count characters."""

REFUSED = "100"  # 海关退单 (ceb.md §7.3)
MANUAL_REVIEW = "300"  # 人工审核 (ceb.md §7.3)
INSPECTION = "500"  # 查验 (ceb.md §7.3)
OVER_SINGLE_LIMIT = "-621005"  # 超单笔限额 (ceb.md §7.4)
OVER_ANNUAL_LIMIT = "-621018"  # 超年度限额 (ceb.md §7.4)

_SPEC_311 = "ceb.md §3.1 CEB311 OrderHead/OrderList"
_SPEC_411 = "ceb.md §3.3 CEB411 PaymentHead"
_SPEC_511 = "ceb.md §3.5 CEB511 LogisticsHead"
_SPEC_621 = "ceb.md §3.9 CEB621 InventoryHead/InventoryList"
_KEYS = "ceb.md §2 business keys; regulation.md §3.3"
_GACC_194 = "海关总署公告2018年第194号 (regulation.md §3.1)"


class ReasonCode(StrEnum):
    """Stable reason codes (values are published; never change them)."""

    # --- three-document match: documents present -------------------------------------------
    MATCH_ORDER_MISSING = "MATCH_ORDER_MISSING"
    MATCH_PAYMENT_MISSING = "MATCH_PAYMENT_MISSING"
    MATCH_WAYBILL_MISSING = "MATCH_WAYBILL_MISSING"
    # --- keys ------------------------------------------------------------------------------------
    MATCH_ORDER_KEY_MISMATCH = "MATCH_ORDER_KEY_MISMATCH"
    MATCH_PAYMENT_KEY_MISMATCH = "MATCH_PAYMENT_KEY_MISMATCH"
    MATCH_PAY_CODE_MISMATCH = "MATCH_PAY_CODE_MISMATCH"
    MATCH_PAY_TRANSACTION_ID_MISMATCH = "MATCH_PAY_TRANSACTION_ID_MISMATCH"
    MATCH_WAYBILL_KEY_MISMATCH = "MATCH_WAYBILL_KEY_MISMATCH"
    MATCH_WAYBILL_ORDER_MISMATCH = "MATCH_WAYBILL_ORDER_MISMATCH"
    MATCH_SELLER_MISMATCH = "MATCH_SELLER_MISMATCH"
    # --- buyer ---------------------------------------------------------------------------------
    MATCH_BUYER_ID_TYPE_INVALID = "MATCH_BUYER_ID_TYPE_INVALID"
    MATCH_BUYER_NAME_MISMATCH = "MATCH_BUYER_NAME_MISMATCH"
    MATCH_BUYER_ID_MISMATCH = "MATCH_BUYER_ID_MISMATCH"
    # --- amounts -------------------------------------------------------------------------------
    MATCH_AMOUNT_INVALID = "MATCH_AMOUNT_INVALID"
    MATCH_ORDER_SUM_MISMATCH = "MATCH_ORDER_SUM_MISMATCH"
    MATCH_PAID_AMOUNT_MISMATCH = "MATCH_PAID_AMOUNT_MISMATCH"
    MATCH_FREIGHT_MISMATCH = "MATCH_FREIGHT_MISMATCH"
    # --- lines ---------------------------------------------------------------------------------
    MATCH_LINE_MISSING = "MATCH_LINE_MISSING"
    MATCH_LINE_EXTRA = "MATCH_LINE_EXTRA"
    MATCH_LINE_ITEM_NO_MISMATCH = "MATCH_LINE_ITEM_NO_MISMATCH"
    MATCH_LINE_NAME_MISMATCH = "MATCH_LINE_NAME_MISMATCH"
    MATCH_LINE_QTY_MISMATCH = "MATCH_LINE_QTY_MISMATCH"
    MATCH_LINE_UNIT_MISMATCH = "MATCH_LINE_UNIT_MISMATCH"
    MATCH_LINE_PRICE_MISMATCH = "MATCH_LINE_PRICE_MISMATCH"
    MATCH_LINE_TOTAL_PRICE_MISMATCH = "MATCH_LINE_TOTAL_PRICE_MISMATCH"
    # --- consignee -----------------------------------------------------------------------------
    MATCH_CONSIGNEE_NAME_MISMATCH = "MATCH_CONSIGNEE_NAME_MISMATCH"
    MATCH_CONSIGNEE_ADDRESS_MISMATCH = "MATCH_CONSIGNEE_ADDRESS_MISMATCH"
    MATCH_CONSIGNEE_TELEPHONE_MISMATCH = "MATCH_CONSIGNEE_TELEPHONE_MISMATCH"
    # --- enterprises ---------------------------------------------------------------------------
    MATCH_ENTERPRISE_NOT_FILED = "MATCH_ENTERPRISE_NOT_FILED"
    MATCH_ENTERPRISE_NOT_ACTIVE = "MATCH_ENTERPRISE_NOT_ACTIVE"
    MATCH_ENTERPRISE_ROLE_MISMATCH = "MATCH_ENTERPRISE_ROLE_MISMATCH"
    MATCH_ENTERPRISE_NAME_MISMATCH = "MATCH_ENTERPRISE_NAME_MISMATCH"
    MATCH_ASSURE_NOT_ALLOWED = "MATCH_ASSURE_NOT_ALLOWED"
    MATCH_ASSURE_NO_GUARANTEE = "MATCH_ASSURE_NO_GUARANTEE"
    # --- trade mode and currency ---------------------------------------------------------------
    MATCH_TRADE_MODE_NOT_ALLOWED = "MATCH_TRADE_MODE_NOT_ALLOWED"
    MATCH_TRADE_MODE_FIELD_MISSING = "MATCH_TRADE_MODE_FIELD_MISSING"
    MATCH_CURRENCY_NOT_CNY = "MATCH_CURRENCY_NOT_CNY"
    # --- the rest of the clearance engine (not produced by matching) ---------------------------
    SET_INCOMPLETE_TIMEOUT = "SET_INCOMPLETE_TIMEOUT"
    LIMIT_SINGLE_EXCEEDED = "LIMIT_SINGLE_EXCEEDED"
    LIMIT_ANNUAL_EXCEEDED = "LIMIT_ANNUAL_EXCEEDED"
    GOODS_NOT_ON_POSITIVE_LIST = "GOODS_NOT_ON_POSITIVE_LIST"
    GOODS_1210_ONLY = "GOODS_1210_ONLY"
    GOODS_QUANTITY_CAP = "GOODS_QUANTITY_CAP"
    RISK_MANUAL_REVIEW = "RISK_MANUAL_REVIEW"
    INSPECTION_SELECTED = "INSPECTION_SELECTED"
    INSPECTION_FOUND = "INSPECTION_FOUND"

    @property
    def zh(self) -> str:
        """The Chinese text of the reason."""
        return REASONS[self].zh

    @property
    def en(self) -> str:
        """The English text of the reason."""
        return REASONS[self].en

    @property
    def return_status(self) -> str:
        """The receipt ``returnStatus`` this reason maps to."""
        return REASONS[self].return_status


@dataclass(frozen=True, slots=True)
class Reason:
    """One row of the reason table.

    Attributes:
        zh: Chinese text (goes into ``returnInfo``).
        en: English text.
        return_status: the receipt ``returnStatus`` (ceb.md §7.3/§7.4).
        reference: the regulation or spec passage the reason rests on.
    """

    zh: str
    en: str
    return_status: str
    reference: str


_R = ReasonCode
_TABLE: dict[ReasonCode, Reason] = {
    _R.MATCH_ORDER_MISSING: Reason(
        "未收到对应的电子订单", "No matching order (CEB311) received", REFUSED, f"{_GACC_194} 三单; {_KEYS}"
    ),
    _R.MATCH_PAYMENT_MISSING: Reason(
        "未收到对应的支付凭证", "No matching payment (CEB411) received", REFUSED, f"{_GACC_194} 三单; {_KEYS}"
    ),
    _R.MATCH_WAYBILL_MISSING: Reason(
        "未收到对应的物流运单", "No matching waybill (CEB511) received", REFUSED, f"{_GACC_194} 三单; {_KEYS}"
    ),
    _R.MATCH_ORDER_KEY_MISMATCH: Reason(
        "订单的电商平台代码或订单编号与清单不一致",
        "Order ebpCode/orderNo differ from the inventory's",
        REFUSED,
        _KEYS,
    ),
    _R.MATCH_PAYMENT_KEY_MISMATCH: Reason(
        "支付凭证的电商平台代码或订单编号与清单不一致",
        "Payment ebpCode/orderNo differ from the inventory's",
        REFUSED,
        _KEYS,
    ),
    _R.MATCH_PAY_CODE_MISMATCH: Reason(
        "订单的支付企业代码与支付凭证不一致",
        "Order payCode differs from the payment's",
        REFUSED,
        f"{_KEYS}; {_SPEC_311} payCode",
    ),
    _R.MATCH_PAY_TRANSACTION_ID_MISMATCH: Reason(
        "订单的支付交易编号与支付凭证不一致",
        "Order payTransactionId differs from the payment's",
        REFUSED,
        f"{_KEYS}; {_SPEC_311} payTransactionId",
    ),
    _R.MATCH_WAYBILL_KEY_MISMATCH: Reason(
        "运单的物流企业代码或运单编号与清单不一致",
        "Waybill logisticsCode/logisticsNo differ from the inventory's",
        REFUSED,
        _KEYS,
    ),
    _R.MATCH_WAYBILL_ORDER_MISMATCH: Reason(
        "运单的订单编号与清单不一致",
        "Waybill orderNo differs from the inventory's",
        REFUSED,
        f"{_SPEC_511} orderNo",
    ),
    _R.MATCH_SELLER_MISMATCH: Reason(
        "订单的电商企业代码与清单不一致",
        "Order ebcCode (seller) differs from the inventory's",
        REFUSED,
        f"{_SPEC_311} ebcCode; {_SPEC_621} ebcCode",
    ),
    _R.MATCH_BUYER_ID_TYPE_INVALID: Reason(
        "订购人或支付人证件类型应为身份证",
        "Buyer/payer ID type must be the resident ID card",
        REFUSED,
        f"{_SPEC_311} buyerIdType; {_SPEC_411} payerIdType: 限定为身份证，填写“1”",
    ),
    _R.MATCH_BUYER_NAME_MISMATCH: Reason(
        "订购人姓名不一致（订单、支付凭证、清单）",
        "Buyer name differs between order, payment and inventory",
        REFUSED,
        f"{_GACC_194} 订购人与支付人应当为同一人; regulation.md §3.3",
    ),
    _R.MATCH_BUYER_ID_MISMATCH: Reason(
        "订购人证件不一致（订单、支付凭证、清单）",
        "Buyer ID differs between order, payment and inventory",
        REFUSED,
        f"{_GACC_194} 订购人与支付人应当为同一人; regulation.md §3.3",
    ),
    _R.MATCH_AMOUNT_INVALID: Reason(
        "金额或数量不是有效数字", "An amount or quantity is not a valid number", REFUSED, "ceb.md §2 N19,5"
    ),
    _R.MATCH_ORDER_SUM_MISMATCH: Reason(
        "实际支付金额不等于商品价格+运杂费+代扣税款-非现金抵扣金额",
        "acturalPaid differs from goodsValue + freight + taxTotal - discount",
        REFUSED,
        f"{_SPEC_311} acturalPaid",
    ),
    _R.MATCH_PAID_AMOUNT_MISMATCH: Reason(
        "支付金额与订单实际支付金额不一致",
        "Payment amountPaid differs from the order's acturalPaid",
        REFUSED,
        f"{_SPEC_311} acturalPaid: 与支付凭证的支付金额一致",
    ),
    _R.MATCH_FREIGHT_MISMATCH: Reason(
        "清单运费与订单运杂费不一致",
        "Inventory freight differs from the order's",
        REFUSED,
        f"{_SPEC_621} freight; {_SPEC_311} freight",
    ),
    _R.MATCH_LINE_MISSING: Reason(
        "订单商品在清单中缺失",
        "An order line is missing from the inventory",
        REFUSED,
        f"{_SPEC_621} gnum: 与关联的电子订单表体序号一一对应",
    ),
    _R.MATCH_LINE_EXTRA: Reason(
        "清单商品在订单中不存在",
        "An inventory line has no order line",
        REFUSED,
        f"{_SPEC_621} gnum: 与关联的电子订单表体序号一一对应",
    ),
    _R.MATCH_LINE_ITEM_NO_MISMATCH: Reason(
        "商品货号与订单不一致", "Item number (SKU) differs from the order's", REFUSED, f"{_SPEC_621} itemNo"
    ),
    _R.MATCH_LINE_NAME_MISMATCH: Reason(
        "商品名称与订单不一致",
        "Goods name differs from the order's",
        REFUSED,
        f"{_SPEC_621} gname: 与电子订单一致; itemName",
    ),
    _R.MATCH_LINE_QTY_MISMATCH: Reason(
        "商品数量与订单不一致", "Quantity differs from the order's", REFUSED, f"{_SPEC_621} qty"
    ),
    _R.MATCH_LINE_UNIT_MISMATCH: Reason(
        "计量单位与订单不一致", "Unit differs from the order's", REFUSED, f"{_SPEC_621} unit"
    ),
    _R.MATCH_LINE_PRICE_MISMATCH: Reason(
        "商品单价与订单不一致", "Unit price differs from the order's", REFUSED, f"{_SPEC_621} price"
    ),
    _R.MATCH_LINE_TOTAL_PRICE_MISMATCH: Reason(
        "商品总价与订单不一致", "Line total differs from the order's", REFUSED, f"{_SPEC_621} totalPrice"
    ),
    _R.MATCH_CONSIGNEE_NAME_MISMATCH: Reason(
        "收货人姓名与运单不一致",
        "Consignee name differs between order and waybill",
        REFUSED,
        f"{_SPEC_311} consignee: 必须与电子运单的收货人姓名一致",
    ),
    _R.MATCH_CONSIGNEE_ADDRESS_MISMATCH: Reason(
        "收货地址不一致（订单、运单、清单）",
        "Consignee address differs between order, waybill and inventory",
        REFUSED,
        f"{_SPEC_311} consigneeAddress: 必须与电子运单的收货地址一致; {_SPEC_621} consigneeAddress",
    ),
    _R.MATCH_CONSIGNEE_TELEPHONE_MISMATCH: Reason(
        "收货人电话与运单不一致",
        "Consignee telephone differs between order and waybill",
        REFUSED,
        f"{_SPEC_311} consigneeTelephone: 必须与电子运单的收货人电话一致",
    ),
    _R.MATCH_ENTERPRISE_NOT_FILED: Reason(
        "企业未在海关备案",
        "Enterprise is not filed",
        REFUSED,
        f"{_GACC_194} 企业注册登记; ceb.md §7.4 -10102",
    ),
    _R.MATCH_ENTERPRISE_NOT_ACTIVE: Reason(
        "企业备案已暂停或撤销",
        "Enterprise filing is suspended or revoked",
        REFUSED,
        f"{_GACC_194} 企业注册登记",
    ),
    _R.MATCH_ENTERPRISE_ROLE_MISMATCH: Reason(
        "企业未备案为该类企业",
        "Enterprise is not filed in the role it is named in",
        REFUSED,
        f"{_GACC_194} 参与主体; ceb.md §7.4 -10101",
    ),
    _R.MATCH_ENTERPRISE_NAME_MISMATCH: Reason(
        "企业名称与备案名称不一致",
        "Enterprise name differs from the filed name",
        REFUSED,
        "ceb.md §2 Company codes: names must match the customs registration",
    ),
    _R.MATCH_ASSURE_NOT_ALLOWED: Reason(
        "担保企业只限清单的申报企业、电商企业或物流企业",
        "The guarantor must be the inventory's agent, seller or logistics company",
        REFUSED,
        f"{_SPEC_621} assureCode",
    ),
    _R.MATCH_ASSURE_NO_GUARANTEE: Reason(
        "担保企业未办理税款担保",
        "The guarantor has no tax guarantee on file",
        REFUSED,
        f"{_SPEC_621} assureCode: 担保扣税的企业; {_GACC_194} 税款担保",
    ),
    _R.MATCH_TRADE_MODE_NOT_ALLOWED: Reason(
        "贸易方式不是跨境电商零售进口监管方式",
        "Trade mode is not a retail-import CBEC procedure",
        REFUSED,
        f"{_SPEC_621} tradeMode; regulation.md §3.2",
    ),
    _R.MATCH_TRADE_MODE_FIELD_MISSING: Reason(
        "该监管方式必填的项目未填写",
        "A field required by the trade mode is empty",
        REFUSED,
        f"{_SPEC_621} emsNo/areaCode/areaName/itemRecordNo 保税模式必填; trafNo/voyageNo/billNo 直购进口必填",
    ),
    _R.MATCH_CURRENCY_NOT_CNY: Reason(
        "币制应为人民币（142）", "Currency must be 142 (CNY)", REFUSED, "ceb.md §2 Import money is always RMB"
    ),
    _R.SET_INCOMPLETE_TIMEOUT: Reason(
        "等待期满三单仍不齐全",
        "The document set was still incomplete when the wait ended",
        REFUSED,
        f"{_GACC_194} 三单 (the waiting period is a platform choice)",
    ),
    _R.LIMIT_SINGLE_EXCEEDED: Reason(
        "超过单次交易限值",
        "Single-transaction limit exceeded",
        OVER_SINGLE_LIMIT,
        "财关税〔2018〕49号; ceb.md §7.4 -621005",
    ),
    _R.LIMIT_ANNUAL_EXCEEDED: Reason(
        "超过个人年度交易限值",
        "Annual personal limit exceeded",
        OVER_ANNUAL_LIMIT,
        "财关税〔2018〕49号; ceb.md §7.4 -621018",
    ),
    _R.GOODS_NOT_ON_POSITIVE_LIST: Reason(
        "商品不在跨境电子商务零售进口商品清单内",
        "Goods are not on the retail-import positive list",
        REFUSED,
        "regulation.md §2 跨境电子商务零售进口商品清单",
    ),
    _R.GOODS_1210_ONLY: Reason(
        "该商品仅限网购保税进口（1210）",
        "These goods may only be imported under bonded mode 1210",
        REFUSED,
        "regulation.md §2 positive-list remarks",
    ),
    _R.GOODS_QUANTITY_CAP: Reason(
        "超过清单备注的限量",
        "Quantity cap in the positive-list remarks exceeded",
        REFUSED,
        "regulation.md §2 positive-list remarks",
    ),
    _R.RISK_MANUAL_REVIEW: Reason(
        "转人工审核", "Referred to manual review", MANUAL_REVIEW, "ceb.md §7.3 300; regulation.md §3.1.3"
    ),
    _R.INSPECTION_SELECTED: Reason(
        "布控查验", "Selected for inspection", INSPECTION, "ceb.md §7.3 500; regulation.md §3.1.3"
    ),
    _R.INSPECTION_FOUND: Reason(
        "查验发现问题",
        "Inspection found a discrepancy",
        REFUSED,
        "ceb.md §7.3 (mapping to 100 is a platform choice; detention 501-599 is decided by customs)",
    ),
}

REASONS: Mapping[ReasonCode, Reason] = MappingProxyType(_TABLE)
"""``code → Reason`` for every :class:`ReasonCode` (the one published table)."""


def reason_catalogue() -> list[dict[str, str]]:
    """Publish the reason table: one dict per code, in declaration order.

    Returns:
        ``[{"code", "zh", "en", "return_status", "reference"}, …]``.

    >>> reason_catalogue()[0]["code"], reason_catalogue()[0]["return_status"]
    ('MATCH_ORDER_MISSING', '100')
    """
    return [
        {
            "code": code.value,
            "zh": REASONS[code].zh,
            "en": REASONS[code].en,
            "return_status": REASONS[code].return_status,
            "reference": REASONS[code].reference,
        }
        for code in ReasonCode
    ]


class ReasonFinding(Protocol):
    """Anything with a stable code and a Chinese message (``matching.MatchFinding``, export findings …)."""

    @property
    def code(self) -> StrEnum: ...

    @property
    def message_zh(self) -> str: ...


# Brackets inside a description would break the [Code:…;Desc:…] framing; show them full-width.
_FRAMING = str.maketrans({"[": "［", "]": "］"})


def _pair(code: str, text: str) -> str:
    return f"[Code:{code};Desc:{text.translate(_FRAMING)}]"


def _more(count: int) -> str:
    return _pair("MORE", f"另有{count}项")


def return_info(findings: Iterable[ReasonFinding], limit: int = RETURN_INFO_MAX_CHARS) -> str:
    """Render every finding as ``[Code:…;Desc:…]`` pairs, cut to ``limit`` characters on a pair boundary.

    When not every pair fits, as many as fit are kept, followed by ``[Code:MORE;Desc:另有N项]``
    (N = the number left out); room for that pair is always kept.

    Args:
        findings: the findings, in the order to report them.
        limit: the maximum length in characters (``returnInfo`` is C..1000).

    Returns:
        The ``returnInfo`` text ("" when there are no findings).

    >>> from types import SimpleNamespace as F
    >>> return_info([F(code=ReasonCode.MATCH_ORDER_MISSING, message_zh="未收到对应的电子订单")])
    '[Code:MATCH_ORDER_MISSING;Desc:未收到对应的电子订单]'
    """
    pairs = [_pair(f.code.value, f.message_zh) for f in findings]
    if sum(map(len, pairs)) <= limit:
        return "".join(pairs)
    kept: list[str] = []
    size = 0
    for index, pair in enumerate(pairs):
        left_after = len(pairs) - index - 1
        reserve = len(_more(left_after)) if left_after else 0
        if size + len(pair) + reserve > limit:
            break
        kept.append(pair)
        size += len(pair)
    kept.append(_more(len(pairs) - len(kept)))
    return "".join(kept)
