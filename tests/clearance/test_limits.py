"""The limits of retail import (regulation.md §1): ¥5,000 a transaction, ¥26,000 a year, the indivisible
single item taxed in full, and goods off the positive list."""

from __future__ import annotations

from decimal import Decimal

from tests.clearance.support import Line, Zone, inventory_receipts
from tests.factories import make_ric

#: A watch (MFN duty 10%, VAT 13%; consumption tax only from ¥10,000 a watch), one piece of ¥6,000.
WATCH = Line(qty="1", price="6000", gcode="9102110000", name="电子手表", unit="011", unit1="011", qty1="1")


def test_several_items_over_the_single_limit_are_refused(zone: Zone) -> None:
    two_lines = zone.send_set(
        zone.spec(lines=(Line(qty="1", price="3000"), Line(qty="1", price="2500", name="奶粉二段")))
    )
    two_pieces = zone.send_set(zone.spec(lines=(Line(qty="2", price="3000"),)))
    for spec in (two_lines, two_pieces):
        life = zone.lifecycle(spec.order_no)
        assert (life["state"], life["returnStatus"], life["invtNo"]) == ("refused", "-621005", None)
        assert [(f["code"], f["zh"]) for f in life["findings"]] == [
            ("LIMIT_SINGLE_EXCEEDED", "超过单次交易限值")
        ]
        assert inventory_receipts(zone, spec)[-1] == (
            "-621005",
            "[Code:LIMIT_SINGLE_EXCEEDED;Desc:超过单次交易限值]",
        )
        assert life["quota"]["used"] is None
    assert zone.quota_used(two_lines.buyer_id) == Decimal(0)
    assert zone.receipts(zone.agent, receipt_type="CEB816Message") == []
    assert zone.guarantee() == (Zone.GUARANTEE, [("lodged", Zone.GUARANTEE)])


def test_exactly_the_single_limit_is_within_it(zone: Zone) -> None:
    spec = zone.send_set(zone.spec(lines=(Line(qty="2", price="2495"),)))  # 4,990 + 10 freight = 5,000
    life = zone.lifecycle(spec.order_no)
    assert (life["state"], life["tax"]["taxable_price"]) == ("released", "5000.00")
    assert (life["tax"]["customs_duty"], life["tax"]["vat"]) == ("0.00", "455.00")  # 5,000 × 13% × 70%


def test_one_indivisible_item_over_the_limit_pays_the_full_tax_and_counts(zone: Zone) -> None:
    spec = zone.send_set(zone.spec(lines=(WATCH,)))
    life = zone.lifecycle(spec.order_no)
    assert (life["state"], life["returnStatus"]) == ("released", "800"), life["findings"]
    tax = life["tax"]
    # P = 6,000 + 10 freight; duty 10% = 601.00; VAT 13% of (6,010 + 601) = 859.43, in full (not 70%)
    assert (tax["taxable_price"], tax["customs_duty"], tax["consumption_tax"], tax["vat"], tax["total"]) == (
        "6010.00",
        "601.00",
        "0.00",
        "859.43",
        "1460.43",
    )
    assert life["assessment"]["decision"] == "single_item_over_limit"
    assert life["quota"]["used"] == "6010.00"
    assert zone.quota_used(spec.buyer_id) == Decimal("6010")
    bill = zone.receipts(zone.agent, receipt_type="CEB816Message")[0].body
    assert (bill["TaxHeadRd"]["customsTax"], bill["TaxHeadRd"]["valueAddedTax"]) == ("601.00000", "859.43000")
    assert zone.guarantee()[0] == Zone.GUARANTEE - Decimal("1460.43")


def test_an_indivisible_item_past_the_annual_limit_is_refused(zone: Zone) -> None:
    buyer = make_ric(501)
    for _ in range(4):  # 4 × 5,000 = 20,000 used
        zone.send_set(zone.spec(buyer_id=buyer, lines=(Line(qty="2", price="2495"),)))
    assert zone.quota_used(buyer) == Decimal("20000")
    spec = zone.send_set(zone.spec(buyer_id=buyer, lines=(WATCH,)))  # 20,000 + 6,010 > 26,000
    life = zone.lifecycle(spec.order_no)
    assert (life["state"], life["returnStatus"]) == ("refused", "-621018")
    assert [f["code"] for f in life["findings"]] == ["LIMIT_ANNUAL_EXCEEDED"]
    assert zone.quota_used(buyer) == Decimal("20000")


def test_goods_off_the_positive_list_are_refused(zone: Zone) -> None:
    cigarettes = Line(
        qty="2", price="100", gcode="2402200000", name="卷烟", unit="011", unit1="011", qty1="2"
    )
    spec = zone.send_set(zone.spec(lines=(cigarettes,)))
    life = zone.lifecycle(spec.order_no)
    assert (life["state"], life["returnStatus"], life["invtNo"]) == ("refused", "100", None)
    assert [(f["code"], f["field"], f["gnum"]) for f in life["findings"]] == [
        ("GOODS_NOT_ON_POSITIVE_LIST", "gcode", 1)
    ]
    status, info = inventory_receipts(zone, spec)[-1]
    assert status == "100"
    assert info.startswith("[Code:GOODS_NOT_ON_POSITIVE_LIST;")
    assert life["tax"]["total"] is None
    assert zone.quota_used(spec.buyer_id) == Decimal(0)
