"""The tariff table: at least 150 real lines, each with its source and an honest mark; lookups by
declared code; malformed files refused."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cbec.tax import CONSUMPTION_TAX_RULES, load_parameters, load_tariff
from cbec.tax.tariff import Mark, MatchKind, TariffError, VatClass, parse_tariff_csv

TABLE = load_tariff()
HEADER = (
    "hs_code,name_zh,name_en,unit1,unit2,mfn_rate_percent,temporary_rate_percent,vat_rate_percent,"
    "vat_class,consumption_tax_rule,positive_list,positive_list_mark,only_1210,annual_cap,"
    "annual_cap_unit,source,source_date,mark,note\n"
)
# A sample of the 77 lines of tariff.md §4, with their MFN rates.
FROM_TARIFF_MD = {
    "1901101090": "0.15",
    "0402210000": "0.10",
    "3304990099": "0.01",
    "3303000020": "0.03",
    "2204290000": "0.20",
    "22042100": "0.14",
    "9102210090": "0.11",
    "4901990000": "0",
    "61091000": "0.06",
}


class TestContent:
    def test_at_least_150_lines(self) -> None:
        assert len(TABLE) >= 150

    def test_every_row_has_a_source_and_a_mark(self) -> None:
        for row in TABLE:
            assert row.source, row.hs_code
            assert row.mark in set(Mark)

    def test_rows_without_an_mfn_rate_or_with_an_inferred_rule_are_unverified(self) -> None:
        for row in TABLE:
            if row.mfn_rate is None:
                assert row.mark is Mark.UNVERIFIED, row.hs_code
        assert TABLE.lines["22086000"].mark is Mark.UNVERIFIED

    def test_no_row_claims_to_be_verified_from_an_official_table(self) -> None:
        assert Counter(row.mark for row in TABLE)[Mark.VERIFIED] == 0

    def test_the_tariff_md_lines_are_carried_over(self) -> None:
        for code, rate in FROM_TARIFF_MD.items():
            assert TABLE.lines[code].mfn_rate == Decimal(rate), code

    def test_every_consumption_tax_rule_has_code_and_parameters(self) -> None:
        params = load_parameters()
        for rule_id in {row.consumption_tax_rule for row in TABLE} - {None}:
            assert rule_id in CONSUMPTION_TAX_RULES
            params.get(f"tax.consumption_tax.{rule_id}")

    def test_vat_classes_match_the_rates_seen_since_2019_04_01(self) -> None:
        view = load_parameters().at(date(2019, 4, 1))
        expected = {VatClass.STANDARD: view.tax.vat.standard_rate, VatClass.LOWER: view.tax.vat.lower_rate}
        for row in TABLE:
            if row.vat_class is not None:
                assert row.vat_rate == expected[row.vat_class], row.hs_code

    def test_units_are_customs_codes(self) -> None:
        assert TABLE.lines["0409000000"].unit1 == "035"
        assert TABLE.lines["2204290000"].unit1 == "095"

    def test_the_sugar_cap_is_on_the_table(self) -> None:
        sugar = TABLE.lines["17019910"]
        assert (sugar.annual_cap, sugar.annual_cap_unit) == (Decimal(2), "035")


class TestLookup:
    def test_exact_tariff_line_and_sibling_matches(self) -> None:
        assert TABLE.match("3304990099").kind is MatchKind.EXACT  # type: ignore[union-attr]
        assert TABLE.match("2204210000").kind is MatchKind.TARIFF_LINE  # type: ignore[union-attr]
        sibling = TABLE.match("3304990011")
        assert sibling is not None and sibling.kind is MatchKind.SIBLING

    def test_siblings_with_different_rates_do_not_match(self) -> None:
        table = parse_tariff_csv(
            HEADER
            + "1234567810,甲,a,,,5,,13,standard,,Y,U,N,,,X,,S,\n"
            + "1234567820,乙,b,,,8,,13,standard,,Y,U,N,,,X,,S,\n"
        )
        assert table.find("1234567890") is None
        assert table.find("1234567810") is not None

    def test_an_unknown_code_is_none_not_an_exception(self) -> None:
        assert TABLE.find("0000000000") is None
        assert TABLE.match("") is None

    def test_prefix_listing(self) -> None:
        codes = [row.hs_code for row in TABLE.with_prefix("9102")]
        assert codes == sorted(codes)
        assert codes and all(code.startswith("9102") for code in codes)
        assert len(TABLE.with_prefix("")) == len(TABLE)

    def test_rates_print_as_percent(self) -> None:
        data = TABLE.lines["0406900000"].to_dict()
        assert (data["mfn_rate_percent"], data["temporary_rate_percent"], data["vat_rate_percent"]) == (
            "12",
            "8",
            "13",
        )
        assert TABLE.lines["34011100"].to_dict()["mfn_rate_percent"] == "6.5"


class TestMalformed:
    @pytest.mark.parametrize(
        ("row", "fragment"),
        [
            ("123,甲,a,,,5,,13,standard,,Y,U,N,,,X,,S,", "8 or 10 digits"),
            ("12345678,,a,,,5,,13,standard,,Y,U,N,,,X,,S,", "name_zh is required"),
            ("12345678,甲,a,35,,5,,13,standard,,Y,U,N,,,X,,S,", "3 digits"),
            ("12345678,甲,a,,,five,,13,standard,,Y,U,N,,,X,,S,", "not a number"),
            ("12345678,甲,a,,,-5,,13,standard,,Y,U,N,,,X,,S,", "≥ 0"),
            ("12345678,甲,a,,,5,,13,,,Y,U,N,,,X,,S,", "go together"),
            ("12345678,甲,a,,,5,,13,middle,,Y,U,N,,,X,,S,", "is not one of"),
            ("12345678,甲,a,,,5,,13,standard,,maybe,U,N,,,X,,S,", "Y or N"),
            ("12345678,甲,a,,,5,,13,standard,,Y,U,N,2,,X,,S,", "go together"),
            ("12345678,甲,a,,,5,,13,standard,high-end,Y,U,N,,,X,,S,", "snake_case"),
            ("12345678,甲,a,,,5,,13,standard,,Y,U,N,,,X,,Q,", "is not one of"),
        ],
    )
    def test_bad_cells_are_named(self, row: str, fragment: str) -> None:
        with pytest.raises(TariffError) as caught:
            parse_tariff_csv(HEADER + row + "\n")
        assert any(fragment in problem for problem in caught.value.problems), caught.value.problems

    def test_a_repeated_code_is_refused(self) -> None:
        row = "12345678,甲,a,,,5,,13,standard,,Y,U,N,,,X,,S,\n"
        with pytest.raises(TariffError, match="repeats"):
            parse_tariff_csv(HEADER + row + row)

    def test_a_missing_column_is_refused(self) -> None:
        with pytest.raises(TariffError, match="missing columns"):
            parse_tariff_csv("hs_code,name_zh\n12345678,甲\n")

    def test_another_file_can_be_loaded(self, tmp_path: Path) -> None:
        path = tmp_path / "t.csv"
        path.write_text(
            "# comment\n" + HEADER + "12345678,甲,a,,,5,,13,standard,,Y,U,N,,,X,,S,\n", encoding="utf-8"
        )
        assert len(load_tariff(path)) == 1
