"""Goods checks return every finding: off the positive list, bonded-only goods declared as direct
purchase, per-person annual caps."""

from __future__ import annotations

from decimal import Decimal

from cbec.tax import GoodsFindingCode, TradeMode, check_goods, load_tariff
from cbec.tax.goods import GOODS_FINDING_TITLES, line_quantity
from cbec.tax.tariff import parse_tariff_csv

from .support import inventory, line

HEADER = (
    "hs_code,name_zh,name_en,unit1,unit2,mfn_rate_percent,temporary_rate_percent,vat_rate_percent,"
    "vat_class,consumption_tax_rule,positive_list,positive_list_mark,only_1210,annual_cap,"
    "annual_cap_unit,source,source_date,mark,note\n"
)
TABLE = parse_tariff_csv(
    HEADER
    + "11111111,不在清单,off list,,,5,,13,standard,,N,U,N,,,X,,S,\n"
    + "22222222,仅限网购保税,bonded only,035,,5,,13,standard,,Y,U,Y,,,X,,S,\n"
    + "33333333,限购两千克,capped,035,,5,,13,standard,,Y,U,N,2,035,X,,S,\n"
    + "44444444,普通,ordinary,,,5,,13,standard,,Y,U,N,,,X,,S,\n"
)
NOTHING: dict[str, Decimal] = {}


def codes(findings: tuple[object, ...]) -> list[tuple[str, int]]:
    return [(finding.code.value, finding.gnum) for finding in findings]  # type: ignore[attr-defined]


def test_goods_that_may_come_in_give_no_findings() -> None:
    assert check_goods(inventory(line("4444444400", "10")), tariff=TABLE, bought_this_year=NOTHING) == ()


def test_all_findings_are_returned_in_line_order() -> None:
    inv = inventory(
        line("3333333300", "10", gnum=4, qty1="2.5", unit1="035"),
        line("1111111100", "10", gnum=1),
        line("2222222200", "10", gnum=2),
        line("9999999900", "10", gnum=3),
    )
    findings = check_goods(inv, tariff=TABLE, bought_this_year=NOTHING)
    assert codes(findings) == [
        ("GOODS_NOT_ON_POSITIVE_LIST", 1),
        ("GOODS_BONDED_IMPORT_ONLY", 2),
        ("GOODS_UNKNOWN_TARIFF_LINE", 3),
        ("GOODS_ANNUAL_QUANTITY_CAP_EXCEEDED", 4),
    ]
    code, zh, en, gnum = findings[0]
    assert code is GoodsFindingCode.NOT_ON_POSITIVE_LIST
    assert zh.startswith("商品不在跨境电子商务零售进口商品清单内")
    assert en.startswith("the goods are not on") and gnum == 1
    assert findings[3].to_dict()["code"] == "GOODS_ANNUAL_QUANTITY_CAP_EXCEEDED"


def test_bonded_only_goods_may_come_in_as_1210() -> None:
    inv = inventory(line("2222222200", "10"), trade_mode=TradeMode.BONDED)
    assert check_goods(inv, tariff=TABLE, bought_this_year=NOTHING) == ()


class TestAnnualCap:
    def test_this_years_purchases_count_and_grams_convert(self) -> None:
        inv = inventory(line("3333333300", "10", qty1="500", unit1="036"))
        assert check_goods(inv, tariff=TABLE, bought_this_year={"3333333300": Decimal("1.5")}) == ()
        over = check_goods(inv, tariff=TABLE, bought_this_year={"3333333399": Decimal("1.6")})
        assert codes(over) == [("GOODS_ANNUAL_QUANTITY_CAP_EXCEEDED", 1)]
        assert "2.1 > 2 (035)" in over[0].en

    def test_lines_of_the_same_capped_goods_add_up(self) -> None:
        inv = inventory(
            line("3333333300", "10", gnum=1, qty1="1.5", unit1="035"),
            line("3333333300", "10", gnum=2, qty1="1", unit1="035"),
        )
        assert codes(check_goods(inv, tariff=TABLE, bought_this_year=NOTHING)) == [
            ("GOODS_ANNUAL_QUANTITY_CAP_EXCEEDED", 1),
            ("GOODS_ANNUAL_QUANTITY_CAP_EXCEEDED", 2),
        ]

    def test_a_quantity_in_no_compatible_unit_is_reported(self) -> None:
        inv = inventory(line("3333333300", "10", qty="3", unit="007", qty1="3", unit1="007"))
        assert codes(check_goods(inv, tariff=TABLE, bought_this_year=NOTHING)) == [
            ("GOODS_QUANTITY_NOT_MEASURABLE", 1)
        ]

    def test_sugar_on_the_real_table(self) -> None:
        inv = inventory(line("1701991000", "30", qty1="3", unit1="035"))
        findings = check_goods(inv, tariff=load_tariff(), bought_this_year=NOTHING)
        assert codes(findings) == [("GOODS_ANNUAL_QUANTITY_CAP_EXCEEDED", 1)]


def test_line_quantity_looks_at_every_declared_quantity() -> None:
    assert line_quantity(line("1", "1", qty="2", unit="035", qty1="3", unit1="007"), "036") == Decimal(2000)
    assert line_quantity(line("1", "1", qty="2", unit="007"), "035") is None


def test_every_code_has_titles() -> None:
    assert set(GOODS_FINDING_TITLES) == {code.value for code in GoodsFindingCode}
    for code in GoodsFindingCode:
        assert code.zh and code.en
