"""The 无票免税 register (财税〔2018〕103号 一（一）): one entry per released export line with the
export date, goods name, unit, quantity, unit price, amount and consignor; totals per enterprise
and period, exact."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from cbec.exports.summary import ExportInventory, ExportInventoryLine
from cbec.tax.export import (
    RegisterEntry,
    ReportingPeriod,
    no_invoice_exemption_entry,
    register_report,
)

LINE = ExportInventoryLine(
    gnum=2,
    gcode="6109100011",
    gname="棉制针织T恤衫",
    item_name="Cotton T-shirt",
    country="502",
    currency="502",
    qty=Decimal(3),
    unit="011",
    qty1=Decimal(3),
    unit1="011",
    qty2=None,
    unit2=None,
    price=Decimal("9.99"),
    total_price=Decimal("29.97"),
)
INVENTORY = ExportInventory(
    invt_no="29012025E000000001",
    released_on=date(2025, 3, 10),
    ie_date=date(2025, 3, 9),
    trade_mode="9610",
    statistics_flag="B",
    customs_code="2901",
    agent_code="3301960AAA",
    ebc_code="330196XXXX",
    ebc_name="杭州某某电子商务有限公司",
    owner_code="330196YYYY",
    traf_mode="5",
    country="502",
    port_code="2991",
    logistics_no="LP1",
    gross_weight=Decimal("0.5"),
    net_weight=Decimal("0.4"),
    lines=(LINE,),
)


def entry(**changes: object) -> RegisterEntry:
    return replace(no_invoice_exemption_entry(INVENTORY, LINE), **changes)  # type: ignore[arg-type]


class TestEntry:
    def test_records_what_103_requires_as_declared(self) -> None:
        got = no_invoice_exemption_entry(INVENTORY, LINE)
        assert got.export_date == date(2025, 3, 9)  # ieDate, not the release date
        assert got.goods_name == "棉制针织T恤衫"
        assert got.item_name == "Cotton T-shirt"
        assert got.unit == "011"
        assert got.qty == Decimal(3)
        assert got.unit_price == Decimal("9.99")
        assert got.amount == Decimal("29.97")
        assert got.currency == "502"
        assert (got.enterprise_code, got.enterprise_name) == ("330196XXXX", "杭州某某电子商务有限公司")
        assert (got.invt_no, got.gnum, got.gcode, got.trade_mode) == (
            "29012025E000000001",
            2,
            "6109100011",
            "9610",
        )

    def test_json_form_keeps_the_declared_figures(self) -> None:
        data = no_invoice_exemption_entry(INVENTORY, LINE).to_dict()
        assert data["amount"] == "29.97"
        assert data["unit_price"] == "9.99"
        assert data["export_date"] == "2025-03-09"


class TestPeriod:
    def test_month_and_quarter(self) -> None:
        assert ReportingPeriod.month(2024, 2) == ReportingPeriod(date(2024, 2, 1), date(2024, 2, 29))
        assert ReportingPeriod.quarter(2025, 1) == ReportingPeriod(date(2025, 1, 1), date(2025, 3, 31))
        assert ReportingPeriod.quarter(2025, 4) == ReportingPeriod(date(2025, 10, 1), date(2025, 12, 31))

    @pytest.mark.parametrize("quarter", [0, 5])
    def test_bad_quarter(self, quarter: int) -> None:
        with pytest.raises(ValueError, match="quarter"):
            ReportingPeriod.quarter(2025, quarter)

    def test_a_period_ending_before_it_starts_is_refused(self) -> None:
        with pytest.raises(ValueError, match="before it starts"):
            ReportingPeriod(date(2025, 3, 2), date(2025, 3, 1))

    def test_membership(self) -> None:
        period = ReportingPeriod.month(2025, 3)
        assert date(2025, 3, 1) in period and date(2025, 3, 31) in period
        assert date(2025, 4, 1) not in period
        assert "2025-03-02" not in period


class TestReport:
    def test_totals_per_enterprise_and_period_exactly(self) -> None:
        entries = [
            entry(invt_no="B", gnum=1, amount=Decimal("0.10001"), export_date=date(2025, 3, 31)),
            entry(invt_no="A", gnum=2, amount=Decimal("12345678901234.99999")),
            entry(invt_no="A", gnum=1, amount=Decimal("0.00001")),
            entry(invt_no="C", gnum=1, amount=Decimal("5"), currency="142"),
            entry(invt_no="D", gnum=1, amount=Decimal("100"), enterprise_code="OTHER"),
            entry(invt_no="E", gnum=1, amount=Decimal("100"), export_date=date(2025, 4, 1)),
            entry(invt_no="F", gnum=1, amount=Decimal("100"), export_date=date(2025, 2, 28)),
        ]
        report = register_report(entries, "330196XXXX", ReportingPeriod.month(2025, 3))
        assert [(e.invt_no, e.gnum) for e in report.entries] == [("A", 1), ("A", 2), ("C", 1), ("B", 1)]
        assert dict(report.amount_by_currency) == {
            "142": Decimal(5),
            "502": Decimal("12345678901235.10001"),
        }
        assert report.line_count == 4
        assert report.inventory_count == 3
        data = json.loads(report.to_json())
        assert data["amount_by_currency"]["502"] == "12345678901235.10001"
        assert data["period"] == {"first_day": "2025-03-01", "last_day": "2025-03-31"}

    def test_an_enterprise_without_exports_has_an_empty_report(self) -> None:
        report = register_report([entry()], "NOBODY", ReportingPeriod.month(2025, 3))
        assert report.entries == ()
        assert dict(report.amount_by_currency) == {}
        assert report.line_count == 0 and report.inventory_count == 0
