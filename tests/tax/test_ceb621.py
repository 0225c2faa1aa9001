"""A CEB621 record's exact strings become a taxable inventory; appTime is Beijing time."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from cbec.messages.ceb import parse_xml
from cbec.tax import InventoryFieldError, TradeMode, inventory_from_ceb621

FIXTURE = Path(__file__).parents[1] / "messages" / "ceb" / "fixtures" / "CEB621Message.xml"
NOW = datetime(2024, 6, 18, 4, 0, tzinfo=UTC)


def record() -> tuple[dict[str, str], list[dict[str, str]]]:
    first = parse_xml(FIXTURE.read_bytes()).records[0]
    return dict(first.head), [dict(fields) for fields in first.lists["InventoryList"]]


def test_the_fixture_reads_as_exact_decimals() -> None:
    head, lines = record()
    inventory = inventory_from_ceb621(head, lines, default_accepted_at=NOW)
    assert inventory.order_no == "order2016030811340001"
    assert inventory.trade_mode is TradeMode.DIRECT
    assert inventory.accepted_at.isoformat() == "2016-03-15T15:35:55+08:00"
    assert (inventory.freight, inventory.insured_fee) == (Decimal(500), Decimal(200))
    first = inventory.lines[0]
    assert (first.gnum, first.gcode, first.gmodel) == (1, "8541401000", "44mm")
    assert (first.qty, first.unit1, first.qty2, first.unit2) == (Decimal(100), "007", Decimal(300), "035")
    assert inventory.goods_value == Decimal(32)


def test_without_app_time_the_given_moment_is_used() -> None:
    head, lines = record()
    del head["appTime"]
    assert inventory_from_ceb621(head, lines, default_accepted_at=NOW).accepted_at == NOW


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda h, ls: h.update(appTime="2016-03-15"), "InventoryHead/appTime"),
        (lambda h, ls: h.update(tradeMode="0110"), "InventoryHead/tradeMode"),
        (lambda h, ls: h.update(freight="five"), "InventoryHead/freight"),
        (lambda h, ls: h.update(freight="NaN"), "InventoryHead/freight"),
        (lambda h, ls: h.pop("orderNo"), "InventoryHead/orderNo"),
        (lambda h, ls: ls[0].update(gnum="one"), "InventoryList[0]/gnum"),
        (lambda h, ls: ls[1].update(totalPrice=""), "InventoryList[1]/totalPrice"),
        (lambda h, ls: ls[0].update(qty="0"), "InventoryList[0]"),
        (lambda h, ls: ls[1].update(gnum="1"), "Inventory"),
        (lambda h, ls: ls.clear(), "InventoryList"),
    ],
)
def test_bad_fields_are_named(change: object, field: str) -> None:
    head, lines = record()
    change(head, lines)  # type: ignore[operator]
    with pytest.raises(InventoryFieldError) as caught:
        inventory_from_ceb621(head, lines, default_accepted_at=NOW)
    assert caught.value.field == field
