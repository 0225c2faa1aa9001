"""The CEB 202205 message catalogue: one :class:`MessageSpec` per message type.

Sources: ``ceb.md`` §1.3 (catalogue, sender roles), §2 (business keys), §3-4
(fields), §5.1 (signatures), §7.4 (negative codes). Where the spec is silent a
value is marked ``"our choice"`` in the ``*_source`` attribute and explained here.

Roles (our names, see docs/glossary): ``ebp`` e-commerce platform (电商平台),
``ebc`` e-commerce enterprise / seller (电商企业; export: 收发货人), ``logistics``
(物流企业), ``payment`` (支付企业), ``agent`` declaring enterprise / customs broker
(申报企业 / 报关企业), ``warehouse`` supervised-site or bonded-warehouse operator
(监管场所经营人 / 区内仓储企业).

Choices made here:

* **Business keys.** Import order, payment, waybill, waybill status follow ceb.md §2.
  CEB621 uses ``(ebpCode, orderNo)``: ``copNo`` is optional in the import XSD, and
  customs links one inventory to one order (三单对碰, -621004 重复申报); the
  (agentCode, copNo) alternative would miss inventories sent without copNo.
  Cancellation/return (623/625) are keyed by the inventory they act on (``invtNo``),
  CEB711 by ``(operatorCode, billNo)`` (``copNo`` is optional there too). Export
  keys use the enterprise document number each export receipt echoes (``copNo`` /
  ``coElNo``, with ``msgSeqNo`` for documents that may be split); CEB303 adds
  ``ebcCode`` because ``ebpCode`` may be ``无`` for foreign platforms. For a receipt,
  ``business_key`` names its fields that carry the key of the answered declaration
  (empty when the receipt does not carry all of them — match by record guid then:
  our receipts echo the declared record's guid).
* **Negative codes.** ``duplicate_code`` / ``check_failed_code`` come from ceb.md §7.4
  where it names them. Otherwise: inside the documented range of the message
  (511 → -504…, 513 → -505…, 623 → -623…, 625 → -625…, 711 → -800…), and for export
  messages, whose codes are not published, ``-<nnn>004`` (duplicate) / ``-<nnn>001``
  (check failed), mirroring CEB621's -621004 / -621001. All such values are marked
  ``"our choice"``.
* **Signatures.** ``always`` where the XSD makes ``ds:Signature`` mandatory (621, 623,
  625, 711); ``when_app_status_2`` where the annotation requires it for appStatus 2
  (603, 607); ``never`` = never *required* (it may still be present).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Literal

__all__ = ["CATALOGUE", "Direction", "Kind", "MessageSpec", "Role", "SignatureRule", "spec_for"]

Direction = Literal["import", "export"]
Kind = Literal["declaration", "receipt", "customs"]
Role = Literal["ebp", "ebc", "logistics", "payment", "agent", "warehouse"]

SPEC = "spec"
OUR_CHOICE = "our choice"


class SignatureRule(StrEnum):
    """When a message must carry ``ds:Signature``."""

    ALWAYS = "always"
    WHEN_APP_STATUS_2 = "when_app_status_2"
    NEVER = "never"


@dataclass(frozen=True)
class MessageSpec:
    """What the platform needs to know about one CEB message type.

    Attributes:
        name: root element name, e.g. ``CEB311Message``.
        chinese_name: the spec's Chinese name (电子订单 …).
        direction: ``import`` (CBI, import XSD) or ``export`` (CBE, export XSD).
        kind: ``declaration`` (enterprise → customs), ``receipt`` (回执), or ``customs``
            (customs-issued data: 816, 818, 792, 900).
        record_element: the business record element (``Order``, ``LogisticsStatus`` …).
        head_element: the head wrapper inside the record, None when fields sit in the record.
        list_elements: repeated list elements inside the record.
        sender_roles: roles allowed to send it (declarations; ceb.md §1.3 "sender role").
        party_fields: head fields naming enterprises → the role they name.
        business_key: head fields forming the business key (see module docstring).
        duplicate_code: e-port negative ``returnStatus`` for a duplicate business key.
        duplicate_code_source: ``"spec"`` or ``"our choice"``.
        check_failed_code: negative ``returnStatus`` for a field-rule / format failure.
        check_failed_code_source: ``"spec"`` or ``"our choice"``.
        receipt_type: the receipt answering it (declarations).
        answers: the declaration it answers (receipts).
        signature_required: see :class:`SignatureRule`.
        pre_no_prefix: first letter of ``preNo`` in this receipt type (observed in the samples).
    """

    name: str
    chinese_name: str
    direction: Direction
    kind: Kind
    record_element: str
    head_element: str | None = None
    list_elements: tuple[str, ...] = ()
    sender_roles: tuple[Role, ...] = ()
    party_fields: Mapping[str, Role] = field(default_factory=lambda: MappingProxyType({}))
    business_key: tuple[str, ...] = ()
    duplicate_code: str | None = None
    duplicate_code_source: str | None = None
    check_failed_code: str | None = None
    check_failed_code_source: str | None = None
    receipt_type: str | None = None
    answers: str | None = None
    signature_required: SignatureRule = SignatureRule.NEVER
    pre_no_prefix: str | None = None

    @property
    def number(self) -> str:
        """The three-digit message number, e.g. ``"311"``."""
        return self.name[3:6]

    @property
    def is_declaration(self) -> bool:
        """Whether enterprises send it to customs."""
        return self.kind == "declaration"


def _parties(**fields: Role) -> Mapping[str, Role]:
    return MappingProxyType(dict(fields))


_EBP_EBC: tuple[Role, ...] = ("ebp", "ebc")
_AGENT_EBC: tuple[Role, ...] = ("agent", "ebc")


def _declaration(
    name: str,
    chinese_name: str,
    direction: Direction,
    record: str,
    head: str | None,
    lists: tuple[str, ...],
    senders: tuple[Role, ...],
    parties: Mapping[str, Role],
    key: tuple[str, ...],
    duplicate: tuple[str, str],
    check_failed: tuple[str, str],
    signature: SignatureRule = SignatureRule.NEVER,
) -> MessageSpec:
    number = int(name[3:6])
    return MessageSpec(
        name=name,
        chinese_name=chinese_name,
        direction=direction,
        kind="declaration",
        record_element=record,
        head_element=head,
        list_elements=lists,
        sender_roles=senders,
        party_fields=parties,
        business_key=key,
        duplicate_code=duplicate[0],
        duplicate_code_source=duplicate[1],
        check_failed_code=check_failed[0],
        check_failed_code_source=check_failed[1],
        receipt_type=f"CEB{number + 1}Message",
        signature_required=signature,
    )


def _receipt(
    name: str,
    chinese_name: str,
    direction: Direction,
    record: str,
    parties: Mapping[str, Role],
    key: tuple[str, ...],
    pre_no_prefix: str | None = None,
) -> MessageSpec:
    number = int(name[3:6])
    return MessageSpec(
        name=name,
        chinese_name=chinese_name,
        direction=direction,
        kind="receipt",
        record_element=record,
        party_fields=parties,
        business_key=key,
        answers=f"CEB{number - 1}Message",
        pre_no_prefix=pre_no_prefix,
    )


def _customs(
    name: str,
    chinese_name: str,
    direction: Direction,
    record: str,
    head: str | None,
    lists: tuple[str, ...],
    parties: Mapping[str, Role],
    key: tuple[str, ...],
) -> MessageSpec:
    return MessageSpec(
        name=name,
        chinese_name=chinese_name,
        direction=direction,
        kind="customs",
        record_element=record,
        head_element=head,
        list_elements=lists,
        party_fields=parties,
        business_key=key,
    )


def _own(number: int) -> tuple[tuple[str, str], tuple[str, str]]:
    """Our-choice duplicate / check-failed codes for an export message (mirrors -621004 / -621001)."""
    return (f"-{number}004", OUR_CHOICE), (f"-{number}001", OUR_CHOICE)


_SPECS: tuple[MessageSpec, ...] = (
    # ---------------------------------------------------------------- import (进口)
    _declaration(
        "CEB311Message",
        "电子订单",
        "import",
        "Order",
        "OrderHead",
        ("OrderList",),
        _EBP_EBC,
        _parties(ebpCode="ebp", ebcCode="ebc", payCode="payment"),
        ("ebpCode", "orderNo"),
        ("-301010", SPEC),
        ("-301008", SPEC),
    ),
    _receipt(
        "CEB312Message",
        "电子订单回执",
        "import",
        "OrderReturn",
        _parties(ebpCode="ebp", ebcCode="ebc"),
        ("ebpCode", "orderNo"),
    ),
    _declaration(
        "CEB411Message",
        "支付凭证",
        "import",
        "Payment",
        "PaymentHead",
        (),
        ("payment",),
        _parties(payCode="payment", ebpCode="ebp"),
        ("payCode", "payTransactionId"),
        ("-401007", SPEC),
        ("-401009", SPEC),
    ),
    _receipt(
        "CEB412Message",
        "支付凭证回执",
        "import",
        "PaymentReturn",
        _parties(payCode="payment"),
        ("payCode", "payTransactionId"),
    ),
    _declaration(
        "CEB511Message",
        "物流运单",
        "import",
        "Logistics",
        "LogisticsHead",
        (),
        ("logistics",),
        _parties(logisticsCode="logistics"),
        ("logisticsCode", "logisticsNo"),
        ("-504015", SPEC),
        ("-504001", OUR_CHOICE),
    ),
    _receipt(
        "CEB512Message",
        "物流运单回执",
        "import",
        "LogisticsReturn",
        _parties(logisticsCode="logistics"),
        ("logisticsCode", "logisticsNo"),
    ),
    _declaration(
        "CEB513Message",
        "物流运单状态",
        "import",
        "LogisticsStatus",
        None,
        (),
        ("logistics",),
        _parties(logisticsCode="logistics"),
        ("logisticsCode", "logisticsNo", "logisticsStatus"),
        ("-505012", SPEC),
        ("-505001", OUR_CHOICE),
    ),
    _receipt(
        "CEB514Message",
        "运单状态回执",
        "import",
        "LogisticsStatusReturn",
        _parties(logisticsCode="logistics"),
        ("logisticsCode", "logisticsNo", "logisticsStatus"),
    ),
    _declaration(
        "CEB621Message",
        "进口申报清单",
        "import",
        "Inventory",
        "InventoryHead",
        ("InventoryList",),
        _AGENT_EBC,
        _parties(
            ebpCode="ebp", ebcCode="ebc", logisticsCode="logistics", agentCode="agent", areaCode="warehouse"
        ),
        ("ebpCode", "orderNo"),
        ("-621004", SPEC),
        ("-621001", SPEC),
        SignatureRule.ALWAYS,
    ),
    _receipt(
        "CEB622Message",
        "进口清单回执",
        "import",
        "InventoryReturn",
        _parties(ebpCode="ebp", ebcCode="ebc", agentCode="agent"),
        (),
        "B",
    ),
    _declaration(
        "CEB623Message",
        "撤销申请单",
        "import",
        "InvtCancel",
        None,
        (),
        _AGENT_EBC,
        _parties(ebpCode="ebp", ebcCode="ebc", logisticsCode="logistics", agentCode="agent"),
        ("invtNo",),
        ("-623004", OUR_CHOICE),
        ("-623001", OUR_CHOICE),
        SignatureRule.ALWAYS,
    ),
    _receipt(
        "CEB624Message",
        "撤销申请单回执",
        "import",
        "InvtCancelReturn",
        _parties(agentCode="agent", ebpCode="ebp", ebcCode="ebc"),
        ("invtNo",),
        "B",
    ),
    _declaration(
        "CEB625Message",
        "退货申请单",
        "import",
        "InvtRefund",
        "InvtRefundHead",
        ("InvtRefundList",),
        _AGENT_EBC,
        _parties(ebpCode="ebp", ebcCode="ebc", logisticsCode="logistics", agentCode="agent"),
        ("invtNo",),
        ("-625004", OUR_CHOICE),
        ("-625001", OUR_CHOICE),
        SignatureRule.ALWAYS,
    ),
    _receipt(
        "CEB626Message",
        "退货申请单回执",
        "import",
        "InvtRefundReturn",
        _parties(agentCode="agent", ebpCode="ebp", ebcCode="ebc"),
        ("invtNo",),
        "T",
    ),
    _declaration(
        "CEB711Message",
        "入库明细单",
        "import",
        "Delivery",
        "DeliveryHead",
        ("DeliveryList",),
        ("warehouse",),
        _parties(operatorCode="warehouse", logisticsCode="logistics"),
        ("operatorCode", "billNo"),
        ("-800003", SPEC),
        ("-800001", OUR_CHOICE),
        SignatureRule.ALWAYS,
    ),
    _receipt(
        "CEB712Message",
        "入库明细单回执",
        "import",
        "DeliveryReturn",
        _parties(operatorCode="warehouse"),
        (),
        "R",
    ),
    _customs(
        "CEB816Message",
        "电子税单",
        "import",
        "Tax",
        "TaxHeadRd",
        ("TaxListRd",),
        _parties(ebcCode="ebc", logisticsCode="logistics", agentCode="agent"),
        ("taxNo",),
    ),
    _customs(
        "CEB818Message", "电子税单状态", "import", "Tax", "TaxHeadStatus", (), _parties(), ("taxNo", "status")
    ),
    _customs("CEB900Message", "报文格式校验回执", "import", "MessageReturn", None, (), _parties(), ()),
    # ---------------------------------------------------------------- export (出口)
    _declaration(
        "CEB303Message",
        "出口电子订单",
        "export",
        "Order",
        "OrderHead",
        ("OrderList",),
        _EBP_EBC,
        _parties(ebpCode="ebp", ebcCode="ebc"),
        ("ebpCode", "ebcCode", "orderNo"),
        *_own(303),
    ),
    _receipt(
        "CEB304Message",
        "出口订单回执",
        "export",
        "OrderReturn",
        _parties(ebpCode="ebp", ebcCode="ebc"),
        ("ebpCode", "ebcCode", "orderNo"),
        None,
    ),
    _declaration(
        "CEB403Message",
        "收款单",
        "export",
        "Receipts",
        None,
        (),
        ("payment",),
        _parties(ebpCode="ebp", ebcCode="ebc", payCode="payment"),
        ("ebcCode", "orderNo"),
        *_own(403),
    ),
    _receipt(
        "CEB404Message",
        "收款单回执",
        "export",
        "ReceiptsReturn",
        _parties(ebcCode="ebc"),
        ("ebcCode", "orderNo"),
    ),
    _declaration(
        "CEB505Message",
        "出口物流运单",
        "export",
        "Logistics",
        None,
        (),
        ("logistics",),
        _parties(logisticsCode="logistics", ebcCode="ebc"),
        ("logisticsCode", "logisticsNo"),
        *_own(505),
    ),
    _receipt(
        "CEB506Message",
        "出口运单回执",
        "export",
        "LogisticsReturn",
        _parties(logisticsCode="logistics"),
        ("logisticsCode", "logisticsNo"),
    ),
    _declaration(
        "CEB507Message",
        "物流运抵单",
        "export",
        "Arrival",
        "ArrivalHead",
        ("ArrivalList",),
        ("logistics", "warehouse"),
        _parties(operatorCode="warehouse", logisticsCode="logistics"),
        ("operatorCode", "copNo", "msgSeqNo"),
        *_own(507),
    ),
    _receipt(
        "CEB508Message",
        "运抵单回执",
        "export",
        "ArrivalReturn",
        _parties(operatorCode="warehouse", logisticsCode="logistics"),
        ("operatorCode", "copNo", "msgSeqNo"),
        "P",
    ),
    _declaration(
        "CEB509Message",
        "物流离境单",
        "export",
        "Departure",
        "DepartureHead",
        ("DepartureList",),
        ("logistics",),
        _parties(logisticsCode="logistics"),
        ("logisticsCode", "copNo", "msgSeqNo"),
        *_own(509),
    ),
    _receipt(
        "CEB510Message",
        "离境单回执",
        "export",
        "DepartureReturn",
        _parties(logisticsCode="logistics"),
        ("logisticsCode", "copNo", "msgSeqNo"),
        "P",
    ),
    _declaration(
        "CEB603Message",
        "出口申报清单",
        "export",
        "Inventory",
        "InventoryHead",
        ("InventoryList",),
        _AGENT_EBC,
        _parties(
            ebpCode="ebp", logisticsCode="logistics", agentCode="agent", ebcCode="ebc", iacCode="warehouse"
        ),
        ("agentCode", "copNo"),
        *_own(603),
        SignatureRule.WHEN_APP_STATUS_2,
    ),
    _receipt(
        "CEB604Message",
        "出口清单回执",
        "export",
        "InventoryReturn",
        _parties(agentCode="agent", ebcCode="ebc", ebpCode="ebp"),
        ("agentCode", "copNo"),
        "P",
    ),
    _declaration(
        "CEB605Message",
        "出口撤销申请单",
        "export",
        "InvtCancel",
        None,
        (),
        _AGENT_EBC,
        _parties(agentCode="agent", ebcCode="ebc"),
        ("agentCode", "copNo"),
        *_own(605),
    ),
    _receipt(
        "CEB606Message",
        "撤销申请单回执",
        "export",
        "InvtCancelReturn",
        _parties(agentCode="agent"),
        ("agentCode", "copNo"),
        "P",
    ),
    _declaration(
        "CEB607Message",
        "清单总分单",
        "export",
        "WayBill",
        "WayBillHead",
        ("WayBillList",),
        _AGENT_EBC,
        _parties(agentCode="agent", logisticsCode="logistics"),
        ("agentCode", "copNo", "msgSeqNo"),
        *_own(607),
        SignatureRule.WHEN_APP_STATUS_2,
    ),
    _receipt(
        "CEB608Message",
        "清单总分单回执",
        "export",
        "WayBillReturn",
        _parties(agentCode="agent", logisticsCode="logistics"),
        ("agentCode", "copNo", "msgSeqNo"),
        "P",
    ),
    _declaration(
        "CEB213Message",
        "零售出口退货申请单",
        "export",
        "InvtRefund",
        "InvtRefundHead",
        ("InvtRefundList",),
        _AGENT_EBC,
        _parties(ebpCode="ebp", ebcCode="ebc", logisticsCode="logistics", agentCode="agent"),
        ("agentCode", "coElNo"),
        *_own(213),
    ),
    _receipt(
        "CEB214Message",
        "退货申请单回执",
        "export",
        "RefundReturn",
        _parties(ebpCode="ebp", ebcCode="ebc", agentCode="agent"),
        ("agentCode", "coElNo"),
        "B",
    ),
    _declaration(
        "CEB215Message",
        "出口退运理货明细单",
        "export",
        "InvtRefundDetail",
        None,
        (),
        ("warehouse",),
        _parties(operatorCode="warehouse", logisticsCode="logistics"),
        ("operatorCode", "coElNo"),
        *_own(215),
    ),
    _receipt(
        "CEB216Message",
        "理货明细单回执",
        "export",
        "InvtRefundDetailReturn",
        _parties(operatorCode="warehouse", logisticsCode="logistics"),
        ("operatorCode", "coElNo"),
        "O",
    ),
    _declaration(
        "CEB701Message",
        "汇总申请单",
        "export",
        "SummaryApply",
        "SummaryApplyHead",
        ("SummaryApplyList",),
        _AGENT_EBC,
        _parties(agentCode="agent", ebcCode="ebc", declAgentCode="agent"),
        ("agentCode", "copNo", "msgSeqNo"),
        *_own(701),
    ),
    _receipt(
        "CEB702Message",
        "汇总申请单回执",
        "export",
        "SummaryReturn",
        _parties(agentCode="agent", ebcCode="ebc"),
        ("agentCode", "copNo", "msgSeqNo"),
        "P",
    ),
    _customs(
        "CEB792Message",
        "汇总结果单",
        "export",
        "SummaryResult",
        "SummaryResultHead",
        ("SummaryResultList",),
        _parties(agentCode="agent", ebcCode="ebc", declAgentCode="agent"),
        ("sumNo", "msgSeqNo"),
    ),
)

CATALOGUE: Mapping[str, MessageSpec] = MappingProxyType({spec.name: spec for spec in _SPECS})
"""``message type → MessageSpec`` for all 42 CEB 202205 message types."""


def spec_for(message_type: str) -> MessageSpec | None:
    """Return the spec of a message type (``"CEB311Message"``), or None when unknown.

    Args:
        message_type: root element name.

    Returns:
        The spec or None.
    """
    return CATALOGUE.get(message_type)
