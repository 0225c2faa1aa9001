"""Findings: what the CEB codecs and checks report, with stable codes.

A :class:`Finding` names one problem in one place of one message. Its ``code``
is a :class:`FindingCode`, a ``StrEnum`` whose values (``CEB_…``) are
**published and never changed**: clients, receipts and dashboards key on them.
New codes may be added; existing ones are never renamed, re-used or removed.

Each code has a Chinese and an English title in :data:`FINDING_TITLES` (the
catalogue other code can publish, e.g. as an API page). The per-finding texts
(``message_zh`` / ``message_en``) add the concrete values.

Paths point into the message the way the JSON form names things:
``Order[0]/OrderList[1]/totalPrice`` (0-based indexes on repeated elements),
``BaseTransfer/copCode``, ``Signature``; an empty path means the whole message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

__all__ = ["FINDING_TITLES", "Finding", "FindingCode", "finding"]


class FindingCode(StrEnum):
    """Stable finding codes (values are published; never change them)."""

    # --- the document as a whole (raised inside CebFormatError) ---------------------------
    XML_MALFORMED = "CEB_XML_MALFORMED"
    XML_UNSAFE = "CEB_XML_UNSAFE"
    TOO_LARGE = "CEB_TOO_LARGE"
    UNSUPPORTED_MESSAGE = "CEB_UNSUPPORTED_MESSAGE"
    JSON_MALFORMED = "CEB_JSON_MALFORMED"
    DXP_INVALID = "CEB_DXP_INVALID"
    # --- schema ------------------------------------------------------------------------------
    XSD_INVALID = "CEB_XSD_INVALID"
    # --- field rules (checks.py) ------------------------------------------------------------
    ENTERPRISE_CODE_INVALID = "CEB_ENTERPRISE_CODE_INVALID"
    ID_NUMBER_INVALID = "CEB_ID_NUMBER_INVALID"
    DATETIME_INVALID = "CEB_DATETIME_INVALID"
    CURRENCY_INVALID = "CEB_CURRENCY_INVALID"
    CURRENCY_NOT_CNY = "CEB_CURRENCY_NOT_CNY"
    COUNTRY_INVALID = "CEB_COUNTRY_INVALID"
    UNIT_INVALID = "CEB_UNIT_INVALID"
    TRAF_MODE_INVALID = "CEB_TRAF_MODE_INVALID"
    WRAP_TYPE_INVALID = "CEB_WRAP_TYPE_INVALID"
    IE_FLAG_INVALID = "CEB_IE_FLAG_INVALID"
    APP_TYPE_INVALID = "CEB_APP_TYPE_INVALID"
    APP_STATUS_INVALID = "CEB_APP_STATUS_INVALID"
    ORDER_TYPE_INVALID = "CEB_ORDER_TYPE_INVALID"
    STATISTICS_FLAG_INVALID = "CEB_STATISTICS_FLAG_INVALID"
    CHARGE_FLAG_INVALID = "CEB_CHARGE_FLAG_INVALID"
    ID_TYPE_INVALID = "CEB_ID_TYPE_INVALID"
    LOGISTICS_STATUS_INVALID = "CEB_LOGISTICS_STATUS_INVALID"
    TRADE_MODE_INVALID = "CEB_TRADE_MODE_INVALID"
    CUSTOMS_DISTRICT_INVALID = "CEB_CUSTOMS_DISTRICT_INVALID"
    ACTURAL_PAID_MISMATCH = "CEB_ACTURAL_PAID_MISMATCH"
    TOTAL_PRICE_MISMATCH = "CEB_TOTAL_PRICE_MISMATCH"
    GOODS_VALUE_MISMATCH = "CEB_GOODS_VALUE_MISMATCH"
    GNUM_NOT_SEQUENTIAL = "CEB_GNUM_NOT_SEQUENTIAL"
    GNUM_DUPLICATE = "CEB_GNUM_DUPLICATE"
    LINE_COUNT_EXCEEDED = "CEB_LINE_COUNT_EXCEEDED"
    PACK_NO_INVALID = "CEB_PACK_NO_INVALID"
    MSG_SEQ_INVALID = "CEB_MSG_SEQ_INVALID"
    SIGNATURE_MISSING = "CEB_SIGNATURE_MISSING"
    RECORD_GUID_DUPLICATE = "CEB_RECORD_GUID_DUPLICATE"
    BUSINESS_KEY_DUPLICATE = "CEB_BUSINESS_KEY_DUPLICATE"

    @property
    def title_zh(self) -> str:
        """The Chinese title of the code."""
        return FINDING_TITLES[self][0]

    @property
    def title_en(self) -> str:
        """The English title of the code."""
        return FINDING_TITLES[self][1]


_TITLES: dict[FindingCode, tuple[str, str]] = {
    FindingCode.XML_MALFORMED: ("报文不是格式正确的XML", "The document is not well-formed XML"),
    FindingCode.XML_UNSAFE: (
        "报文含DTD或实体声明，拒绝处理",
        "The document contains a DTD or entity declaration and is refused",
    ),
    FindingCode.TOO_LARGE: ("报文超过大小上限", "The document exceeds the size limit"),
    FindingCode.UNSUPPORTED_MESSAGE: ("不支持的报文类型", "Unsupported message type"),
    FindingCode.JSON_MALFORMED: ("JSON报文结构错误", "The JSON document is malformed"),
    FindingCode.DXP_INVALID: ("DxpMsg传输封装无效", "The DxpMsg envelope is invalid"),
    FindingCode.XSD_INVALID: ("报文不符合XSD", "The message does not conform to the XSD"),
    FindingCode.ENTERPRISE_CODE_INVALID: (
        "企业代码不是有效的10位海关编码或18位统一社会信用代码",
        "Enterprise code is neither a valid 10-character customs code nor a valid 18-character USCC",
    ),
    FindingCode.ID_NUMBER_INVALID: ("身份证件号码无效", "Resident ID number is invalid"),
    FindingCode.DATETIME_INVALID: (
        "日期或时间不是所要求格式的真实日期时间",
        "Date or time is not a real date/time in the required format",
    ),
    FindingCode.CURRENCY_INVALID: ("币制代码不在海关代码表中", "Currency code is not in the customs table"),
    FindingCode.CURRENCY_NOT_CNY: ("进口币制限定为人民币（142）", "Import currency must be 142 (CNY)"),
    FindingCode.COUNTRY_INVALID: (
        "国家（地区）代码不在海关代码表中",
        "Country/region code is not in the customs table",
    ),
    FindingCode.UNIT_INVALID: ("计量单位代码不在海关代码表中", "Unit code is not in the customs table"),
    FindingCode.TRAF_MODE_INVALID: ("运输方式代码无效", "Transport mode code is invalid"),
    FindingCode.WRAP_TYPE_INVALID: ("包装种类代码无效", "Package type code is invalid"),
    FindingCode.IE_FLAG_INVALID: ("进出口标记无效", "Import/export flag is invalid"),
    FindingCode.APP_TYPE_INVALID: ("企业报送类型无效", "appType (submission type) is invalid"),
    FindingCode.APP_STATUS_INVALID: ("业务状态无效", "appStatus (business status) is invalid"),
    FindingCode.ORDER_TYPE_INVALID: ("订单类型无效", "Order type is invalid"),
    FindingCode.STATISTICS_FLAG_INVALID: ("申报业务类型无效", "statisticsFlag is invalid"),
    FindingCode.CHARGE_FLAG_INVALID: ("运费/保费标志无效", "Freight/insurance mark is invalid"),
    FindingCode.ID_TYPE_INVALID: ("证件类型无效", "ID document type is invalid"),
    FindingCode.LOGISTICS_STATUS_INVALID: ("物流签收状态无效", "Logistics status is invalid"),
    FindingCode.TRADE_MODE_INVALID: ("贸易方式（监管方式）无效", "Trade mode (supervision mode) is invalid"),
    FindingCode.CUSTOMS_DISTRICT_INVALID: (
        "关区代码应为4位",
        "Customs district code must be 4 letters or digits",
    ),
    FindingCode.ACTURAL_PAID_MISMATCH: (
        "实际支付金额不等于商品价格+运杂费+代扣税款-非现金抵扣金额",
        "acturalPaid differs from goodsValue + freight + taxTotal - discount",
    ),
    FindingCode.TOTAL_PRICE_MISMATCH: ("商品总价不等于单价乘以数量", "totalPrice differs from price × qty"),
    FindingCode.GOODS_VALUE_MISMATCH: (
        "商品价格不等于表体商品总价之和",
        "goodsValue differs from the sum of the lines' totalPrice",
    ),
    FindingCode.GNUM_NOT_SEQUENTIAL: ("商品序号应从1开始连续递增", "gnum must run 1, 2, … n without gaps"),
    FindingCode.GNUM_DUPLICATE: ("商品序号重复", "Duplicate gnum"),
    FindingCode.LINE_COUNT_EXCEEDED: ("表体条数超过上限", "Too many lines"),
    FindingCode.PACK_NO_INVALID: ("件数应为1", "packNo must be 1"),
    FindingCode.MSG_SEQ_INVALID: (
        "报文序号应在1到报文总数之间",
        "msgSeqNo must be between 1 and msgCount",
    ),
    FindingCode.SIGNATURE_MISSING: (
        "缺少数字签名（Signature）",
        "The digital signature (Signature) is missing",
    ),
    FindingCode.RECORD_GUID_DUPLICATE: ("报文中单证GUID重复", "Duplicate record guid within the message"),
    FindingCode.BUSINESS_KEY_DUPLICATE: (
        "报文中存在相同业务编号的单证",
        "Two records in the message share the same business key",
    ),
}

FINDING_TITLES: Mapping[FindingCode, tuple[str, str]] = MappingProxyType(_TITLES)
"""``code → (Chinese title, English title)`` for every :class:`FindingCode`."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in a message.

    Attributes:
        code: stable code, e.g. ``CEB_TOTAL_PRICE_MISMATCH``.
        record: 0-based index of the business record, ``None`` for message-level findings.
        path: where, e.g. ``Order[0]/OrderList[1]/totalPrice`` ("" = the whole message).
        message_zh: Chinese text with the concrete values.
        message_en: English text with the concrete values.
        severity: ``"error"`` (the default) or ``"warning"``.
    """

    code: str
    record: int | None
    path: str
    message_zh: str
    message_en: str
    severity: str = "error"


def finding(
    code: FindingCode,
    record: int | None,
    path: str,
    detail_zh: str = "",
    detail_en: str = "",
    *,
    severity: str = "error",
) -> Finding:
    """Build a finding whose texts are the code's titles followed by the details.

    Args:
        code: the finding code.
        record: 0-based record index or None.
        path: the path inside the message.
        detail_zh: concrete Chinese detail (appended after the title).
        detail_en: concrete English detail (appended after the title).
        severity: "error" or "warning".

    Returns:
        The finding.
    """
    zh, en = FINDING_TITLES[code]
    return Finding(
        code=code.value,
        record=record,
        path=path,
        message_zh=f"{zh}：{detail_zh}" if detail_zh else zh,
        message_en=f"{en}: {detail_en}" if detail_en else en,
        severity=severity,
    )
