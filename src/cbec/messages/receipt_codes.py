"""Receipt statuses (``returnStatus``) the access point answers with, and their meaning.

Positive codes follow the spec's table (ceb.md §7.3); negative codes are the e-port business
errors (ceb.md §7.4, spec §7 table 7-2).  Codes the spec does not define but the platform needs are
marked ``platform`` in :data:`RECEIPT_CODES` and live in the e-port's enterprise range (-101xx).
"""

from __future__ import annotations

from dataclasses import dataclass

from cbec.messages.ceb import CebRecord, MessageSpec

STORED = "1"  # 电子口岸已暂存 (appStatus 1: kept, not processed)
ACCEPTED = "2"  # 电子口岸申报中 (accepted and passed on)
INVALID_ENTERPRISE = "-10101"  # 无效企业类型 / the sender is not the record's responsible party
UNFILED_ENTERPRISE = "-10102"  # 企业未备案
SENDER_SUSPENDED = "-10103"  # platform: filing suspended
SENDER_REVOKED = "-10104"  # platform: filing revoked
CREDIT_RESTRICTED = "-10105"  # platform: restricted by a credit measure (联合惩戒 限制经营)
#: CEB900 format-check failure when the message type is unknown or has no code of its own.
FORMAT_ERROR = "-10100"


@dataclass(frozen=True)
class ReceiptCode:
    code: str
    zh: str
    en: str
    source: str


RECEIPT_CODES: tuple[ReceiptCode, ...] = (
    ReceiptCode("1", "电子口岸已暂存", "stored only (appStatus 1)", "spec §7.3"),
    ReceiptCode("2", "电子口岸申报中", "accepted, passed on for processing", "spec §7.3"),
    ReceiptCode("3", "发送海关成功", "sent to customs", "spec §7.3"),
    ReceiptCode("4", "发送海关失败", "sending to customs failed", "spec §7.3"),
    ReceiptCode("100", "海关退单", "refused by customs", "spec §7.3"),
    ReceiptCode("120", "海关入库", "accepted into the customs system (logic check passed)", "spec §7.3"),
    ReceiptCode("300", "人工审核", "manual review", "spec §7.3"),
    ReceiptCode("399", "海关审结", "customs concluded", "spec §7.3"),
    ReceiptCode("500", "查验", "inspection", "spec §7.3"),
    ReceiptCode("800", "放行", "released", "spec §7.3"),
    ReceiptCode("899", "结关", "closed", "spec §7.3"),
    ReceiptCode(FORMAT_ERROR, "报文格式校验不通过", "message format check failed (CEB900)", "platform"),
    ReceiptCode(
        INVALID_ENTERPRISE,
        "无效企业类型：发送企业不是本单证的责任方",
        "invalid enterprise: the sender is not the party responsible for the record",
        "spec §7.4",
    ),
    ReceiptCode(UNFILED_ENTERPRISE, "企业未备案", "enterprise not filed", "spec §7.4"),
    ReceiptCode(
        SENDER_SUSPENDED, "企业备案已暂停，不能报送新单证", "the sender's filing is suspended", "platform"
    ),
    ReceiptCode(
        SENDER_REVOKED, "企业备案已撤销，不能报送新单证", "the sender's filing is revoked", "platform"
    ),
    ReceiptCode(
        CREDIT_RESTRICTED,
        "企业受信用联合惩戒措施限制，不能报送新单证",
        "the enterprise is restricted by a joint credit measure and cannot send new documents",
        "platform",
    ),
    ReceiptCode("-301008", "订单参数校验不通过", "order failed field checks", "spec §7.4"),
    ReceiptCode(
        "-301009",
        "appType不正确（无可变更或删除的订单）",
        "wrong appType: no order to change or delete",
        "spec §7.4",
    ),
    ReceiptCode("-301010", "已存在相同编号的订单", "an order with this number already exists", "spec §7.4"),
    ReceiptCode(
        "-401007", "已存在相同编号的支付单", "a payment with this transaction id already exists", "spec §7.4"
    ),
    ReceiptCode("-401009", "支付单参数校验不通过", "payment failed field checks", "spec §7.4"),
    ReceiptCode("-504015", "已存在相同编号的运单", "a waybill with this number already exists", "spec §7.4"),
    ReceiptCode("-505012", "运单状态已存在", "this waybill status already exists", "spec §7.4"),
    ReceiptCode("-621001", "清单校验失败", "inventory failed checks", "spec §7.4"),
    ReceiptCode("-621004", "清单重复申报", "inventory declared twice", "spec §7.4"),
    ReceiptCode("-621011", "不存在已申报清单，无法改单", "no declared inventory to change", "spec §7.4"),
    ReceiptCode("-800003", "入库明细单已存在", "arrival list already exists", "spec §7.4"),
)

_TEXT = {c.code: c.zh for c in RECEIPT_CODES}

_SUCCESS_TEXT = {"1": "新增申报成功", "2": "变更申报成功", "3": "删除申报成功"}


def describe(code: str) -> str:
    """Chinese text of a receipt code (the code itself when unknown)."""
    return _TEXT.get(code, code)


def success_text(record: CebRecord, status: str) -> str:
    """``returnInfo`` of an accepted record, as the e-port writes it: ``新增申报成功[guid]``."""
    if status == STORED:
        return f"暂存成功[{record.guid or ''}]"
    action = _SUCCESS_TEXT.get(record.head.get("appType", "1"), "申报成功")
    return f"{action}[{record.guid or ''}]"


def not_found_code(spec: MessageSpec) -> str:
    """Code for an ``appType`` 2/3 record whose original does not exist."""
    known = {"CEB311Message": "-301009", "CEB621Message": "-621011"}
    return known.get(spec.name) or spec.check_failed_code or FORMAT_ERROR
