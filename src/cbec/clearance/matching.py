"""The three-document match (三单对碰) for retail import: order, payment and waybill against the inventory.

Before an import is declared, the platform sends the order (CEB311), the payment firm the payment
(CEB411) and the logistics firm the waybill (CEB511); the declaring agent then files the inventory
(申报清单, CEB621), which customs compares with the three documents (GACC 2018 No.194, items 八–十一;
regulation.md §3.1.2–§3.1.3 and §3.3; ceb.md §2 "Business keys" and §7.1).

:func:`match` is pure: it takes the documents as plain data (each document's CEB head as
``{element: value}`` with the values exactly as declared and personal data already decrypted, and
its lists), the filings of the enterprises they name, and the parameters; it touches no database
and no clock. It returns **every** finding, never only the first, each with a stable
:class:`~cbec.clearance.reasons.ReasonCode`, the element(s) concerned and texts that carry the
concrete values — with personal data masked by :mod:`cbec.kernel.pii`, because findings are stored
and sent back in receipts.

The checks are the small named functions in :data:`CHECKS`, run in that order; each docstring
states the rule and its reference. Numbers, code lists and switches come from
``parameters/matching.yaml`` through :func:`load_match_parameters`; which element sits in which
message is the spec's structure and is written here.

The inventory is the reference: every other document is compared with it (customs compares the
三单 with the 申报清单), except the consignee data the inventory does not carry (name and phone:
order against waybill). When a document is missing, its absence is reported once and the checks
that need it are skipped; ``match`` never decides that the wait is over (that is the caller's
``SET_INCOMPLETE_TIMEOUT``).

Text is compared after Unicode NFKC normalisation, trimming and collapsing runs of white space
(full-width and half-width forms count as equal); ID numbers also ignore letter case (a final
``x``/``X``). Amounts are compared as decimals, within ``amount_tolerance``.

Open points in the law (see also the parameter file):

* 194号 exempts buyers whose identity an authorised institution has authenticated from the
  "buyer = payer" rule, but no CEB field says so; the rule therefore applies to every set unless
  ``payer_must_be_buyer`` is switched off.
* The spec says both that the inventory's ``gname`` is "与电子订单一致" and that the order carries
  only the platform's ``itemName``; whether a customs-normalised ``gname`` may differ from the
  platform name is not stated (``gname_must_equal_order_item_name``).
* The spec requires the order's consignee *telephone* to equal the waybill's (CEB311
  consigneeTelephone "必须与电子运单的收货人电话一致"); the buyer's own telephone is compared nowhere,
  and is not compared here.
* Whether 1239 (保税电商A) inventories belong to this platform, and whether a bank filed only as
  "bank" may act as payment enterprise, are not settled; both are parameter choices.
* The waybill's optional ``freight`` is not compared: only the inventory's freight is said to be
  what the logistics firm charged, and the order's freight may include other charges (运杂费).
* Per-line ``totalPrice = price × qty``, ``goodsValue = Σ totalPrice``, ID check digits and code
  formats are ingest checks (``cbec.messages.ceb.checks``) and are not repeated here.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from types import MappingProxyType

import yaml

from cbec.clearance.reasons import ReasonCode
from cbec.kernel.pii import mask_field
from cbec.registry.enums import EnterpriseRole, FilingStatus

__all__ = [
    "CHECKS",
    "PARAMETERS_FILE",
    "Check",
    "Doc",
    "DocumentSet",
    "FilingFacts",
    "MatchFinding",
    "MatchParameters",
    "MatchParametersError",
    "TradeMode",
    "load_match_parameters",
    "match",
]

PARAMETERS_FILE = Path(__file__).with_name("parameters") / "matching.yaml"
"""The parameter file :func:`load_match_parameters` reads by default."""

# --------------------------------------------------------------------------- inputs and outputs


@dataclass(frozen=True, slots=True)
class Doc:
    """One CEB document: its head and its lists.

    Attributes:
        head: the head record, ``{element name: value as declared}``.
        lists: the document's lists by element name, e.g. ``{"OrderList": [{…}, …]}``.
    """

    head: Mapping[str, str]
    lists: Mapping[str, Sequence[Mapping[str, str]]] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DocumentSet:
    """The documents of one import: the inventory and whatever was found for it.

    Attributes:
        order: the CEB311 order found by (``ebpCode``, ``orderNo``), or None.
        payment: the CEB411 payment found by (``ebpCode``, ``orderNo``), or None.
        waybill: the CEB511 waybill found by (``logisticsCode``, ``logisticsNo``), or None.
        inventory: the CEB621 inventory under check.
    """

    order: Doc | None
    payment: Doc | None
    waybill: Doc | None
    inventory: Doc


@dataclass(frozen=True, slots=True)
class FilingFacts:
    """What the registry knows about one enterprise (备案).

    Attributes:
        code: the enterprise's primary code (the same facts are given under its USCC and its
            customs code).
        name: the filed name.
        roles: the filed roles (:class:`~cbec.registry.enums.EnterpriseRole` values).
        status: the filing status (:class:`~cbec.registry.enums.FilingStatus` value).
        has_guarantee: whether a tax guarantee (税款担保) is on file.
    """

    code: str
    name: str
    roles: frozenset[str]
    status: str
    has_guarantee: bool


@dataclass(frozen=True, slots=True)
class MatchFinding:
    """One problem found by the match.

    Attributes:
        code: the stable reason code.
        field: the element concerned; ``a/b`` when two differently named elements are compared
            (e.g. ``acturalPaid/amountPaid``), or all elements of a sum.
        message_zh: Chinese text with the concrete values (personal data masked).
        message_en: English text with the concrete values (personal data masked).
        gnum: the line number for line findings, else None.
    """

    code: ReasonCode
    field: str
    message_zh: str
    message_en: str
    gnum: int | None = None


@dataclass(frozen=True, slots=True)
class TradeMode:
    """A retail-import trade mode (监管方式) and the inventory fields it requires.

    Attributes:
        code: e.g. ``1210``.
        label_zh: e.g. 网购保税进口.
        label_en: e.g. bonded import.
        head_fields: head elements that must be filled.
        line_fields: elements that must be filled on every line.
    """

    code: str
    label_zh: str
    label_en: str
    head_fields: tuple[str, ...]
    line_fields: tuple[str, ...]


@dataclass(frozen=True)
class MatchParameters:
    """The parameters of the match, as in force on one date (see ``parameters/matching.yaml``).

    Attributes:
        amount_tolerance: largest accepted difference between money amounts (CNY).
        quantity_tolerance: largest accepted difference between line quantities.
        import_currency: the only currency code allowed (142).
        buyer_id_types: allowed ``buyerIdType`` / ``payerIdType`` values.
        payer_must_be_buyer: compare the payer's name and ID with the buyer's.
        consignee_telephone_must_match: compare the consignee telephone of order and waybill.
        enterprise_name_must_match: compare declared enterprise names with the filed names.
        gname_must_equal_order_item_name: compare the inventory ``gname`` with the order ``itemName``.
        trade_modes: the allowed trade modes by code.
        enterprise_roles: for each enterprise code element, the roles that qualify.
        assure_parties: inventory elements whose enterprise may be the guarantor.
        references: for each parameter, its effective date and reference (for traces).
    """

    amount_tolerance: Decimal
    quantity_tolerance: Decimal
    import_currency: str
    buyer_id_types: frozenset[str]
    payer_must_be_buyer: bool
    consignee_telephone_must_match: bool
    enterprise_name_must_match: bool
    gname_must_equal_order_item_name: bool
    trade_modes: Mapping[str, TradeMode]
    enterprise_roles: Mapping[str, frozenset[str]]
    assure_parties: tuple[str, ...]
    references: Mapping[str, str]


class MatchParametersError(ValueError):
    """The parameter file is missing a value or holds one of the wrong shape."""


Check = Callable[[DocumentSet, Mapping[str, FilingFacts], MatchParameters], Iterable[MatchFinding]]
"""``check(documents, filings, parameters) -> findings``."""

# --------------------------------------------------------------------------- spec structure

ORDER, PAYMENT, WAYBILL, INVENTORY = "order", "payment", "waybill", "inventory"
_DOC_ZH = {ORDER: "订单", PAYMENT: "支付凭证", WAYBILL: "运单", INVENTORY: "清单"}
_STATUS_ZH = {
    FilingStatus.active.value: "正常",
    FilingStatus.suspended.value: "暂停",
    FilingStatus.revoked.value: "撤销",
}
ORDER_LIST = "OrderList"  # CEB311 (ceb.md §3.1)
INVENTORY_LIST = "InventoryList"  # CEB621 (ceb.md §3.9)

_ORDER_SUM = ("goodsValue", "freight", "taxTotal", "discount")  # acturalPaid = a + b + c − d
_HEAD_NUMBERS = {
    ORDER: (*_ORDER_SUM, "acturalPaid"),
    PAYMENT: ("amountPaid",),
    INVENTORY: ("freight",),
}
_LINE_NUMBERS = ("qty", "price", "totalPrice")
_LISTS = {ORDER: ORDER_LIST, INVENTORY: INVENTORY_LIST}

_ASSURE = "assureCode"
_NAME_OF = {
    "ebpCode": "ebpName",
    "ebcCode": "ebcName",
    "payCode": "payName",
    "logisticsCode": "logisticsName",
    "agentCode": "agentName",
    "areaCode": "areaName",
}
"""Enterprise code element → its name element (the same pairs in CEB311/411/511/621)."""

_BUYER = ("buyerName", "buyerIdType", "buyerIdNumber")  # order and inventory
_PAYER = ("payerName", "payerIdType", "payerIdNumber")  # payment

# --------------------------------------------------------------------------- small helpers


def _norm(value: str) -> str:
    """NFKC, trimmed, runs of white space collapsed: width and spacing never make a mismatch."""
    return " ".join(unicodedata.normalize("NFKC", value).split())


def _norm_id(value: str) -> str:
    return _norm(value).upper()


def _get(doc: Doc, name: str) -> str:
    return doc.head.get(name, "") or ""


def _number(value: str | None) -> Decimal | None:
    if value is None or not value.strip():
        return None
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _numbers(values: Iterable[str]) -> list[Decimal] | None:
    """All values as numbers, or None when one of them is not a number."""
    numbers = [_number(value) for value in values]
    return [n for n in numbers if n is not None] if None not in numbers else None


def _shown(name: str, value: str) -> str:
    """The value as it may appear in a finding: personal data masked, empty shown as ``""``."""
    return mask_field(name, value.strip()) if value.strip() else '""'


def _docs(docs: DocumentSet) -> list[tuple[str, Doc]]:
    present = ((ORDER, docs.order), (PAYMENT, docs.payment), (WAYBILL, docs.waybill))
    return [(kind, doc) for kind, doc in present if doc is not None] + [(INVENTORY, docs.inventory)]


def _lines(doc: Doc, list_name: str) -> dict[str, Mapping[str, str]]:
    """Lines keyed by ``gnum`` (trimmed); a duplicate gnum keeps the first line (ingest reports it)."""
    lines: dict[str, Mapping[str, str]] = {}
    for line in doc.lists.get(list_name, ()):
        lines.setdefault((line.get("gnum") or "").strip(), line)
    return lines


def _gnum(key: str) -> int | None:
    return int(key) if key.isascii() and key.isdigit() else None


def _roles_zh(roles: Iterable[str]) -> str:
    known = {role.value: role.label_zh for role in EnterpriseRole}
    return "/".join(known.get(role, role) for role in sorted(roles))


def _filing(filings: Mapping[str, FilingFacts], code: str) -> FilingFacts | None:
    key = code.strip()
    return filings.get(key) or filings.get(key.upper())


def _same_enterprise(a: str, b: str, filings: Mapping[str, FilingFacts]) -> bool:
    """Same code, or two codes (USCC and customs code) of the same filed enterprise."""
    if _norm_id(a) == _norm_id(b):
        return True
    fa, fb = _filing(filings, a), _filing(filings, b)
    return fa is not None and fb is not None and fa.code == fb.code


def _finding(
    code: ReasonCode, field: str, detail_zh: str, detail_en: str, gnum: int | None = None
) -> MatchFinding:
    where_zh = f"第{gnum}项 " if gnum is not None else ""
    where_en = f"line {gnum}: " if gnum is not None else ""
    return MatchFinding(
        code=code,
        field=field,
        message_zh=f"{code.zh}：{where_zh}{detail_zh}",
        message_en=f"{code.en}: {where_en}{detail_en}",
        gnum=gnum,
    )


def _mismatch(
    code: ReasonCode,
    a: tuple[str, str, str],
    b: tuple[str, str, str],
    gnum: int | None = None,
) -> MatchFinding:
    """A finding for two values that differ; ``a`` and ``b`` are ``(document, element, value)``."""
    (a_doc, a_name, a_value), (b_doc, b_name, b_value) = a, b
    field = a_name if a_name == b_name else f"{a_name}/{b_name}"
    shown_a, shown_b = _shown(a_name, a_value), _shown(b_name, b_value)
    return _finding(
        code,
        field,
        f"{_DOC_ZH[a_doc]} {a_name}={shown_a}，{_DOC_ZH[b_doc]} {b_name}={shown_b}",
        f"{a_doc} {a_name}={shown_a}, {b_doc} {b_name}={shown_b}",
        gnum,
    )


def _differ_by_more(a: str, b: str, tolerance: Decimal) -> bool:
    """Both are numbers and differ by more than the tolerance (non-numbers are reported elsewhere)."""
    x, y = _number(a), _number(b)
    return x is not None and y is not None and abs(x - y) > tolerance


# --------------------------------------------------------------------------- documents present


def check_documents_present(
    docs: DocumentSet, filings: Mapping[str, FilingFacts], params: MatchParameters
) -> Iterator[MatchFinding]:
    """All three documents must be there: order, payment and waybill (三单).

    Reference: GACC 2018 No.194 (regulation.md §3.1.2: platform, payment and logistics firms each
    send their data before the import is declared); ceb.md §2 business keys. ``field`` names the
    inventory elements the missing document was looked up by.
    """
    inv = docs.inventory
    order_key = ("ebpCode", "orderNo")
    waybill_key = ("logisticsCode", "logisticsNo")
    missing = (
        (docs.order, ReasonCode.MATCH_ORDER_MISSING, order_key),
        (docs.payment, ReasonCode.MATCH_PAYMENT_MISSING, order_key),
        (docs.waybill, ReasonCode.MATCH_WAYBILL_MISSING, waybill_key),
    )
    for doc, code, key in missing:
        if doc is None:
            values = [f"{name}={_get(inv, name).strip()}" for name in key]
            yield _finding(code, "/".join(key), f"清单 {'，'.join(values)}", f"inventory {', '.join(values)}")


# --------------------------------------------------------------------------- keys


def _key_findings(
    code: ReasonCode,
    kind: str,
    doc: Doc,
    inv: Doc,
    fields: Sequence[str],
    filings: Mapping[str, FilingFacts],
) -> Iterator[MatchFinding]:
    for name in fields:
        ours, theirs = _get(doc, name), _get(inv, name)
        same = (
            _same_enterprise(ours, theirs, filings) if name.endswith("Code") else _norm(ours) == _norm(theirs)
        )
        if not same:
            yield _mismatch(code, (kind, name, ours), (INVENTORY, name, theirs))


def check_order_key(
    docs: DocumentSet, filings: Mapping[str, FilingFacts], params: MatchParameters
) -> Iterator[MatchFinding]:
    """The order's (``ebpCode``, ``orderNo``) equal the inventory's.

    Reference: ceb.md §2 "Business keys": order = ``ebpCode`` + ``orderNo``, the inventory is matched
    to the order by them; regulation.md §3.3 "Order number links order ↔ payment ↔ 清单".
    """
    if docs.order is not None:
        fields = ("ebpCode", "orderNo")
        yield from _key_findings(
            ReasonCode.MATCH_ORDER_KEY_MISMATCH, ORDER, docs.order, docs.inventory, fields, filings
        )


def check_payment_key(
    docs: DocumentSet, filings: Mapping[str, FilingFacts], params: MatchParameters
) -> Iterator[MatchFinding]:
    """The payment's (``ebpCode``, ``orderNo``) equal the inventory's.

    Reference: CEB411 carries ``orderNo`` and ``ebpCode`` of the order it pays (ceb.md §3.3);
    regulation.md §3.3 "Order number links order ↔ payment ↔ 清单".
    """
    if docs.payment is not None:
        fields = ("ebpCode", "orderNo")
        yield from _key_findings(
            ReasonCode.MATCH_PAYMENT_KEY_MISMATCH, PAYMENT, docs.payment, docs.inventory, fields, filings
        )


def check_payment_reference(
    docs: DocumentSet, filings: Mapping[str, FilingFacts], params: MatchParameters
) -> Iterator[MatchFinding]:
    """When the order names ``payCode`` / ``payTransactionId``, they equal the payment's.

    Reference: ceb.md §2 "Business keys": payment = ``payCode`` + ``payTransactionId``, linked from
    the order's optional ``payCode`` / ``payTransactionId`` (ceb.md §3.1). Left empty on the order,
    they are not compared.
    """
    if docs.order is None or docs.payment is None:
        return
    pay_code, payment_code = _get(docs.order, "payCode"), _get(docs.payment, "payCode")
    if pay_code.strip() and not _same_enterprise(pay_code, payment_code, filings):
        yield _mismatch(
            ReasonCode.MATCH_PAY_CODE_MISMATCH,
            (ORDER, "payCode", pay_code),
            (PAYMENT, "payCode", payment_code),
        )
    txn, payment_txn = _get(docs.order, "payTransactionId"), _get(docs.payment, "payTransactionId")
    if txn.strip() and _norm(txn) != _norm(payment_txn):
        yield _mismatch(
            ReasonCode.MATCH_PAY_TRANSACTION_ID_MISMATCH,
            (ORDER, "payTransactionId", txn),
            (PAYMENT, "payTransactionId", payment_txn),
        )


def check_waybill_key(
    docs: DocumentSet, filings: Mapping[str, FilingFacts], params: MatchParameters
) -> Iterator[MatchFinding]:
    """The waybill's (``logisticsCode``, ``logisticsNo``) equal the inventory's.

    Reference: ceb.md §2 "Business keys": waybill = ``logisticsCode`` + ``logisticsNo``;
    regulation.md §3.3 "Waybill number links waybill ↔ 清单".
    """
    if docs.waybill is not None:
        fields = ("logisticsCode", "logisticsNo")
        yield from _key_findings(
            ReasonCode.MATCH_WAYBILL_KEY_MISMATCH, WAYBILL, docs.waybill, docs.inventory, fields, filings
        )


def check_waybill_order(
    docs: DocumentSet, filings: Mapping[str, FilingFacts], params: MatchParameters
) -> Iterator[MatchFinding]:
    """The waybill's ``orderNo`` equals the inventory's.

    Reference: CEB511 ``orderNo`` 交易平台的订单编号 (ceb.md §3.5): the waybill carries the order it ships.
    """
    if docs.waybill is not None:
        yield from _key_findings(
            ReasonCode.MATCH_WAYBILL_ORDER_MISMATCH,
            WAYBILL,
            docs.waybill,
            docs.inventory,
            ("orderNo",),
            filings,
        )


def check_seller(
    docs: DocumentSet, filings: Mapping[str, FilingFacts], params: MatchParameters
) -> Iterator[MatchFinding]:
    """The order's seller (``ebcCode``) is the inventory's.

    Reference: CEB311 and CEB621 ``ebcCode`` 电商企业的海关注册登记编号 (ceb.md §3.1, §3.9): one sale,
    one seller.
    """
    if docs.order is not None:
        yield from _key_findings(
            ReasonCode.MATCH_SELLER_MISMATCH, ORDER, docs.order, docs.inventory, ("ebcCode",), filings
        )


# --------------------------------------------------------------------------- buyer


def _identities(docs: DocumentSet, params: MatchParameters) -> list[tuple[str, Doc, tuple[str, str, str]]]:
    """Documents compared with the inventory's buyer: the order, and the payment when payer = buyer."""
    found: list[tuple[str, Doc, tuple[str, str, str]]] = []
    if docs.order is not None:
        found.append((ORDER, docs.order, _BUYER))
    if docs.payment is not None and params.payer_must_be_buyer:
        found.append((PAYMENT, docs.payment, _PAYER))
    return found


def check_buyer_id_type(
    docs: DocumentSet, filings: Mapping[str, FilingFacts], params: MatchParameters
) -> Iterator[MatchFinding]:
    """``buyerIdType`` (order, inventory) and ``payerIdType`` (payment) are the resident ID card.

    Reference: ceb.md §3.1/§3.3/§3.9: 1-身份证,2-其它。限定为身份证，填写“1”; parameter ``buyer_id_types``.
    """
    allowed = sorted(params.buyer_id_types)
    for kind, doc in _docs(docs):
        if kind == WAYBILL:
            continue
        name = "payerIdType" if kind == PAYMENT else "buyerIdType"
        value = _get(doc, name)
        if _norm(value) not in params.buyer_id_types:
            shown = _shown(name, value)
            yield _finding(
                ReasonCode.MATCH_BUYER_ID_TYPE_INVALID,
                name,
                f"{_DOC_ZH[kind]} {name}={shown}，应为 {'/'.join(allowed)}",
                f"{kind} {name}={shown}, must be {'/'.join(allowed)}",
            )


def check_buyer_name(
    docs: DocumentSet, filings: Mapping[str, FilingFacts], params: MatchParameters
) -> Iterator[MatchFinding]:
    """The buyer's name is the same on order, payment (``payerName``) and inventory.

    Reference: GACC 2018 No.194 (regulation.md §3.1.3): unless the buyer's identity was authenticated,
    订购人与支付人应当为同一人; regulation.md §3.3 "Buyer = payer"; the inventory's buyer is the order's
    (CEB621 buyerName 订购人的真实姓名). Parameter ``payer_must_be_buyer``.
    """
    inv_name = _get(docs.inventory, "buyerName")
    for kind, doc, (name_field, _, _) in _identities(docs, params):
        value = _get(doc, name_field)
        if _norm(value) != _norm(inv_name):
            yield _mismatch(
                ReasonCode.MATCH_BUYER_NAME_MISMATCH,
                (kind, name_field, value),
                (INVENTORY, "buyerName", inv_name),
            )


def check_buyer_id(
    docs: DocumentSet, filings: Mapping[str, FilingFacts], params: MatchParameters
) -> Iterator[MatchFinding]:
    """The buyer's ID (type and number) is the same on order, payment and inventory.

    Reference: as :func:`check_buyer_name` (194号 identity rule; regulation.md §3.3 ``buyerIdNumber`` =
    ``payerIdNumber``). ID types are compared only when both are allowed types (otherwise
    :func:`check_buyer_id_type` already reports them).
    """
    inv_type, inv_number = _get(docs.inventory, "buyerIdType"), _get(docs.inventory, "buyerIdNumber")
    for kind, doc, (_, type_field, number_field) in _identities(docs, params):
        id_type, number = _get(doc, type_field), _get(doc, number_field)
        both_allowed = {_norm(id_type), _norm(inv_type)} <= params.buyer_id_types
        if both_allowed and _norm(id_type) != _norm(inv_type):
            yield _mismatch(
                ReasonCode.MATCH_BUYER_ID_MISMATCH,
                (kind, type_field, id_type),
                (INVENTORY, "buyerIdType", inv_type),
            )
        if _norm_id(number) != _norm_id(inv_number):
            yield _mismatch(
                ReasonCode.MATCH_BUYER_ID_MISMATCH,
                (kind, number_field, number),
                (INVENTORY, "buyerIdNumber", inv_number),
            )


# --------------------------------------------------------------------------- amounts


def check_amounts_are_numbers(
    docs: DocumentSet, filings: Mapping[str, FilingFacts], params: MatchParameters
) -> Iterator[MatchFinding]:
    """The amounts and quantities the match compares are numbers.

    Reference: ceb.md §2 "Money/quantity: N19,5". Normally the XSD has refused non-numbers already;
    the other checks skip values that are not numbers, so they are reported here, once.
    """
    for kind, doc in _docs(docs):
        for name in _HEAD_NUMBERS.get(kind, ()):
            value = _get(doc, name)
            if _number(value) is None:
                yield _finding(
                    ReasonCode.MATCH_AMOUNT_INVALID,
                    name,
                    f"{_DOC_ZH[kind]} {name}={_shown(name, value)}",
                    f"{kind} {name}={_shown(name, value)}",
                )
        if kind not in _LISTS:
            continue
        for key, line in _lines(doc, _LISTS[kind]).items():
            for name in _LINE_NUMBERS:
                value = line.get(name, "") or ""
                if _number(value) is None:
                    yield _finding(
                        ReasonCode.MATCH_AMOUNT_INVALID,
                        name,
                        f"{_DOC_ZH[kind]} {name}={_shown(name, value)}",
                        f"{kind} {name}={_shown(name, value)}",
                        _gnum(key),
                    )


def check_order_sum(
    docs: DocumentSet, filings: Mapping[str, FilingFacts], params: MatchParameters
) -> Iterator[MatchFinding]:
    """``acturalPaid = goodsValue + freight + taxTotal − discount`` on the order.

    Reference: CEB311 acturalPaid 商品价格+运杂费+代扣税款-非现金抵扣金额 (ceb.md §3.1; regulation.md §3.3).
    Also checked at ingest; repeated here because the match judges the set as it stands.
    Parameter ``amount_tolerance``.
    """
    if docs.order is None:
        return
    numbers = _numbers([_get(docs.order, name) for name in (*_ORDER_SUM, "acturalPaid")])
    if numbers is None:
        return
    goods, freight, tax, discount, paid = numbers
    expected = goods + freight + tax - discount
    if abs(expected - paid) > params.amount_tolerance:
        values = {name: _get(docs.order, name).strip() for name in (*_ORDER_SUM, "acturalPaid")}
        formula = (
            f"goodsValue {values['goodsValue']} + freight {values['freight']} + taxTotal {values['taxTotal']}"
            f" − discount {values['discount']} = {expected}"
        )
        yield _finding(
            ReasonCode.MATCH_ORDER_SUM_MISMATCH,
            "/".join(("acturalPaid", *_ORDER_SUM)),
            f"{formula} ≠ acturalPaid {values['acturalPaid']}",
            f"{formula} ≠ acturalPaid {values['acturalPaid']}",
        )


def check_paid_amount(
    docs: DocumentSet, filings: Mapping[str, FilingFacts], params: MatchParameters
) -> Iterator[MatchFinding]:
    """The payment's ``amountPaid`` equals the order's ``acturalPaid``.

    Reference: CEB311 acturalPaid …与支付凭证的支付金额一致 (ceb.md §3.1; regulation.md §3.3).
    Parameter ``amount_tolerance``.
    """
    if docs.order is None or docs.payment is None:
        return
    paid, amount = _get(docs.order, "acturalPaid"), _get(docs.payment, "amountPaid")
    if _differ_by_more(paid, amount, params.amount_tolerance):
        yield _mismatch(
            ReasonCode.MATCH_PAID_AMOUNT_MISMATCH,
            (ORDER, "acturalPaid", paid),
            (PAYMENT, "amountPaid", amount),
        )


def check_freight(
    docs: DocumentSet, filings: Mapping[str, FilingFacts], params: MatchParameters
) -> Iterator[MatchFinding]:
    """The inventory's ``freight`` equals the order's.

    Reference: CEB621 freight 物流企业实际收取的运输费用, CEB311 freight 不包含在商品价格中的运杂费
    (ceb.md §3.9, §3.1): the dutiable value takes the freight from the inventory, which must be the
    freight the buyer paid. Parameter ``amount_tolerance``.
    """
    if docs.order is None:
        return
    ours, theirs = _get(docs.order, "freight"), _get(docs.inventory, "freight")
    if _differ_by_more(ours, theirs, params.amount_tolerance):
        yield _mismatch(
            ReasonCode.MATCH_FREIGHT_MISMATCH, (ORDER, "freight", ours), (INVENTORY, "freight", theirs)
        )


# --------------------------------------------------------------------------- lines


def _line_pairs(docs: DocumentSet) -> Iterator[tuple[int | None, Mapping[str, str], Mapping[str, str]]]:
    """(gnum, order line, inventory line) for every gnum on both documents, in inventory order."""
    if docs.order is None:
        return
    order_lines = _lines(docs.order, ORDER_LIST)
    for key, inv_line in _lines(docs.inventory, INVENTORY_LIST).items():
        if key in order_lines:
            yield _gnum(key), order_lines[key], inv_line


def check_line_set(
    docs: DocumentSet, filings: Mapping[str, FilingFacts], params: MatchParameters
) -> Iterator[MatchFinding]:
    """The inventory has exactly the order's lines (the same ``gnum`` set).

    Reference: CEB621 InventoryList gnum 从1开始连续序号，与关联的电子订单表体序号一一对应 (ceb.md §3.9).
    """
    if docs.order is None:
        return
    order_lines = _lines(docs.order, ORDER_LIST)
    inv_lines = _lines(docs.inventory, INVENTORY_LIST)
    for key in order_lines.keys() - inv_lines.keys():
        yield _finding(
            ReasonCode.MATCH_LINE_MISSING,
            "gnum",
            f"订单 gnum={key} 在清单中没有",
            f"order gnum={key} not on the inventory",
            _gnum(key),
        )
    for key in inv_lines.keys() - order_lines.keys():
        yield _finding(
            ReasonCode.MATCH_LINE_EXTRA,
            "gnum",
            f"清单 gnum={key} 在订单中没有",
            f"inventory gnum={key} not on the order",
            _gnum(key),
        )


def check_line_goods(
    docs: DocumentSet, filings: Mapping[str, FilingFacts], params: MatchParameters
) -> Iterator[MatchFinding]:
    """Each inventory line names the order line's goods: ``itemNo``, ``itemName`` and ``gname``.

    Reference: CEB621 InventoryList (ceb.md §3.9): ``itemNo`` 电商企业自定义的商品货号 (compared when
    both documents give it), ``itemName`` 交易平台销售商品的中文名称 (compared when the inventory gives
    it), ``gname`` 商品名称应据实填报，与电子订单一致 (parameter ``gname_must_equal_order_item_name``).
    """
    for gnum, order_line, inv_line in _line_pairs(docs):
        item_no, inv_item_no = order_line.get("itemNo", "") or "", inv_line.get("itemNo", "") or ""
        if item_no.strip() and inv_item_no.strip() and _norm(item_no) != _norm(inv_item_no):
            yield _mismatch(
                ReasonCode.MATCH_LINE_ITEM_NO_MISMATCH,
                (ORDER, "itemNo", item_no),
                (INVENTORY, "itemNo", inv_item_no),
                gnum,
            )
        item_name = order_line.get("itemName", "") or ""
        inv_item_name = inv_line.get("itemName", "") or ""
        if inv_item_name.strip() and _norm(item_name) != _norm(inv_item_name):
            yield _mismatch(
                ReasonCode.MATCH_LINE_NAME_MISMATCH,
                (ORDER, "itemName", item_name),
                (INVENTORY, "itemName", inv_item_name),
                gnum,
            )
        gname = inv_line.get("gname", "") or ""
        if params.gname_must_equal_order_item_name and _norm(item_name) != _norm(gname):
            yield _mismatch(
                ReasonCode.MATCH_LINE_NAME_MISMATCH,
                (ORDER, "itemName", item_name),
                (INVENTORY, "gname", gname),
                gnum,
            )


def check_line_quantity(
    docs: DocumentSet, filings: Mapping[str, FilingFacts], params: MatchParameters
) -> Iterator[MatchFinding]:
    """Each inventory line has the order line's ``qty`` in the same ``unit``.

    Reference: CEB621 qty 按成交计量单位的实际数量, unit 计量单位; CEB311 qty 商品实际数量, unit
    (ceb.md §3.9, §3.1). Parameter ``quantity_tolerance``.
    """
    for gnum, order_line, inv_line in _line_pairs(docs):
        qty, inv_qty = order_line.get("qty", "") or "", inv_line.get("qty", "") or ""
        if _differ_by_more(qty, inv_qty, params.quantity_tolerance):
            yield _mismatch(
                ReasonCode.MATCH_LINE_QTY_MISMATCH, (ORDER, "qty", qty), (INVENTORY, "qty", inv_qty), gnum
            )
        unit, inv_unit = order_line.get("unit", "") or "", inv_line.get("unit", "") or ""
        if _norm(unit) != _norm(inv_unit):
            yield _mismatch(
                ReasonCode.MATCH_LINE_UNIT_MISMATCH,
                (ORDER, "unit", unit),
                (INVENTORY, "unit", inv_unit),
                gnum,
            )


def check_line_prices(
    docs: DocumentSet, filings: Mapping[str, FilingFacts], params: MatchParameters
) -> Iterator[MatchFinding]:
    """Each inventory line has the order line's ``price`` and ``totalPrice``.

    Reference: CEB621 price 成交单价, totalPrice 成交总价; CEB311 price 商品单价, totalPrice 商品总价
    (ceb.md §3.9, §3.1): the inventory declares the transaction the order records.
    Parameter ``amount_tolerance``.
    """
    codes = {
        "price": ReasonCode.MATCH_LINE_PRICE_MISMATCH,
        "totalPrice": ReasonCode.MATCH_LINE_TOTAL_PRICE_MISMATCH,
    }
    for gnum, order_line, inv_line in _line_pairs(docs):
        for name, code in codes.items():
            ours, theirs = order_line.get(name, "") or "", inv_line.get(name, "") or ""
            if _differ_by_more(ours, theirs, params.amount_tolerance):
                yield _mismatch(code, (ORDER, name, ours), (INVENTORY, name, theirs), gnum)


# --------------------------------------------------------------------------- consignee


def check_consignee(
    docs: DocumentSet, filings: Mapping[str, FilingFacts], params: MatchParameters
) -> Iterator[MatchFinding]:
    """The order's consignee name, address (and telephone) equal the waybill's.

    Reference: CEB311 consignee / consigneeAddress / consigneeTelephone 必须与电子运单的收货人姓名/收货地址/
    收货人电话一致 (ceb.md §3.1; regulation.md §3.3). Parameter ``consignee_telephone_must_match``.
    """
    if docs.order is None or docs.waybill is None:
        return
    compared = {
        "consignee": ReasonCode.MATCH_CONSIGNEE_NAME_MISMATCH,
        "consigneeAddress": ReasonCode.MATCH_CONSIGNEE_ADDRESS_MISMATCH,
    }
    if params.consignee_telephone_must_match:
        compared["consigneeTelephone"] = ReasonCode.MATCH_CONSIGNEE_TELEPHONE_MISMATCH
    for name, code in compared.items():
        ours, theirs = _get(docs.order, name), _get(docs.waybill, name)
        if _norm(ours) != _norm(theirs):
            yield _mismatch(code, (ORDER, name, ours), (WAYBILL, name, theirs))


def check_inventory_consignee_address(
    docs: DocumentSet, filings: Mapping[str, FilingFacts], params: MatchParameters
) -> Iterator[MatchFinding]:
    """The inventory's ``consigneeAddress`` equals the order's (the waybill's when there is no order).

    Reference: CEB621 consigneeAddress 收件地址 (ceb.md §3.9) is the address of the order and waybill
    (regulation.md §3.3).
    """
    other = (ORDER, docs.order) if docs.order is not None else (WAYBILL, docs.waybill)
    kind, doc = other
    if doc is None:
        return
    ours, theirs = _get(doc, "consigneeAddress"), _get(docs.inventory, "consigneeAddress")
    if _norm(ours) != _norm(theirs):
        yield _mismatch(
            ReasonCode.MATCH_CONSIGNEE_ADDRESS_MISMATCH,
            (kind, "consigneeAddress", ours),
            (INVENTORY, "consigneeAddress", theirs),
        )


# --------------------------------------------------------------------------- enterprises


def _conditional_fields(params: MatchParameters) -> frozenset[str]:
    """Enterprise elements some trade mode requires (``areaCode``): checked only under such a mode."""
    return frozenset(name for mode in params.trade_modes.values() for name in mode.head_fields)


def _required_now(docs: DocumentSet, params: MatchParameters) -> frozenset[str]:
    mode = params.trade_modes.get(_norm(_get(docs.inventory, "tradeMode")))
    return frozenset(mode.head_fields) if mode else frozenset()


def _enterprise_fields(docs: DocumentSet, params: MatchParameters) -> list[str]:
    conditional, required = _conditional_fields(params), _required_now(docs, params)
    names = [*params.enterprise_roles, _ASSURE]
    return [name for name in names if name not in conditional or name in required]


def _named_enterprises(docs: DocumentSet, params: MatchParameters) -> list[tuple[str, str, str]]:
    """Every (document, element, code) naming an enterprise, once per (element, code)."""
    seen: set[tuple[str, str]] = set()
    named: list[tuple[str, str, str]] = []
    for kind, doc in _docs(docs):
        for name in _enterprise_fields(docs, params):
            code = _get(doc, name).strip()
            if code and (name, _norm_id(code)) not in seen:
                seen.add((name, _norm_id(code)))
                named.append((kind, name, code))
    return named


def check_enterprises_filed(
    docs: DocumentSet, filings: Mapping[str, FilingFacts], params: MatchParameters
) -> Iterator[MatchFinding]:
    """Every enterprise the documents name is filed (备案) with customs.

    Reference: GACC 2018 No.194 (regulation.md §3.1.1): platforms, logistics and payment firms and the
    seller's domestic agent register with customs; ceb.md §7.4 -10102 企业未备案. Elements: those of
    parameter ``enterprise_roles`` and ``assureCode``; ``areaCode`` only under a mode that requires it.
    """
    for kind, name, code in _named_enterprises(docs, params):
        if _filing(filings, code) is None:
            yield _finding(
                ReasonCode.MATCH_ENTERPRISE_NOT_FILED,
                name,
                f"{_DOC_ZH[kind]} {name}={code}",
                f"{kind} {name}={code}",
            )


def check_enterprises_active(
    docs: DocumentSet, filings: Mapping[str, FilingFacts], params: MatchParameters
) -> Iterator[MatchFinding]:
    """Every enterprise the documents name has an active filing (not suspended or revoked).

    Reference: GACC 2018 No.194 (regulation.md §3.1.1) and the 2018-12-29 announcement: a lapsed
    registration ends the enterprise's CBEC business; registry statuses (``FilingStatus``).
    """
    for kind, name, code in _named_enterprises(docs, params):
        facts = _filing(filings, code)
        if facts is not None and facts.status != FilingStatus.active:
            yield _finding(
                ReasonCode.MATCH_ENTERPRISE_NOT_ACTIVE,
                name,
                f"{_DOC_ZH[kind]} {name}={code}，备案状态 {_STATUS_ZH.get(facts.status, facts.status)}",
                f"{kind} {name}={code}, filing status {facts.status}",
            )


def check_enterprise_roles(
    docs: DocumentSet, filings: Mapping[str, FilingFacts], params: MatchParameters
) -> Iterator[MatchFinding]:
    """Every enterprise is filed in the role it is named in (platform, seller, payment, logistics …).

    Reference: GACC 2018 No.194 (regulation.md §3.1.1: the parties and their registrations);
    ceb.md §7.4 -10101 无效企业类型; parameter ``enterprise_roles`` (``assureCode`` is judged by
    :func:`check_assure_party` instead).
    """
    for kind, name, code in _named_enterprises(docs, params):
        facts = _filing(filings, code)
        wanted = params.enterprise_roles.get(name)
        if facts is None or wanted is None or facts.roles & wanted:
            continue
        filed, filed_zh = "/".join(sorted(facts.roles)) or "-", _roles_zh(facts.roles) or "无"
        yield _finding(
            ReasonCode.MATCH_ENTERPRISE_ROLE_MISMATCH,
            name,
            f"{_DOC_ZH[kind]} {name}={code} 应备案为{_roles_zh(wanted)}，已备案类型 {filed_zh}",
            f"{kind} {name}={code} must be filed as {'/'.join(sorted(wanted))}, filed as {filed}",
        )


def check_enterprise_names(
    docs: DocumentSet, filings: Mapping[str, FilingFacts], params: MatchParameters
) -> Iterator[MatchFinding]:
    """Every declared enterprise name equals the filed name.

    Reference: ceb.md §2 "Company codes": names must match the customs registration exactly (the
    e-port validates name+code). Width and spacing are not held against the sender (NFKC).
    Parameter ``enterprise_name_must_match``.
    """
    if not params.enterprise_name_must_match:
        return
    fields = [name for name in _enterprise_fields(docs, params) if name in _NAME_OF]
    seen: set[tuple[str, str, str]] = set()
    for kind, doc in _docs(docs):
        for code_field in fields:
            name_field = _NAME_OF[code_field]
            code, name = _get(doc, code_field).strip(), _get(doc, name_field)
            facts = _filing(filings, code) if code else None
            key = (name_field, _norm_id(code), _norm(name))
            if facts is None or not name.strip() or key in seen or _norm(name) == _norm(facts.name):
                continue
            seen.add(key)
            yield _finding(
                ReasonCode.MATCH_ENTERPRISE_NAME_MISMATCH,
                name_field,
                f"{_DOC_ZH[kind]} {name_field}={name.strip()}，{code} 备案名称 {facts.name}",
                f"{kind} {name_field}={name.strip()}, filed name of {code} is {facts.name}",
            )


def check_assure_party(
    docs: DocumentSet, filings: Mapping[str, FilingFacts], params: MatchParameters
) -> Iterator[MatchFinding]:
    """The guarantor (``assureCode``) is the inventory's declaring agent, seller or logistics firm.

    Reference: CEB621 assureCode 担保扣税的企业海关注册登记编号，只限清单的申报企业、电商企业、物流企业
    (ceb.md §3.9); parameter ``assure_parties``. A USCC and a customs code of the same filed
    enterprise count as the same party.
    """
    inv = docs.inventory
    assure = _get(inv, _ASSURE)
    if not assure.strip():
        return
    parties = {name: _get(inv, name) for name in params.assure_parties}
    if any(code.strip() and _same_enterprise(assure, code, filings) for code in parties.values()):
        return
    listed = ", ".join(f"{name}={code.strip()}" for name, code in parties.items())
    yield _finding(
        ReasonCode.MATCH_ASSURE_NOT_ALLOWED,
        _ASSURE,
        f"清单 assureCode={assure.strip()}，可担保企业 {listed}",
        f"inventory assureCode={assure.strip()}, allowed {listed}",
    )


def check_assure_guarantee(
    docs: DocumentSet, filings: Mapping[str, FilingFacts], params: MatchParameters
) -> Iterator[MatchFinding]:
    """The guarantor has a tax guarantee on file.

    Reference: CEB621 assureCode 担保扣税的企业 (ceb.md §3.9); GACC 2018 No.194 tax chapter (the
    guarantor answers for the withheld tax, regulation.md §1.3). An unfiled guarantor is reported
    by :func:`check_enterprises_filed`.
    """
    assure = _get(docs.inventory, _ASSURE).strip()
    facts = _filing(filings, assure) if assure else None
    if facts is not None and not facts.has_guarantee:
        yield _finding(
            ReasonCode.MATCH_ASSURE_NO_GUARANTEE,
            _ASSURE,
            f"清单 assureCode={assure}（{facts.name}）无有效税款担保",
            f"inventory assureCode={assure} ({facts.name}) has no tax guarantee on file",
        )


# --------------------------------------------------------------------------- trade mode, currency


def check_trade_mode(
    docs: DocumentSet, filings: Mapping[str, FilingFacts], params: MatchParameters
) -> Iterator[MatchFinding]:
    """The inventory's trade mode is a retail-import mode (9610 直购进口, 1210 网购保税进口).

    Reference: CEB621 tradeMode 直购进口填写“9610”，保税进口填写“1210” (ceb.md §3.9); regulation.md §3.2;
    parameter ``trade_modes``.
    """
    mode = _get(docs.inventory, "tradeMode")
    if _norm(mode) not in params.trade_modes:
        allowed = "/".join(params.trade_modes)
        yield _finding(
            ReasonCode.MATCH_TRADE_MODE_NOT_ALLOWED,
            "tradeMode",
            f"清单 tradeMode={_shown('tradeMode', mode)}，应为 {allowed}",
            f"inventory tradeMode={_shown('tradeMode', mode)}, must be {allowed}",
        )


def check_trade_mode_fields(
    docs: DocumentSet, filings: Mapping[str, FilingFacts], params: MatchParameters
) -> Iterator[MatchFinding]:
    """The fields the trade mode requires are filled: 1210 ``emsNo``, ``areaCode``, ``areaName`` and
    ``itemRecordNo`` on every line; 9610 ``trafNo``, ``voyageNo``, ``billNo``.

    Reference: CEB621 (ceb.md §3.9): 保税模式必填 (emsNo, areaCode, areaName, itemRecordNo); 直购进口必填
    (trafNo, voyageNo, billNo); parameter ``trade_modes``.
    """
    inv = docs.inventory
    mode = params.trade_modes.get(_norm(_get(inv, "tradeMode")))
    if mode is None:
        return
    for name in mode.head_fields:
        if not _get(inv, name).strip():
            yield _finding(
                ReasonCode.MATCH_TRADE_MODE_FIELD_MISSING,
                name,
                f"监管方式{mode.code}（{mode.label_zh}）须填写清单 {name}",
                f"trade mode {mode.code} ({mode.label_en}) requires inventory {name}",
            )
    for key, line in _lines(inv, INVENTORY_LIST).items():
        for name in mode.line_fields:
            if not (line.get(name) or "").strip():
                yield _finding(
                    ReasonCode.MATCH_TRADE_MODE_FIELD_MISSING,
                    name,
                    f"监管方式{mode.code}（{mode.label_zh}）须填写清单表体 {name}",
                    f"trade mode {mode.code} ({mode.label_en}) requires {name} on every inventory line",
                    _gnum(key),
                )


def check_currency(
    docs: DocumentSet, filings: Mapping[str, FilingFacts], params: MatchParameters
) -> Iterator[MatchFinding]:
    """Every document's ``currency`` (heads and lines) is 142 (RMB).

    Reference: ceb.md §2 "Import money is always RMB"; CEB311/411/511/621 currency 限定为人民币，填写“142”;
    regulation.md §3.3; parameter ``import_currency``.
    """
    wanted = params.import_currency
    for kind, doc in _docs(docs):
        rows: list[tuple[int | None, Mapping[str, str]]] = [(None, doc.head)]
        if kind in _LISTS:
            rows += [(_gnum(key), line) for key, line in _lines(doc, _LISTS[kind]).items()]
        for gnum, row in rows:
            value = row.get("currency", "") or ""
            if _norm(value) != wanted:
                yield _finding(
                    ReasonCode.MATCH_CURRENCY_NOT_CNY,
                    "currency",
                    f"{_DOC_ZH[kind]} currency={_shown('currency', value)}，应为 {wanted}",
                    f"{kind} currency={_shown('currency', value)}, must be {wanted}",
                    gnum,
                )


# --------------------------------------------------------------------------- the match

CHECKS: tuple[Check, ...] = (
    check_documents_present,
    check_order_key,
    check_payment_key,
    check_payment_reference,
    check_waybill_key,
    check_waybill_order,
    check_seller,
    check_buyer_id_type,
    check_buyer_name,
    check_buyer_id,
    check_amounts_are_numbers,
    check_order_sum,
    check_paid_amount,
    check_freight,
    check_line_set,
    check_line_goods,
    check_line_quantity,
    check_line_prices,
    check_consignee,
    check_inventory_consignee_address,
    check_enterprises_filed,
    check_enterprises_active,
    check_enterprise_roles,
    check_enterprise_names,
    check_assure_party,
    check_assure_guarantee,
    check_trade_mode,
    check_trade_mode_fields,
    check_currency,
)
"""Every check of the match, in the order findings are reported."""


def match(
    docs: DocumentSet, filings: Mapping[str, FilingFacts], *, params: MatchParameters
) -> list[MatchFinding]:
    """Match the order, payment and waybill with the inventory and return every finding.

    Args:
        docs: the inventory and the documents found for it (None where nothing was found).
        filings: filing facts keyed by every code of every filed enterprise (USCC and customs code).
        params: the parameters in force (:func:`load_match_parameters`).

    Returns:
        All findings of all :data:`CHECKS` (no duplicates), in check order; empty when the set
        matches.
    """
    findings = (finding for check in CHECKS for finding in check(docs, filings, params))
    return list(dict.fromkeys(findings))


# --------------------------------------------------------------------------- parameters


def _as_date(key: object, name: str) -> date:
    if isinstance(key, date):
        return key
    try:
        return date.fromisoformat(str(key))
    except ValueError as exc:
        raise MatchParametersError(f"{name}: effective date {key!r} is not YYYY-MM-DD") from exc


def _value_at(name: str, entry: object, on: date | None) -> tuple[object, str]:
    """The value in force on ``on`` (the newest when None), with "date: reference"."""
    values = entry.get("values") if isinstance(entry, dict) else None
    if not isinstance(values, dict) or not values:
        raise MatchParametersError(f"{name}: no values")
    dated = sorted((_as_date(key, name), item) for key, item in values.items())
    in_force = [(day, item) for day, item in dated if on is None or day <= on]
    if not in_force:
        raise MatchParametersError(f"{name}: no value in force on {on}")
    day, item = in_force[-1]
    if not isinstance(item, dict) or "value" not in item or not item.get("reference"):
        raise MatchParametersError(f"{name}: the entry of {day} needs a value and a reference")
    return item["value"], f"{day.isoformat()}: {item['reference']}"


def _decimal(name: str, value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise MatchParametersError(f"{name}: write the number as a quoted decimal, not {value!r}")
    number = _number(str(value))
    if number is None or number < 0:
        raise MatchParametersError(f"{name}: {value!r} is not a decimal ≥ 0")
    return number


def _flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise MatchParametersError(f"{name}: {value!r} is not true/false")
    return value


def _text(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise MatchParametersError(f"{name}: {value!r} is not a text")
    return value.strip()


def _texts(name: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise MatchParametersError(f"{name}: {value!r} is not a list")
    return tuple(_text(name, item) for item in value)


def _trade_modes(name: str, value: object) -> Mapping[str, TradeMode]:
    if not isinstance(value, dict) or not value:
        raise MatchParametersError(f"{name}: {value!r} is not a map of trade modes")
    modes: dict[str, TradeMode] = {}
    for code, spec in value.items():
        if not isinstance(spec, dict):
            raise MatchParametersError(f"{name}.{code}: {spec!r} is not a map")
        modes[str(code)] = TradeMode(
            code=str(code),
            label_zh=_text(f"{name}.{code}.label_zh", spec.get("label_zh")),
            label_en=_text(f"{name}.{code}.label_en", spec.get("label_en")),
            head_fields=_texts(f"{name}.{code}.head", spec.get("head")),
            line_fields=_texts(f"{name}.{code}.lines", spec.get("lines")),
        )
    return MappingProxyType(modes)


def _roles(name: str, value: object) -> Mapping[str, frozenset[str]]:
    if not isinstance(value, dict) or not value:
        raise MatchParametersError(f"{name}: {value!r} is not a map of element → roles")
    known = {role.value for role in EnterpriseRole}
    roles: dict[str, frozenset[str]] = {}
    for element, listed in value.items():
        wanted = frozenset(_texts(f"{name}.{element}", listed))
        if not wanted or not wanted <= known:
            raise MatchParametersError(f"{name}.{element}: roles must be among {sorted(known)}")
        roles[str(element)] = wanted
    return MappingProxyType(roles)


def _id_types(name: str, value: object) -> frozenset[str]:
    return frozenset(_texts(name, value))


@cache
def load_match_parameters(on: date | None = None, path: Path | None = None) -> MatchParameters:
    """Read the match parameters in force on a date from the parameter file.

    Args:
        on: the date whose values apply (e.g. the declaration date); None takes the newest values.
        path: the YAML file; the packaged ``parameters/matching.yaml`` by default.

    Returns:
        The parameters (cached per date and path).

    Raises:
        MatchParametersError: a parameter is missing, unknown, malformed or has no value in force.
    """
    raw = yaml.safe_load((path or PARAMETERS_FILE).read_text(encoding="utf-8"))
    entries = raw.get("parameters") if isinstance(raw, dict) else None
    if not isinstance(entries, dict):
        raise MatchParametersError("the file has no 'parameters' map")
    expected = {f.name for f in dataclasses.fields(MatchParameters)} - {"references"}
    if unknown := sorted(map(str, set(entries) - expected)):
        raise MatchParametersError(f"unknown parameters: {', '.join(unknown)}")
    if missing := sorted(expected - set(entries)):
        raise MatchParametersError(f"missing parameters: {', '.join(missing)}")
    references: dict[str, str] = {}

    def value(name: str) -> object:
        found, references[name] = _value_at(name, entries[name], on)
        return found

    return MatchParameters(
        amount_tolerance=_decimal("amount_tolerance", value("amount_tolerance")),
        quantity_tolerance=_decimal("quantity_tolerance", value("quantity_tolerance")),
        import_currency=_text("import_currency", value("import_currency")),
        buyer_id_types=_id_types("buyer_id_types", value("buyer_id_types")),
        payer_must_be_buyer=_flag("payer_must_be_buyer", value("payer_must_be_buyer")),
        consignee_telephone_must_match=_flag(
            "consignee_telephone_must_match", value("consignee_telephone_must_match")
        ),
        enterprise_name_must_match=_flag("enterprise_name_must_match", value("enterprise_name_must_match")),
        gname_must_equal_order_item_name=_flag(
            "gname_must_equal_order_item_name", value("gname_must_equal_order_item_name")
        ),
        trade_modes=_trade_modes("trade_modes", value("trade_modes")),
        enterprise_roles=_roles("enterprise_roles", value("enterprise_roles")),
        assure_parties=_texts("assure_parties", value("assure_parties")),
        references=MappingProxyType(references),
    )
