"""Field rules beyond the XSD, one scenario at a time, plus property tests for the sum rules."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal
from types import MappingProxyType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cbec.messages.ceb import CebMessage, CebRecord, field_findings, parse_xml, xsd_findings
from cbec.messages.ceb.checks import FIELD_RULES, MESSAGE_RULES, RECORD_RULES
from cbec.messages.ceb.code_tables import load_code_tables

from .samples import official, valid_document

VALID_ID = "11010519491231002X"
VALID_USCC = "91110000600037341L"


def clean_order() -> CebMessage:
    """The first order of the official CEB311 sample with its defects repaired: no findings at all."""
    sample = parse_xml(official("CEB311Message.xml"))
    record = sample.records[0]
    head = dict(record.head, buyerIdNumber=VALID_ID, goodsValue="4000", acturalPaid="9050")
    lines = [dict(line) for line in record.lists["OrderList"]]
    lines[1]["totalPrice"] = "2000"
    order = CebRecord(0, "Order", head["guid"], head, {"OrderList": lines})
    return dataclasses.replace(sample, records=[order], source=None)


def codes(message: CebMessage) -> list[tuple[str, int | None, str]]:
    return [(f.code, f.record, f.path) for f in field_findings(message)]


def with_head(message: CebMessage, **changes: str) -> CebMessage:
    record = message.records[0]
    head = dict(record.head, **changes)
    return dataclasses.replace(message, records=[dataclasses.replace(record, head=head)], source=None)


def with_lines(message: CebMessage, list_name: str, lines: list[dict[str, str]]) -> CebMessage:
    record = message.records[0]
    return dataclasses.replace(
        message, records=[dataclasses.replace(record, lists={list_name: lines})], source=None
    )


def only(message_type: str) -> CebMessage:
    """First record only of the valid document of a type (its duplicates removed)."""
    message = parse_xml(valid_document(message_type))
    return dataclasses.replace(message, records=message.records[:1], source=None)


HEAD = "Order[0]/OrderHead"


def test_the_clean_order_has_no_findings_at_all() -> None:
    message = clean_order()
    assert field_findings(message) == []
    assert xsd_findings(message) == []


def test_all_findings_are_returned_not_only_the_first() -> None:
    message = with_head(clean_order(), ebpCode="123", buyerIdNumber="1", appTime="2024", currency="502")
    assert sorted(code for code, _, _ in codes(message)) == [
        "CEB_CURRENCY_NOT_CNY",
        "CEB_DATETIME_INVALID",
        "CEB_ENTERPRISE_CODE_INVALID",
        "CEB_ID_NUMBER_INVALID",
    ]


def test_unknown_message_types_have_no_field_findings() -> None:
    assert field_findings(dataclasses.replace(clean_order(), message_type="CEB999Message")) == []


def test_rules_are_registered() -> None:
    assert {"ebpCode", "buyerIdNumber", "appTime", "currency", "unit", "packNo", "customsCode"} <= set(
        FIELD_RULES
    )
    assert len(RECORD_RULES) == 7
    assert len(MESSAGE_RULES) == 3


class TestEnterpriseCodes:
    @pytest.mark.parametrize("value", ["1105910159", VALID_USCC, VALID_USCC.lower(), "A000080003"])
    def test_customs_codes_and_usccs_pass(self, value: str) -> None:
        assert codes(with_head(clean_order(), ebcCode=value)) == []

    @pytest.mark.parametrize(
        ("value", "reason"),
        [
            ("ass201603081155", "length 15"),
            ("110108130000000007", "USCC check character"),
            ("1105 10159", "spaces"),
            ("1105_10159", "characters"),
        ],
    )
    def test_other_values_fail(self, value: str, reason: str) -> None:
        findings = field_findings(with_head(clean_order(), payCode=value))
        assert [(f.code, f.path) for f in findings] == [("CEB_ENTERPRISE_CODE_INVALID", f"{HEAD}/payCode")]
        assert reason in findings[0].message_en

    def test_base_transfer_cop_code_is_checked_at_message_level(self) -> None:
        message = dataclasses.replace(
            clean_order(), base_transfer={"copCode": "JDGW20160310001", "dxpMode": "DXP"}
        )
        assert codes(message) == [("CEB_ENTERPRISE_CODE_INVALID", None, "BaseTransfer/copCode")]

    def test_export_ebp_code_may_be_wu_for_foreign_platforms(self) -> None:
        order = only("CEB303Message")
        assert not [c for c in codes(with_head(order, ebpCode="无")) if c[0] == "CEB_ENTERPRISE_CODE_INVALID"]

    def test_import_ebp_code_may_not_be_wu(self) -> None:
        assert codes(with_head(clean_order(), ebpCode="无")) == [
            ("CEB_ENTERPRISE_CODE_INVALID", 0, f"{HEAD}/ebpCode")
        ]

    def test_export_ebc_code_may_not_be_wu(self) -> None:
        order = only("CEB303Message")
        assert ("CEB_ENTERPRISE_CODE_INVALID", 0, "Order[0]/OrderHead/ebcCode") in codes(
            with_head(order, ebcCode="无")
        )


class TestIdNumbers:
    def test_an_invalid_id_card_number_is_reported_with_the_reason(self) -> None:
        first17 = "11010519491331002"  # month 13
        from cbec.registry.identifiers import ric

        number = first17 + ric.calc_check_digit(first17 + "?")
        findings = field_findings(with_head(clean_order(), buyerIdNumber=number))
        assert [(f.code, f.path) for f in findings] == [("CEB_ID_NUMBER_INVALID", f"{HEAD}/buyerIdNumber")]
        assert "date of birth" in findings[0].message_en

    def test_other_id_types_are_not_checked_as_resident_ids(self) -> None:
        # buyerIdType 2 is itself refused on import (限定为身份证), but the number is not checked.
        assert codes(with_head(clean_order(), buyerIdType="2", buyerIdNumber="E12345678")) == [
            ("CEB_ID_TYPE_INVALID", 0, f"{HEAD}/buyerIdType")
        ]

    def test_lower_case_x_is_accepted(self) -> None:
        assert codes(with_head(clean_order(), buyerIdNumber=VALID_ID.lower())) == []

    def test_payer_id_in_payments(self) -> None:
        payment = with_head(only("CEB411Message"), payerIdNumber=VALID_ID)
        assert codes(payment) == []
        assert codes(with_head(payment, payerIdNumber="130625021345225322")) == [
            ("CEB_ID_NUMBER_INVALID", 0, "Payment[0]/PaymentHead/payerIdNumber")
        ]


class TestDatesAndTimes:
    @pytest.mark.parametrize(
        "value", ["20230230120000", "20231301120000", "20230101240000", "2023010112000", "2023-1-1"]
    )
    def test_app_time_must_be_a_real_c14_datetime(self, value: str) -> None:
        assert codes(with_head(clean_order(), appTime=value)) == [
            ("CEB_DATETIME_INVALID", 0, f"{HEAD}/appTime")
        ]

    def test_leap_day_is_real(self) -> None:
        assert codes(with_head(clean_order(), appTime="20240229235959")) == []

    def test_c8_dates(self) -> None:
        inventory = with_head(only("CEB621Message"), declTime="20230229", ieDate="20240229")
        assert ("CEB_DATETIME_INVALID", 0, "Inventory[0]/InventoryHead/declTime") in codes(inventory)
        assert ("CEB_DATETIME_INVALID", 0, "Inventory[0]/InventoryHead/ieDate") not in codes(inventory)

    def test_c17_return_time_in_receipts(self) -> None:
        receipt = with_head(only("CEB312Message"), returnTime="20240501120000")
        assert codes(receipt) == [("CEB_DATETIME_INVALID", 0, "OrderReturn[0]/returnTime")]
        assert codes(with_head(receipt, returnTime="20240501120000999")) == []


class TestCodeTables:
    def test_import_currency_must_be_142_in_head_and_lines(self) -> None:
        message = clean_order()
        lines = [dict(line, currency="502") for line in message.records[0].lists["OrderList"]]
        found = codes(with_lines(with_head(message, currency="502"), "OrderList", lines))
        assert found == [
            ("CEB_CURRENCY_NOT_CNY", 0, f"{HEAD}/currency"),
            ("CEB_CURRENCY_NOT_CNY", 0, "Order[0]/OrderList[0]/currency"),
            ("CEB_CURRENCY_NOT_CNY", 0, "Order[0]/OrderList[1]/currency"),
        ]

    def test_export_currency_comes_from_the_table(self) -> None:
        order = with_head(only("CEB303Message"), currency="502")
        assert not [c for c in codes(order) if c[2].endswith("OrderHead/currency")]
        assert ("CEB_CURRENCY_INVALID", 0, "Order[0]/OrderHead/currency") in codes(
            with_head(order, currency="999")
        )

    @pytest.mark.parametrize(
        ("field", "value", "code"),
        [
            ("country", "001", "CEB_COUNTRY_INVALID"),
            ("unit", "aaa", "CEB_UNIT_INVALID"),
            ("unit", "7", "CEB_UNIT_INVALID"),
        ],
    )
    def test_line_codes(self, field: str, value: str, code: str) -> None:
        message = clean_order()
        lines = [dict(message.records[0].lists["OrderList"][0], **{field: value})]
        lines[0]["totalPrice"] = "2000"
        message = with_lines(with_head(message, goodsValue="2000", acturalPaid="7050"), "OrderList", lines)
        assert codes(message) == [(code, 0, f"Order[0]/OrderList[0]/{field}")]

    @pytest.mark.parametrize(
        ("message_type", "field", "bad", "good", "code"),
        [
            ("CEB621Message", "trafMode", "K", "W", "CEB_TRAF_MODE_INVALID"),
            ("CEB621Message", "wrapType", "8", "2", "CEB_WRAP_TYPE_INVALID"),
            ("CEB621Message", "ieFlag", "X", "I", "CEB_IE_FLAG_INVALID"),
            ("CEB621Message", "tradeMode", "9710", "1210", "CEB_TRADE_MODE_INVALID"),
            ("CEB621Message", "customsCode", "37000", "A100", "CEB_CUSTOMS_DISTRICT_INVALID"),
            ("CEB621Message", "portCode", "37", "5141", "CEB_CUSTOMS_DISTRICT_INVALID"),
            ("CEB311Message", "appType", "4", "3", "CEB_APP_TYPE_INVALID"),
            ("CEB311Message", "appStatus", "3", "1", "CEB_APP_STATUS_INVALID"),
            ("CEB311Message", "orderType", "E", "I", "CEB_ORDER_TYPE_INVALID"),
            ("CEB303Message", "orderType", "X", "B", "CEB_ORDER_TYPE_INVALID"),
            ("CEB603Message", "statisticsFlag", "C", "B", "CEB_STATISTICS_FLAG_INVALID"),
            ("CEB603Message", "fFlag", "4", "1", "CEB_CHARGE_FLAG_INVALID"),
            ("CEB603Message", "iFlag", "0", "2", "CEB_CHARGE_FLAG_INVALID"),
            ("CEB603Message", "tradeMode", "0101", "9810", "CEB_TRADE_MODE_INVALID"),
            ("CEB513Message", "logisticsStatus", "R", "S", "CEB_LOGISTICS_STATUS_INVALID"),
            ("CEB623Message", "appType", "2", "1", "CEB_APP_TYPE_INVALID"),
        ],
    )
    def test_head_codes(self, message_type: str, field: str, bad: str, good: str, code: str) -> None:
        message = only(message_type)
        good_codes = {
            c for c, _, path in codes(with_head(message, **{field: good})) if path.endswith("/" + field)
        }
        bad_codes = {
            c for c, _, path in codes(with_head(message, **{field: bad})) if path.endswith("/" + field)
        }
        assert good_codes == set()
        assert bad_codes == {code}

    def test_import_pack_no_must_be_one(self) -> None:
        waybill = with_head(only("CEB511Message"), packNo="1")
        assert codes(waybill) == []
        assert codes(with_head(waybill, packNo="2")) == [
            ("CEB_PACK_NO_INVALID", 0, "Logistics[0]/LogisticsHead/packNo")
        ]

    def test_export_pack_no_is_free(self) -> None:
        assert codes(with_head(only("CEB505Message"), packNo="9")) == []

    def test_empty_values_are_left_to_the_xsd(self) -> None:
        assert codes(with_head(clean_order(), payCode="", consigneeDistrict="")) == []


class TestSums:
    def test_actural_paid_mismatch(self) -> None:
        findings = field_findings(with_head(clean_order(), acturalPaid="9050.01"))
        assert [(f.code, f.path) for f in findings] == [("CEB_ACTURAL_PAID_MISMATCH", f"{HEAD}/acturalPaid")]
        assert "4000+5000+50-0=9050" in findings[0].message_en

    def test_discount_is_subtracted(self) -> None:
        assert codes(with_head(clean_order(), discount="50", acturalPaid="9000")) == []

    def test_goods_value_is_the_sum_of_line_totals(self) -> None:
        findings = field_findings(with_head(clean_order(), goodsValue="4100", acturalPaid="9150"))
        assert [(f.code, f.path) for f in findings] == [("CEB_GOODS_VALUE_MISMATCH", f"{HEAD}/goodsValue")]
        assert "sum to 4000" in findings[0].message_en

    def test_goods_value_sum_applies_to_ceb311_only(self) -> None:
        order = only("CEB303Message")
        assert not [c for c in codes(order) if c[0] == "CEB_GOODS_VALUE_MISMATCH"]

    def test_line_total_allows_rounding_to_the_fen(self) -> None:
        message = clean_order()
        line = dict(message.records[0].lists["OrderList"][0], qty="3", price="3.33333", totalPrice="10.00")
        within = with_lines(with_head(message, goodsValue="10.00", acturalPaid="5060"), "OrderList", [line])
        assert codes(within) == []
        outside = with_lines(
            with_head(message, goodsValue="10.02", acturalPaid="5060.02"),
            "OrderList",
            [dict(line, totalPrice="10.02")],
        )
        assert codes(outside) == [("CEB_TOTAL_PRICE_MISMATCH", 0, "Order[0]/OrderList[0]/totalPrice")]

    def test_unparseable_numbers_are_left_to_the_xsd(self) -> None:
        assert codes(with_head(clean_order(), acturalPaid="abc", goodsValue="NaN")) == []


class TestLines:
    def test_gnum_must_run_from_one_without_gaps(self) -> None:
        message = clean_order()
        lines = [dict(line) for line in message.records[0].lists["OrderList"]]
        lines[1]["gnum"] = "3"
        assert codes(with_lines(message, "OrderList", lines)) == [
            ("CEB_GNUM_NOT_SEQUENTIAL", 0, "Order[0]/OrderList[1]/gnum")
        ]

    def test_repeated_gnum(self) -> None:
        message = clean_order()
        lines = [dict(line, gnum="1") for line in message.records[0].lists["OrderList"]]
        assert codes(with_lines(message, "OrderList", lines)) == [
            ("CEB_GNUM_DUPLICATE", 0, "Order[0]/OrderList[1]/gnum"),
            ("CEB_GNUM_NOT_SEQUENTIAL", 0, "Order[0]/OrderList[1]/gnum"),
        ]

    def test_refund_lines_follow_the_original_inventory_numbers(self) -> None:
        refund = only("CEB625Message")
        line = refund.records[0].lists["InvtRefundList"][0]
        refund = dataclasses.replace(
            refund, base_transfer=dict(refund.base_transfer or {}, copCode="1105910158")
        )
        assert codes(with_lines(refund, "InvtRefundList", [dict(line, gnum="5"), dict(line, gnum="2")])) == []
        assert codes(with_lines(refund, "InvtRefundList", [dict(line, gnum="5"), dict(line, gnum="5")])) == [
            ("CEB_GNUM_DUPLICATE", 0, "InvtRefund[0]/InvtRefundList[1]/gnum")
        ]

    def test_line_count_limit_is_99_on_import(self) -> None:
        message = clean_order()
        base = message.records[0].lists["OrderList"][0]
        lines = [dict(base, gnum=str(n + 1), qty="1", price="1", totalPrice="1") for n in range(100)]
        message = with_lines(with_head(message, goodsValue="100", acturalPaid="5150"), "OrderList", lines)
        assert codes(message) == [("CEB_LINE_COUNT_EXCEEDED", 0, "Order[0]/OrderList")]
        assert [f.path for f in xsd_findings(message)] == ["Order[0]/OrderList[99]"]

    def test_msg_seq_no_within_msg_count(self) -> None:
        waybill = only("CEB607Message")
        assert codes(with_head(waybill, msgSeqNo="10", msgCount="9")) == [
            ("CEB_MSG_SEQ_INVALID", 0, "WayBill[0]/WayBillHead/msgSeqNo")
        ]


class TestMessageRules:
    def test_ceb621_must_be_signed(self) -> None:
        inventory = dataclasses.replace(only("CEB621Message"), signature=None)
        assert ("CEB_SIGNATURE_MISSING", None, "Signature") in codes(inventory)

    @pytest.mark.parametrize("message_type", ["CEB623Message", "CEB625Message", "CEB711Message"])
    def test_other_always_signed_types(self, message_type: str) -> None:
        message = dataclasses.replace(only(message_type), signature=None)
        assert ("CEB_SIGNATURE_MISSING", None, "Signature") in codes(message)

    def test_ceb603_needs_a_signature_when_declared(self) -> None:
        inventory = dataclasses.replace(only("CEB603Message"), signature=None)
        assert ("CEB_SIGNATURE_MISSING", 0, "Signature") in codes(with_head(inventory, appStatus="2"))
        assert not [c for c in codes(with_head(inventory, appStatus="1")) if c[0] == "CEB_SIGNATURE_MISSING"]

    def test_ceb311_signature_is_optional(self) -> None:
        assert codes(dataclasses.replace(clean_order(), signature=None)) == []

    def test_record_guid_and_business_key_duplicates(self) -> None:
        message = clean_order()
        twice = dataclasses.replace(
            message, records=[message.records[0], dataclasses.replace(message.records[0], index=1)]
        )
        assert codes(twice) == [
            ("CEB_RECORD_GUID_DUPLICATE", 1, "Order[1]/OrderHead/guid"),
            ("CEB_BUSINESS_KEY_DUPLICATE", 1, "Order[1]/OrderHead/orderNo"),
        ]

    def test_receipts_may_repeat_business_keys(self) -> None:
        receipts = parse_xml(official("CEB312Message.xml"))
        assert {f.code for f in field_findings(receipts)} == {"CEB_RECORD_GUID_DUPLICATE"}


def test_tables_can_be_swapped() -> None:
    tables = load_code_tables()
    strict = dataclasses.replace(
        tables, parameters=MappingProxyType(dict(tables.parameters, total_price_tolerance="0")), _allowed={}
    )
    message = clean_order()
    line = dict(message.records[0].lists["OrderList"][0], qty="3", price="3.33333", totalPrice="10.00")
    message = with_lines(with_head(message, goodsValue="10.00", acturalPaid="5060"), "OrderList", [line])
    assert field_findings(message) == []
    assert [f.code for f in field_findings(message, tables=strict)] == ["CEB_TOTAL_PRICE_MISMATCH"]


# --------------------------------------------------------------------------- properties

money = st.decimals(
    min_value=Decimal(0), max_value=Decimal(10**8), places=2, allow_nan=False, allow_infinity=False
)
quantity = st.decimals(
    min_value=Decimal(1), max_value=Decimal(10**4), places=0, allow_nan=False, allow_infinity=False
)


def order_with(
    price: Decimal, qty: Decimal, total: Decimal, amounts: tuple[Decimal, Decimal, Decimal, Decimal, Decimal]
) -> CebMessage:
    goods, freight, tax, discount, paid = amounts
    message = clean_order()
    line = dict(
        message.records[0].lists["OrderList"][0], price=str(price), qty=str(qty), totalPrice=str(total)
    )
    head = {
        "goodsValue": str(goods),
        "freight": str(freight),
        "taxTotal": str(tax),
        "discount": str(discount),
        "acturalPaid": str(paid),
    }
    return with_lines(with_head(message, **head), "OrderList", [line])


def sum_codes(message: CebMessage) -> set[str]:
    return {f.code for f in field_findings(message)}


@settings(max_examples=60, deadline=None)
@given(money, quantity, money, money, money)
def test_consistent_amounts_never_raise_a_sum_finding(
    price: Decimal, qty: Decimal, freight: Decimal, tax: Decimal, discount: Decimal
) -> None:
    total = price * qty
    paid = total + freight + tax - discount
    assert sum_codes(order_with(price, qty, total, (total, freight, tax, discount, paid))) == set()


@settings(max_examples=60, deadline=None)
@given(
    money,
    quantity,
    st.decimals(min_value=Decimal("0.01001"), max_value=Decimal(10**6), places=5),
    st.booleans(),
)
def test_a_line_total_off_by_more_than_a_fen_is_found(
    price: Decimal, qty: Decimal, delta: Decimal, up: bool
) -> None:
    total = price * qty + (delta if up else -delta)
    message = order_with(price, qty, total, (total, Decimal(0), Decimal(0), Decimal(0), total))
    assert sum_codes(message) == {"CEB_TOTAL_PRICE_MISMATCH"}


@settings(max_examples=60, deadline=None)
@given(money, quantity, st.decimals(min_value=Decimal("0.00001"), max_value=Decimal(10**6), places=5))
def test_any_difference_in_actural_paid_is_found(price: Decimal, qty: Decimal, delta: Decimal) -> None:
    total = price * qty
    message = order_with(price, qty, total, (total, Decimal(1), Decimal(2), Decimal(0), total + 3 + delta))
    assert sum_codes(message) == {"CEB_ACTURAL_PAID_MISMATCH"}


@settings(max_examples=60, deadline=None)
@given(money, quantity, st.decimals(min_value=Decimal("0.00001"), max_value=Decimal(10**6), places=5))
def test_any_difference_between_goods_value_and_the_lines_is_found(
    price: Decimal, qty: Decimal, delta: Decimal
) -> None:
    total = price * qty
    goods = total + delta
    message = order_with(price, qty, total, (goods, Decimal(0), Decimal(0), Decimal(0), goods))
    assert sum_codes(message) == {"CEB_GOODS_VALUE_MISMATCH"}


Mutator = Callable[[CebMessage], CebMessage]
