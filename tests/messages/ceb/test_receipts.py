"""Receipts: one record per declared record, XSD-valid, rendered as XML or JSON."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from cbec.messages.ceb import (
    CATALOGUE,
    Finding,
    accepted_info,
    accepted_status,
    build_receipt,
    build_xml,
    format_error_receipt,
    parse_json,
    parse_xml,
    receipt_message,
    rejected_info,
    to_json,
    xsd_findings,
)
from cbec.messages.ceb.receipts import format_return_time, pre_no

from .samples import official, valid_document

WHEN = datetime(2024, 5, 1, 1, 2, 3, 456789, tzinfo=UTC)  # 09:02:03.456 in China
DECLARATIONS = sorted(name for name, spec in CATALOGUE.items() if spec.is_declaration)

# Fields a receipt needs that the declaration cannot supply: customs assigns them.
EXTRA: dict[str, dict[str, str | int]] = {
    # CEB604 invtNo is mandatory (C..20) and only customs knows it.
    "CEB603Message": {"invtNo": "15002018E000000001"},
}


@pytest.mark.parametrize("message_type", DECLARATIONS)
def test_receipts_for_every_declaration_type_are_xsd_valid(message_type: str) -> None:
    spec = CATALOGUE[message_type]
    message = parse_xml(valid_document(message_type))
    records = [
        build_receipt(
            spec, record, "2", accepted_info(record), WHEN, {"preNoSerial": 7, **EXTRA.get(message_type, {})}
        )
        for record in message.records
    ]
    assert spec.receipt_type is not None
    receipt = receipt_message(spec.receipt_type, records, message.guid or "")
    assert xsd_findings(receipt) == []
    assert xsd_findings(parse_xml(build_xml(receipt))) == []
    assert parse_json(to_json(receipt)) == parse_xml(build_xml(receipt))


def test_a_copied_value_that_does_not_fit_an_optional_receipt_field_is_left_out() -> None:
    # CEB626 invtNo is C18 but CEB625 accepts C..18: the official sample's 17-character
    # 15003213300400111 fits the declaration and not the receipt.
    refund = parse_xml(official("CEB625Message.xml")).records[0]
    record = build_receipt("CEB625Message", refund, "2", "x", WHEN, {"preNoSerial": 1})
    assert "invtNo" not in record
    passed = build_receipt(
        "CEB625Message", refund, "2", "x", WHEN, {"preNoSerial": 1, "invtNo": "150032133004001110"}
    )
    assert passed["invtNo"] == "150032133004001110"


def test_ceb312_fields_come_from_the_order_head() -> None:
    order = parse_xml(official("CEB311Message.xml")).records[0]
    record = build_receipt("CEB311Message", order, "2", accepted_info(order), WHEN)
    assert record == {
        "guid": "4CDE1CFD-EDED-46B1-946C-B8022E42FC94",
        "ebpCode": "1105910159",
        "ebcCode": "1105910159",
        "orderNo": "order20160321116421002",
        "returnStatus": "2",
        "returnTime": "20240501090203456",
        "returnInfo": "新增申报成功[4CDE1CFD-EDED-46B1-946C-B8022E42FC94]",
    }
    assert list(record) == [
        "guid",
        "ebpCode",
        "ebcCode",
        "orderNo",
        "returnStatus",
        "returnTime",
        "returnInfo",
    ]


def test_the_receipt_type_may_be_given_directly() -> None:
    order = parse_xml(official("CEB311Message.xml")).records[0]
    assert build_receipt("CEB312Message", order, "2", "x", WHEN) == build_receipt(
        CATALOGUE["CEB311Message"], order, "2", "x", WHEN
    )


def test_ceb622_pre_no_is_generated_from_the_serial_and_china_date() -> None:
    inventory = parse_xml(official("CEB621Message.xml")).records[0]
    late = datetime(2024, 5, 1, 17, 0, tzinfo=UTC)  # already 2 May in China
    record = build_receipt(
        "CEB621Message", inventory, "2", accepted_info(inventory), late, {"preNoSerial": 570793612}
    )
    assert record["preNo"] == "B20240502570793612"
    assert record["copNo"] == "NBBH20160308005"


def test_pre_no_may_be_passed_or_taken_from_the_head() -> None:
    cancel = parse_xml(official("CEB623Message.xml")).records[0]
    assert build_receipt("CEB623Message", cancel, "2", "x", WHEN)["preNo"] == "B20160308000000001"
    passed = build_receipt("CEB623Message", cancel, "2", "x", WHEN, {"preNo": "B20240501000000009"})
    assert passed["preNo"] == "B20240501000000009"


def test_a_mandatory_receipt_field_without_value_raises() -> None:
    inventory = parse_xml(official("CEB621Message.xml")).records[0]
    head = {k: v for k, v in inventory.head.items() if k not in {"copNo", "preNo"}}
    with pytest.raises(ValueError, match="copNo, preNo"):
        build_receipt("CEB621Message", dataclasses.replace(inventory, head=head), "2", "x", WHEN)


def test_return_info_is_cut_to_the_xsd_maximum() -> None:
    order = parse_xml(official("CEB311Message.xml")).records[0]
    record = build_receipt("CEB311Message", order, "-301008", "错" * 1500, WHEN)
    assert len(record["returnInfo"]) == 1000
    assert record["returnInfo"].endswith("…")


def test_unknown_types_and_types_without_receipts_raise() -> None:
    order = parse_xml(official("CEB311Message.xml")).records[0]
    with pytest.raises(ValueError, match="unknown"):
        build_receipt("CEB999Message", order, "2", "x", WHEN)
    with pytest.raises(ValueError, match="no receipt type"):
        build_receipt("CEB816Message", order, "2", "x", WHEN)
    with pytest.raises(ValueError, match="unknown"):
        receipt_message("CEB999Message", [], "x")


def test_format_error_receipt_is_a_valid_ceb900() -> None:
    record = format_error_receipt(
        "CEB311Message",
        "COP-1",
        "<not xml",
        "-1",
        "报文不是格式正确的XML",
        WHEN,
        "2C3D4E5F-6A7B-4C8D-9E0F-1A2B3C4D5E6F",
    )
    receipt = receipt_message("CEB900Message", [record], "2C3D4E5F-6A7B-4C8D-9E0F-1A2B3C4D5E6F")
    assert xsd_findings(receipt) == []
    assert parse_xml(build_xml(receipt)).records[0].head["oriBizMessage"] == "<not xml"


class TestTexts:
    def test_accepted(self) -> None:
        orders = parse_xml(official("CEB311Message.xml")).records
        assert accepted_status(orders[0]) == "2"
        assert accepted_info(orders[0]).startswith("新增申报成功[")
        stored = dataclasses.replace(orders[0], head=dict(orders[0].head, appStatus="1"))
        assert accepted_status(stored) == "1"
        assert accepted_info(stored) == "暂存成功[4CDE1CFD-EDED-46B1-946C-B8022E42FC94]"
        changed = dataclasses.replace(orders[0], head=dict(orders[0].head, appType="2"))
        assert accepted_info(changed).startswith("变更申报成功[")

    def test_rejected_lists_every_finding_in_chinese(self) -> None:
        findings = [
            Finding("CEB_A", 0, "Order[0]/OrderHead/x", "甲", "a"),
            Finding("CEB_B", None, "", "乙", "b"),
        ]
        assert rejected_info(findings) == "[CEB_A]Order[0]/OrderHead/x：甲；[CEB_B]乙"

    def test_return_time(self) -> None:
        assert format_return_time(WHEN) == "20240501090203456"
        assert format_return_time(
            datetime(2024, 5, 1, 9, 2, 3, 456789, tzinfo=timezone(timedelta(hours=8)))
        ) == ("20240501090203456")

    def test_pre_no(self) -> None:
        assert pre_no("B", date(2023, 8, 7), 570793612) == "B20230807570793612"
        with pytest.raises(ValueError, match="9 digits"):
            pre_no("B", date(2023, 8, 7), 10**9)
        with pytest.raises(ValueError, match="one character"):
            pre_no("BB", date(2023, 8, 7), 1)
