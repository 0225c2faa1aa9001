"""The three-document match (三单对碰): one case per reason code (bad and good), all findings at once,
masked personal data, parameters, and a property test over single-field mutations.

Documents are plain dicts shaped like the official CEB311/411/511/621 samples
(``tests/messages/ceb/fixtures``), with consistent, realistic values: valid ID numbers and USCCs,
JGS-20 unit and country codes, amounts that add up.
"""

from __future__ import annotations

import copy
import dataclasses
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cbec.clearance import matching
from cbec.clearance.matching import (
    Doc,
    DocumentSet,
    FilingFacts,
    MatchFinding,
    MatchParameters,
    MatchParametersError,
    load_match_parameters,
    match,
)
from cbec.clearance.reasons import ReasonCode

PACKAGED = load_match_parameters()
#: The tests exercise every check, including the exact gname comparison that is off by default.
PARAMS = dataclasses.replace(PACKAGED, gname_must_equal_order_item_name=True)

# --------------------------------------------------------------------------- enterprises

PLATFORM = "3301964A01"  # 电商平台 (customs code) …
PLATFORM_USCC = "91330100MA27XK1A2T"  # … and its USCC
SELLER = "3105966X01"  # 境外电商企业 (customs code of its filing)
SELLER_USCC = "91310115MA1K4LQX6B"
OTHER_SELLER = "3105966X02"
PAYMENT_FIRM = "3120966P01"
OTHER_PAYMENT_FIRM = "3120966P02"
LOGISTICS = "3301980L01"
LOGISTICS_USCC = "91330110MA2GL1XQ5G"
AGENT = "3301960B01"  # 跨境电商企业境内代理人 / 报关企业
WAREHOUSE = "3301961W01"  # 区内仓储企业 (1210)
UNRELATED = "3301999Z01"

NAMES = {
    PLATFORM: "杭州海淘优选网络科技有限公司",
    SELLER: "吉田商事（日本）株式会社",
    OTHER_SELLER: "韩国美妆贸易株式会社",
    PAYMENT_FIRM: "杭州云付支付有限公司",
    OTHER_PAYMENT_FIRM: "上海汇付通支付有限公司",
    LOGISTICS: "杭州速达国际物流有限公司",
    AGENT: "杭州关通报关有限公司",
    WAREHOUSE: "杭州综合保税区仓储有限公司",
    UNRELATED: "杭州无关贸易有限公司",
}
ROLES = {
    PLATFORM: {"ebp"},
    SELLER: {"ebc"},
    OTHER_SELLER: {"ebc"},
    PAYMENT_FIRM: {"payment"},
    OTHER_PAYMENT_FIRM: {"payment"},
    LOGISTICS: {"logistics"},
    AGENT: {"agent"},
    WAREHOUSE: {"warehouse"},
    UNRELATED: {"ebc"},
}
USCC_OF = {PLATFORM: PLATFORM_USCC, SELLER: SELLER_USCC, LOGISTICS: LOGISTICS_USCC}

# --------------------------------------------------------------------------- people

BUYER_NAME = "李小宝"
BUYER_ID = "330106198506123013"
BUYER_PHONE = "13256253633"
OTHER_ID = "440304199211057626"
ID_WITH_X = "33010219900307170X"
CONSIGNEE = "焦洪宇"
CONSIGNEE_PHONE = "13522652231"
ADDRESS = "浙江省杭州市西湖区文三路90号东部软件园3号楼"


def filing(code: str, **changes: Any) -> FilingFacts:
    facts = FilingFacts(
        code=code,
        name=NAMES[code],
        roles=frozenset(ROLES[code]),
        status="active",
        has_guarantee=code == AGENT,
    )
    return dataclasses.replace(facts, **changes)


def filings(**changes: dict[str, Any]) -> dict[str, FilingFacts]:
    """Filing facts keyed by every code: the USCC (where there is one) maps to the same facts."""
    table: dict[str, FilingFacts] = {}
    for code in NAMES:
        facts = filing(code, **changes.get(code, {}))
        table[code] = facts
        if code in USCC_OF:
            table[USCC_OF[code]] = facts
    return table


# --------------------------------------------------------------------------- documents


def order_head(**changes: str) -> dict[str, str]:
    """CEB311 OrderHead (ceb.md §3.1), fields in the order of the official sample."""
    head = {
        "guid": "4CDE1CFD-EDED-46B1-946C-B8022E42FC94",
        "appType": "1",
        "appTime": "20260321112701",
        "appStatus": "2",
        "orderType": "I",
        "orderNo": "order20260321116421002",
        "ebpCode": PLATFORM,
        "ebpName": NAMES[PLATFORM],
        "ebcCode": SELLER,
        "ebcName": NAMES[SELLER],
        "goodsValue": "323.5",
        "freight": "10",
        "discount": "5",
        "taxTotal": "29.06",
        "acturalPaid": "357.56",
        "currency": "142",
        "buyerRegNo": "hz_li_xiaobao",
        "buyerName": BUYER_NAME,
        "buyerTelephone": BUYER_PHONE,
        "buyerIdType": "1",
        "buyerIdNumber": BUYER_ID,
        "payCode": PAYMENT_FIRM,
        "payName": NAMES[PAYMENT_FIRM],
        "payTransactionId": "2026032122001434561234567890",
        "batchNumbers": "",
        "consignee": CONSIGNEE,
        "consigneeTelephone": CONSIGNEE_PHONE,
        "consigneeAddress": ADDRESS,
        "consigneeDistrict": "330106",
        "note": "",
    }
    return head | changes


def order_line(gnum: int, **changes: str) -> dict[str, str]:
    """CEB311 OrderList (ceb.md §3.1)."""
    line = dict(LINES[gnum], gnum=str(gnum), currency="142", country="116", note="")
    del line["gname"]
    return line | changes


LINES: dict[int, dict[str, str]] = {
    1: {
        "itemNo": "AF001-001",
        "itemName": "花王纸尿裤L54片",
        "gname": "花王纸尿裤L54片",
        "gmodel": "L号 54片/包 花王牌",
        "barCode": "4901301230881",
        "unit": "011",
        "qty": "2",
        "price": "129",
        "totalPrice": "258",
    },
    2: {
        "itemNo": "AF001-002",
        "itemName": "资生堂洗颜专科洗面奶120g",
        "gname": "资生堂洗颜专科洗面奶120g",
        "gmodel": "120g/支 资生堂牌",
        "barCode": "4901872837144",
        "unit": "142",
        "qty": "1",
        "price": "65.5",
        "totalPrice": "65.5",
    },
}


def payment_head(**changes: str) -> dict[str, str]:
    """CEB411 PaymentHead (ceb.md §3.3)."""
    head = {
        "guid": "4CDE1CFD-EDED-46B1-946C-B8022E42FC95",
        "appType": "1",
        "appTime": "20260321112745",
        "appStatus": "2",
        "payCode": PAYMENT_FIRM,
        "payName": NAMES[PAYMENT_FIRM],
        "payTransactionId": "2026032122001434561234567890",
        "orderNo": "order20260321116421002",
        "ebpCode": PLATFORM,
        "ebpName": NAMES[PLATFORM],
        "payerIdType": "1",
        "payerIdNumber": BUYER_ID,
        "payerName": BUYER_NAME,
        "telephone": BUYER_PHONE,
        "amountPaid": "357.56",
        "currency": "142",
        "payTime": "20260321112530",
        "note": "",
    }
    return head | changes


def waybill_head(**changes: str) -> dict[str, str]:
    """CEB511 LogisticsHead (ceb.md §3.5)."""
    head = {
        "guid": "4CDE1CFD-EDED-46B1-946C-B8022E42FC96",
        "appType": "1",
        "appTime": "20260321153555",
        "appStatus": "2",
        "logisticsCode": LOGISTICS,
        "logisticsName": NAMES[LOGISTICS],
        "logisticsNo": "SD2026032100007",
        "billNo": "784-20260320",
        "orderNo": "order20260321116421002",
        "freight": "10",
        "insuredFee": "0",
        "currency": "142",
        "weight": "1.85",
        "packNo": "1",
        "goodsInfo": "纸尿裤2包，洗面奶1支",
        "consignee": CONSIGNEE,
        "consigneeAddress": ADDRESS,
        "consigneeTelephone": CONSIGNEE_PHONE,
        "note": "",
    }
    return head | changes


def inventory_head(trade_mode: str = "9610", **changes: str) -> dict[str, str]:
    """CEB621 InventoryHead (ceb.md §3.9): 9610 直购进口 or 1210 网购保税进口."""
    bonded = trade_mode == "1210"
    head = {
        "guid": "4CDE1CFD-EDED-46B1-946C-B8022E42FC97",
        "appType": "1",
        "appTime": "20260321163555",
        "appStatus": "2",
        "orderNo": "order20260321116421002",
        "ebpCode": PLATFORM,
        "ebpName": NAMES[PLATFORM],
        "ebcCode": SELLER,
        "ebcName": NAMES[SELLER],
        "logisticsNo": "SD2026032100007",
        "logisticsCode": LOGISTICS,
        "logisticsName": NAMES[LOGISTICS],
        "copNo": "HZGT20260321005",
        "preNo": "",
        "assureCode": AGENT,
        "emsNo": "T2991W000016" if bonded else "",
        "invtNo": "",
        "ieFlag": "I",
        "declTime": "20260321",
        "customsCode": "2991",
        "portCode": "2991",
        "ieDate": "20260320",
        "buyerIdType": "1",
        "buyerIdNumber": BUYER_ID,
        "buyerName": BUYER_NAME,
        "buyerTelephone": BUYER_PHONE,
        "consigneeAddress": ADDRESS,
        "agentCode": AGENT,
        "agentName": NAMES[AGENT],
        "areaCode": WAREHOUSE if bonded else "",
        "areaName": NAMES[WAREHOUSE] if bonded else "",
        "tradeMode": trade_mode,
        "trafMode": "4" if bonded else "5",
        "trafNo": "" if bonded else "CA1040",
        "voyageNo": "" if bonded else "20260320",
        "billNo": "" if bonded else "784-20260320",
        "loctNo": "",
        "licenseNo": "",
        "country": "142" if bonded else "116",
        "freight": "10",
        "insuredFee": "0",
        "currency": "142",
        "wrapType": "2",
        "packNo": "1",
        "grossWeight": "1.85",
        "netWeight": "1.6",
        "note": "",
    }
    return head | changes


def inventory_line(gnum: int, trade_mode: str = "9610", **changes: str) -> dict[str, str]:
    """CEB621 InventoryList (ceb.md §3.9)."""
    line = dict(
        LINES[gnum],
        gnum=str(gnum),
        itemRecordNo=f"HZ1210-{gnum:04d}" if trade_mode == "1210" else "",
        gcode="9619001100" if gnum == 1 else "3304990099",
        country="116",
        tradeCountry="116",
        currency="142",
        qty1=LINES[gnum]["qty"],
        unit1="011" if gnum == 1 else "035",
        note="",
    )
    return line | changes


Raw = dict[str, Any]
"""A set as plain dicts: ``{"order": {"head": …, "lists": …} | None, "payment": …, …, "inventory": …}``."""


def consistent(trade_mode: str = "9610") -> Raw:
    """A set of four documents that agree in every compared field."""
    return {
        "order": {"head": order_head(), "lists": {"OrderList": [order_line(1), order_line(2)]}},
        "payment": {"head": payment_head(), "lists": {}},
        "waybill": {"head": waybill_head(), "lists": {}},
        "inventory": {
            "head": inventory_head(trade_mode),
            "lists": {"InventoryList": [inventory_line(1, trade_mode), inventory_line(2, trade_mode)]},
        },
    }


def as_set(raw: Raw) -> DocumentSet:
    def doc(name: str) -> Doc | None:
        part = raw[name]
        return None if part is None else Doc(part["head"], part["lists"])

    inventory = doc("inventory")
    assert inventory is not None
    return DocumentSet(
        order=doc("order"), payment=doc("payment"), waybill=doc("waybill"), inventory=inventory
    )


def run(
    raw: Raw, table: dict[str, FilingFacts] | None = None, params: MatchParameters = PARAMS
) -> list[MatchFinding]:
    return match(as_set(raw), filings() if table is None else table, params=params)


def codes(found: list[MatchFinding]) -> set[ReasonCode]:
    return {f.code for f in found}


# --------------------------------------------------------------------------- per-code cases


@dataclass(frozen=True)
class Case:
    """A reason code, a change that must raise it (with the field named), and one that must not."""

    code: ReasonCode
    field: str
    bad: Callable[[Raw], None]
    good: Callable[[Raw], None]
    trade_mode: str = "9610"
    filings: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    good_filings: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    good_params: dict[str, Any] = dataclasses.field(default_factory=dict)


def head(doc: str, **changes: str) -> Callable[[Raw], None]:
    def change(raw: Raw) -> None:
        raw[doc]["head"].update(changes)

    return change


def drop(doc: str, name: str | None = None) -> Callable[[Raw], None]:
    def change(raw: Raw) -> None:
        if name is None:
            raw[doc] = None
        else:
            del raw[doc]["head"][name]

    return change


def line(doc: str, index: int, **changes: str) -> Callable[[Raw], None]:
    list_name = "OrderList" if doc == "order" else "InventoryList"

    def change(raw: Raw) -> None:
        raw[doc]["lists"][list_name][index].update(changes)

    return change


def inventory_lines(
    change_lines: Callable[[list[dict[str, str]]], list[dict[str, str]]],
) -> Callable[[Raw], None]:
    def change(raw: Raw) -> None:
        lists = raw["inventory"]["lists"]
        lists["InventoryList"] = change_lines(lists["InventoryList"])

    return change


def nothing(raw: Raw) -> None:
    """The consistent set itself."""


def same_id_any_case(raw: Raw) -> None:
    """An ID ending in X, written with a lower-case x on the order: the same ID."""
    head("order", buyerIdNumber=ID_WITH_X.lower())(raw)
    head("payment", payerIdNumber=ID_WITH_X)(raw)
    head("inventory", buyerIdNumber=ID_WITH_X)(raw)


def seller_is_platform(raw: Raw) -> None:
    """The seller runs its own platform (as in the official samples): one enterprise, two roles."""
    for doc in ("order", "payment", "inventory"):
        head(doc, ebpCode=SELLER, ebpName=NAMES[SELLER])(raw)


CASES = [
    Case(ReasonCode.MATCH_ORDER_MISSING, "ebpCode/orderNo", drop("order"), drop("payment")),
    Case(ReasonCode.MATCH_PAYMENT_MISSING, "ebpCode/orderNo", drop("payment"), drop("waybill")),
    Case(ReasonCode.MATCH_WAYBILL_MISSING, "logisticsCode/logisticsNo", drop("waybill"), drop("order")),
    Case(
        ReasonCode.MATCH_ORDER_KEY_MISMATCH,
        "orderNo",
        head("order", orderNo="order20260321116421003"),
        head("order", ebpCode=PLATFORM_USCC),  # the platform's USCC instead of its customs code
    ),
    Case(
        ReasonCode.MATCH_PAYMENT_KEY_MISMATCH,
        "ebpCode",
        head("payment", ebpCode=UNRELATED),
        head("payment", orderNo=" order20260321116421002 "),
    ),
    Case(
        ReasonCode.MATCH_PAY_CODE_MISMATCH,
        "payCode",
        head("order", payCode=OTHER_PAYMENT_FIRM),
        head("order", payCode="", payName=""),  # the order need not name the payment firm
    ),
    Case(
        ReasonCode.MATCH_PAY_TRANSACTION_ID_MISMATCH,
        "payTransactionId",
        head("order", payTransactionId="2026032122001434561234567891"),
        drop("order", "payTransactionId"),
    ),
    Case(
        ReasonCode.MATCH_WAYBILL_KEY_MISMATCH,
        "logisticsNo",
        head("waybill", logisticsNo="SD2026032100008"),
        head("waybill", logisticsCode=LOGISTICS_USCC),
    ),
    Case(
        ReasonCode.MATCH_WAYBILL_ORDER_MISMATCH,
        "orderNo",
        head("waybill", orderNo="order20260321116421009"),
        head("waybill", orderNo="order20260321116421002\n"),
    ),
    Case(
        ReasonCode.MATCH_SELLER_MISMATCH,
        "ebcCode",
        head("order", ebcCode=OTHER_SELLER, ebcName=NAMES[OTHER_SELLER]),
        head("order", ebcCode=SELLER_USCC),
    ),
    Case(
        ReasonCode.MATCH_BUYER_ID_TYPE_INVALID,
        "payerIdType",
        head("payment", payerIdType="2"),
        head("order", buyerIdType=" 1"),
    ),
    Case(
        ReasonCode.MATCH_BUYER_NAME_MISMATCH,
        "payerName/buyerName",
        head("payment", payerName="王大宝"),
        head("payment", payerName="王大宝"),  # … allowed when the payer need not be the buyer
        good_params={"payer_must_be_buyer": False},
    ),
    Case(
        ReasonCode.MATCH_BUYER_ID_MISMATCH,
        "buyerIdNumber",
        head("order", buyerIdNumber=OTHER_ID),
        same_id_any_case,
    ),
    Case(
        ReasonCode.MATCH_AMOUNT_INVALID,
        "freight",
        head("order", freight="十元"),
        head("order", freight="10.00000", acturalPaid="357.560"),
    ),
    Case(
        ReasonCode.MATCH_ORDER_SUM_MISMATCH,
        "acturalPaid/goodsValue/freight/taxTotal/discount",
        head("order", discount="0"),
        head("order", goodsValue="323.50000", discount="5.0"),
    ),
    Case(
        ReasonCode.MATCH_PAID_AMOUNT_MISMATCH,
        "acturalPaid/amountPaid",
        head("payment", amountPaid="357.55"),
        head("payment", amountPaid="357.55"),  # … within a tolerance of one fen
        good_params={"amount_tolerance": Decimal("0.01")},
    ),
    Case(
        ReasonCode.MATCH_FREIGHT_MISMATCH,
        "freight",
        head("inventory", freight="12"),
        head("inventory", freight="10.00"),
    ),
    Case(
        ReasonCode.MATCH_LINE_MISSING,
        "gnum",
        inventory_lines(lambda lines: lines[:1]),
        inventory_lines(lambda lines: lines[::-1]),  # line order does not matter, gnum does
    ),
    Case(
        ReasonCode.MATCH_LINE_EXTRA,
        "gnum",
        inventory_lines(lambda lines: [*lines, dict(lines[1], gnum="3")]),
        inventory_lines(lambda lines: lines[::-1]),
    ),
    Case(
        ReasonCode.MATCH_LINE_ITEM_NO_MISMATCH,
        "itemNo",
        line("inventory", 0, itemNo="AF001-009"),
        line("inventory", 0, itemNo=""),  # compared only when both give it
    ),
    Case(
        ReasonCode.MATCH_LINE_NAME_MISMATCH,
        "itemName/gname",
        line("inventory", 1, gname="洗面奶"),
        line("inventory", 1, gname="洗面奶"),  # … allowed when gname need not equal itemName
        good_params={"gname_must_equal_order_item_name": False},
    ),
    Case(
        ReasonCode.MATCH_LINE_QTY_MISMATCH,
        "qty",
        line("inventory", 0, qty="3"),
        line("inventory", 0, qty="2.00000"),
    ),
    Case(
        ReasonCode.MATCH_LINE_UNIT_MISMATCH,
        "unit",
        line("inventory", 0, unit="007"),
        line("inventory", 0, unit=" 011"),
    ),
    Case(
        ReasonCode.MATCH_LINE_PRICE_MISMATCH,
        "price",
        line("order", 1, price="65"),
        line("order", 1, price="65.50000"),
    ),
    Case(
        ReasonCode.MATCH_LINE_TOTAL_PRICE_MISMATCH,
        "totalPrice",
        line("inventory", 0, totalPrice="259"),
        line("inventory", 0, totalPrice="258.0"),
    ),
    Case(
        ReasonCode.MATCH_CONSIGNEE_NAME_MISMATCH,
        "consignee",
        head("waybill", consignee="焦红宇"),
        head("waybill", consignee=" 焦洪宇 "),
    ),
    Case(
        ReasonCode.MATCH_CONSIGNEE_ADDRESS_MISMATCH,
        "consigneeAddress",
        head("inventory", consigneeAddress="浙江省杭州市西湖区文三路91号"),
        head("waybill", consigneeAddress=ADDRESS.replace("90", "９０")),  # full-width digits
    ),
    Case(
        ReasonCode.MATCH_CONSIGNEE_TELEPHONE_MISMATCH,
        "consigneeTelephone",
        head("waybill", consigneeTelephone="13522652232"),
        head("waybill", consigneeTelephone="13522652232"),
        good_params={"consignee_telephone_must_match": False},
    ),
    Case(
        ReasonCode.MATCH_ENTERPRISE_NOT_FILED,
        "agentCode",
        head("inventory", agentCode="3301960B99"),
        head("inventory", areaCode="110108130000000007"),  # areaCode is not checked under 9610
    ),
    Case(
        ReasonCode.MATCH_ENTERPRISE_NOT_ACTIVE,
        "logisticsCode",
        nothing,
        nothing,
        filings={LOGISTICS: {"status": "suspended"}},
        good_filings={UNRELATED: {"status": "revoked"}},  # an enterprise the set does not name
    ),
    Case(
        ReasonCode.MATCH_ENTERPRISE_ROLE_MISMATCH,
        "agentCode",
        head("inventory", agentCode=PAYMENT_FIRM, agentName=NAMES[PAYMENT_FIRM], assureCode=LOGISTICS),
        seller_is_platform,
        good_filings={SELLER: {"roles": frozenset({"ebc", "ebp"})}},  # one enterprise, two roles
    ),
    Case(
        ReasonCode.MATCH_ENTERPRISE_NAME_MISMATCH,
        "ebpName",
        head("inventory", ebpName="杭州海淘网络科技有限公司"),
        head("inventory", ebcName="吉田商事(日本)株式会社"),  # half-width brackets, filed full-width
    ),
    Case(
        ReasonCode.MATCH_ASSURE_NOT_ALLOWED,
        "assureCode",
        head("inventory", assureCode=PAYMENT_FIRM),
        head("inventory", assureCode=SELLER_USCC),  # the seller, named by its USCC
        filings={PAYMENT_FIRM: {"has_guarantee": True}},
        good_filings={SELLER: {"has_guarantee": True}},
    ),
    Case(
        ReasonCode.MATCH_ASSURE_NO_GUARANTEE,
        "assureCode",
        nothing,
        head("inventory", assureCode=LOGISTICS),
        filings={AGENT: {"has_guarantee": False}},
        good_filings={AGENT: {"has_guarantee": False}, LOGISTICS: {"has_guarantee": True}},
    ),
    Case(
        ReasonCode.MATCH_TRADE_MODE_NOT_ALLOWED,
        "tradeMode",
        head("inventory", tradeMode="0110"),
        nothing,
        trade_mode="1210",
    ),
    Case(
        ReasonCode.MATCH_TRADE_MODE_FIELD_MISSING,
        "itemRecordNo",
        line("inventory", 1, itemRecordNo=""),
        head("inventory", emsNo="", areaCode="", areaName=""),  # … not required under 9610
        trade_mode="1210",
    ),
    Case(
        ReasonCode.MATCH_CURRENCY_NOT_CNY,
        "currency",
        line("order", 1, currency="502"),
        head("payment", currency=" 142 "),
    ),
]


def _case_id(case: Case) -> str:
    return case.code.value


@pytest.mark.parametrize("trade_mode", ["9610", "1210"])
def test_a_consistent_set_has_no_findings(trade_mode: str) -> None:
    assert run(consistent(trade_mode)) == []


def test_every_match_code_has_a_case() -> None:
    match_codes = {code for code in ReasonCode if code.value.startswith("MATCH_")}
    assert {case.code for case in CASES} == match_codes


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_bad_change_is_reported(case: Case) -> None:
    raw = consistent(case.trade_mode)
    case.bad(raw)
    found = [f for f in run(raw, filings(**case.filings)) if f.code == case.code]
    assert found, f"{case.code} not reported"
    assert case.field in {f.field for f in found}
    for f in found:
        assert f.message_zh.startswith(case.code.zh)
        assert f.message_en.startswith(case.code.en)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_good_change_is_not_reported(case: Case) -> None:
    trade_mode = "9610" if case.code is ReasonCode.MATCH_TRADE_MODE_FIELD_MISSING else case.trade_mode
    raw = consistent(trade_mode)
    case.good(raw)
    params = dataclasses.replace(PARAMS, **case.good_params)
    found = run(raw, filings(**case.good_filings), params)
    if case.code in {ReasonCode.MATCH_ORDER_MISSING, ReasonCode.MATCH_PAYMENT_MISSING}:
        # another document is missing on purpose: only that absence is reported
        assert all(f.code.value.endswith("_MISSING") for f in found)
        assert case.code not in codes(found)
    elif case.code is ReasonCode.MATCH_WAYBILL_MISSING:
        assert codes(found) == {ReasonCode.MATCH_ORDER_MISSING}
    else:
        assert found == []


def test_line_findings_carry_the_line_number() -> None:
    raw = consistent()
    line("inventory", 1, qty="3", unit="007")(raw)
    found = run(raw)
    assert {(f.code, f.gnum) for f in found} == {
        (ReasonCode.MATCH_LINE_QTY_MISMATCH, 2),
        (ReasonCode.MATCH_LINE_UNIT_MISMATCH, 2),
    }
    assert "第2项" in found[0].message_zh
    assert "line 2" in found[0].message_en


def test_missing_documents_skip_their_comparisons() -> None:
    raw = consistent()
    raw["order"] = raw["payment"] = raw["waybill"] = None
    assert codes(run(raw)) == {
        ReasonCode.MATCH_ORDER_MISSING,
        ReasonCode.MATCH_PAYMENT_MISSING,
        ReasonCode.MATCH_WAYBILL_MISSING,
    }


def test_without_an_order_the_payer_is_compared_with_the_inventory_buyer() -> None:
    raw = consistent()
    raw["order"] = None
    head("payment", payerIdNumber=OTHER_ID)(raw)
    found = [f for f in run(raw) if f.code is ReasonCode.MATCH_BUYER_ID_MISMATCH]
    assert [f.field for f in found] == ["payerIdNumber/buyerIdNumber"]


def test_unfiled_enterprise_is_reported_once_across_documents() -> None:
    raw = consistent()
    for doc in ("order", "payment", "inventory"):
        head(doc, ebpCode="3301964A99")(raw)
    found = [f for f in run(raw) if f.code is ReasonCode.MATCH_ENTERPRISE_NOT_FILED]
    assert len(found) == 1
    assert found[0].field == "ebpCode"


def test_bonded_areacode_must_be_a_filed_warehouse() -> None:
    raw = consistent("1210")
    head("inventory", areaCode=LOGISTICS, areaName=NAMES[LOGISTICS])(raw)
    found = run(raw)
    assert [(f.code, f.field) for f in found] == [(ReasonCode.MATCH_ENTERPRISE_ROLE_MISMATCH, "areaCode")]
    assert "监管场所经营人/仓储企业" in found[0].message_zh


# --------------------------------------------------------------------------- all at once


def test_all_findings_are_reported_at_once() -> None:
    raw = consistent("1210")
    raw["waybill"] = None
    head("payment", amountPaid="400", payerIdNumber=OTHER_ID)(raw)
    head("inventory", buyerName="李大宝", assureCode=PAYMENT_FIRM, emsNo="")(raw)
    line("inventory", 0, qty="5", currency="502")(raw)
    changes: dict[str, dict[str, Any]] = {
        LOGISTICS: {"status": "revoked"},
        PAYMENT_FIRM: {"has_guarantee": True},
    }
    found = run(raw, filings(**changes))
    assert [(f.code, f.field, f.gnum) for f in found] == [
        (ReasonCode.MATCH_WAYBILL_MISSING, "logisticsCode/logisticsNo", None),
        (ReasonCode.MATCH_BUYER_NAME_MISMATCH, "buyerName", None),
        (ReasonCode.MATCH_BUYER_NAME_MISMATCH, "payerName/buyerName", None),
        (ReasonCode.MATCH_BUYER_ID_MISMATCH, "payerIdNumber/buyerIdNumber", None),
        (ReasonCode.MATCH_PAID_AMOUNT_MISMATCH, "acturalPaid/amountPaid", None),
        (ReasonCode.MATCH_LINE_QTY_MISMATCH, "qty", 1),
        (ReasonCode.MATCH_ENTERPRISE_NOT_ACTIVE, "logisticsCode", None),
        (ReasonCode.MATCH_ASSURE_NOT_ALLOWED, "assureCode", None),
        (ReasonCode.MATCH_TRADE_MODE_FIELD_MISSING, "emsNo", None),
        (ReasonCode.MATCH_CURRENCY_NOT_CNY, "currency", 1),
    ]


def test_findings_have_no_duplicates() -> None:
    raw = consistent()
    head("order", freight="abc")(raw)
    found = run(raw)
    assert len(found) == len(set(found))
    assert [f.code for f in found].count(ReasonCode.MATCH_AMOUNT_INVALID) == 1


# --------------------------------------------------------------------------- personal data


def test_messages_mask_personal_data() -> None:
    raw = consistent()
    head("payment", payerIdNumber=OTHER_ID, payerName="王大宝")(raw)
    head("waybill", consigneeTelephone="13900001111", consignee="赵六")(raw)
    text = " ".join(f.message_zh + f.message_en for f in run(raw))
    assert "440***********7626" in text
    assert "139****1111" in text
    for secret in (
        OTHER_ID,
        BUYER_ID,
        "13900001111",
        CONSIGNEE_PHONE,
        "王大宝",
        BUYER_NAME,
        CONSIGNEE,
        "赵六",
    ):
        assert secret not in text


@settings(max_examples=60, deadline=None)
@given(
    id_number=st.text(alphabet="0123456789", min_size=17, max_size=17).map(lambda s: s + "X"),
    other_id=st.text(alphabet="0123456789", min_size=18, max_size=18),
    phone=st.text(alphabet="0123456789", min_size=11, max_size=11),
    other_phone=st.text(alphabet="0123456789", min_size=11, max_size=11),
)
def test_no_message_contains_an_unmasked_id_number_or_phone(
    id_number: str, other_id: str, phone: str, other_phone: str
) -> None:
    assume(other_id != id_number and phone != other_phone)
    raw = consistent()
    head("order", buyerIdNumber=id_number, consigneeTelephone=phone)(raw)
    head("payment", payerIdNumber=other_id, telephone=phone)(raw)
    head("inventory", buyerIdNumber=other_id, buyerTelephone=other_phone)(raw)
    head("waybill", consigneeTelephone=other_phone)(raw)
    found = run(raw)
    assert found
    for f in found:
        for secret in (id_number, other_id, phone, other_phone):
            assert secret not in f.message_zh
            assert secret not in f.message_en


# --------------------------------------------------------------------------- property: mutations

HEAD_FIELDS: dict[str, tuple[str, ...]] = {
    "order": (
        "orderNo", "ebpCode", "ebpName", "ebcCode", "ebcName", "payCode", "payName", "payTransactionId",
        "goodsValue", "freight", "discount", "taxTotal", "acturalPaid", "currency", "buyerName",
        "buyerIdType", "buyerIdNumber", "consignee", "consigneeTelephone", "consigneeAddress",
    ),
    "payment": (
        "payCode", "payName", "payTransactionId", "orderNo", "ebpCode", "ebpName", "payerIdType",
        "payerIdNumber", "payerName", "amountPaid", "currency",
    ),
    "waybill": (
        "logisticsCode", "logisticsName", "logisticsNo", "orderNo", "currency", "consignee",
        "consigneeAddress", "consigneeTelephone",
    ),
    "inventory": (
        "orderNo", "ebpCode", "ebpName", "ebcCode", "ebcName", "logisticsNo", "logisticsCode",
        "logisticsName", "assureCode", "buyerIdType", "buyerIdNumber", "buyerName", "consigneeAddress",
        "agentCode", "agentName", "tradeMode", "freight", "currency",
    ),
}  # fmt: skip
BONDED_HEAD_FIELDS = ("areaCode", "areaName")  # compared (filing, name) only under 1210
LINE_FIELDS: dict[str, tuple[str, ...]] = {
    "order": ("gnum", "itemNo", "itemName", "unit", "qty", "price", "totalPrice", "currency"),
    "inventory": ("gnum", "itemNo", "itemName", "gname", "unit", "qty", "price", "totalPrice", "currency"),
}
_LIST = {"order": "OrderList", "inventory": "InventoryList"}
NUMBERS = {
    "goodsValue",
    "freight",
    "discount",
    "taxTotal",
    "acturalPaid",
    "amountPaid",
    "qty",
    "price",
    "totalPrice",
}

TARGETS = [
    (trade_mode, doc, None, name)
    for trade_mode in ("9610", "1210")
    for doc, names in HEAD_FIELDS.items()
    for name in names + (BONDED_HEAD_FIELDS if trade_mode == "1210" and doc == "inventory" else ())
] + [
    (trade_mode, doc, index, name)
    for trade_mode in ("9610", "1210")
    for doc, names in LINE_FIELDS.items()
    for index in (0, 1)
    for name in names
]


def _same(old: str, new: str, name: str) -> bool:
    """Would the match see these two values as the same? (mirrors its lenient comparison)"""

    def norm(value: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", value).split()).upper()

    if name in NUMBERS:
        try:
            a, b = Decimal(old.strip()), Decimal(new.strip())
        except InvalidOperation:
            return False
        return a.is_finite() and b.is_finite() and a == b
    return norm(old) == norm(new)


new_values = st.one_of(
    st.text(min_size=1, max_size=10),
    st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False).map(str),
    st.sampled_from(["142", "1", "2", "9610", "0110", "502", "011", PLATFORM, OTHER_ID]),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(target=st.sampled_from(TARGETS), new=new_values)
def test_any_single_field_mutation_is_reported_naming_that_field(
    target: tuple[str, str, int | None, str], new: str
) -> None:
    trade_mode, doc, index, name = target
    raw = consistent(trade_mode)
    row = raw[doc]["head"] if index is None else raw[doc]["lists"][_LIST[doc]][index]
    assume(new.strip() and " ".join(unicodedata.normalize("NFKC", new).split()))
    assume(not _same(row.get(name, ""), new, name))
    if name == "tradeMode":
        assume(new.strip() not in PARAMS.trade_modes)
    row[name] = new
    found = run(raw)
    assert any(name in f.field.split("/") for f in found), (target, new, found)


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: "-".join(map(str, t)))
def test_every_compared_field_is_checked(target: tuple[str, str, int | None, str]) -> None:
    """The deterministic companion of the property test: every compared field, one change each."""
    trade_mode, doc, index, name = target
    raw = consistent(trade_mode)
    row = raw[doc]["head"] if index is None else raw[doc]["lists"][_LIST[doc]][index]
    row[name] = str(Decimal(row[name]) + 1) if name in NUMBERS else row[name] + "9"
    assert any(name in f.field.split("/") for f in run(raw))


# --------------------------------------------------------------------------- parameters


def test_parameter_file_defaults() -> None:
    assert PARAMS.amount_tolerance == Decimal(0)
    assert PARAMS.quantity_tolerance == Decimal(0)
    assert PARAMS.import_currency == "142"
    assert set(PARAMS.trade_modes) == {"9610", "1210"}
    assert PARAMS.trade_modes["1210"].line_fields == ("itemRecordNo",)
    assert PARAMS.enterprise_roles["areaCode"] == frozenset({"warehouse"})
    assert PARAMS.assure_parties == ("agentCode", "ebcCode", "logisticsCode")
    assert all(ref.startswith("2019-01-01: ") for ref in PARAMS.references.values())
    assert set(PARAMS.references) == {f.name for f in dataclasses.fields(MatchParameters)} - {"references"}


def test_parameters_by_date() -> None:
    assert load_match_parameters(date(2026, 3, 21)) == PACKAGED
    assert PACKAGED.gname_must_equal_order_item_name is False  # our reading of "与电子订单一致"
    with pytest.raises(MatchParametersError, match="no value in force"):
        load_match_parameters(date(2018, 12, 31))


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "matching.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace('value: "0"', "value: 0.0", 1), "quoted decimal"),
        (lambda t: t.replace("  quantity_tolerance:", "  quantity_tolerances:"), "unknown parameters"),
        (lambda t: t.replace("value: true", "value: yes please", 1), "true/false"),
        (lambda t: t.replace("areaCode: [warehouse]", "areaCode: [zoo]"), "roles must be among"),
        (
            lambda t: re.sub(r"reference: >-\n\s+CEB311 acturalPaid", "reference: ''\n    x: CEB311", t),
            "reference",
        ),
        (lambda t: t.replace('"2019-01-01":', '"2019-13-01":', 1), "YYYY-MM-DD"),
        (lambda t: "parameters: []", "no 'parameters' map"),
    ],
)
def test_malformed_parameter_files_are_refused(
    tmp_path: Path, edit: Callable[[str], str], message: str
) -> None:
    text = matching.PARAMETERS_FILE.read_text(encoding="utf-8")
    changed = edit(text)
    assert changed != text
    with pytest.raises(MatchParametersError, match=message):
        load_match_parameters(None, _write(tmp_path, changed))


def test_missing_parameter_is_refused(tmp_path: Path) -> None:
    text = matching.PARAMETERS_FILE.read_text(encoding="utf-8")
    cut = text.index("  assure_parties:")
    with pytest.raises(MatchParametersError, match="missing parameters: assure_parties"):
        load_match_parameters(None, _write(tmp_path, text[:cut]))


def test_public_names() -> None:
    assert all(hasattr(matching, name) for name in matching.__all__)
    assert matching.match is match
    assert len(matching.CHECKS) == len(set(matching.CHECKS))
    for check in matching.CHECKS:
        assert "Reference" in (check.__doc__ or ""), check.__name__


def test_documents_are_not_changed() -> None:
    raw = consistent()
    before = copy.deepcopy(raw)
    run(raw)
    assert raw == before
