"""The calculator explains every figure, applies the law of the acceptance day, and reports what
it cannot compute instead of raising."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

import pytest

from cbec.tax import (
    Decision,
    IssueCode,
    RefusalCode,
    TaxableInventory,
    TaxAssessment,
    TradeMode,
    assess,
    load_parameters,
    load_tariff,
)
from cbec.tax.calculator import TaxRounding
from cbec.tax.tariff import parse_tariff_csv

from .support import inventory, line

PARAMS = load_parameters()
TARIFF = load_tariff()


def run(*lines: object, annual_used: str = "0", **kwargs: object) -> TaxAssessment:
    return assess(
        inventory(*lines, **kwargs),  # type: ignore[arg-type]
        params=PARAMS,
        tariff=TARIFF,
        annual_used=Decimal(annual_used),
    )


class TestExplanation:
    def test_each_figure_names_its_rules_parameters_dates_and_references(self) -> None:
        result = run(line("3304990099", "425", qty1="0.02", unit1="035"))
        steps = result.explanation.steps
        codes = [step.code for step in steps]
        for code in (
            "tax.retail_import.taxable_price",
            "tax.retail_import.limits",
            "tax.retail_import.fee_apportionment",
            "tax.retail_import.customs_duty_rate",
            "tax.consumption_tax.high_end_cosmetics.price_test",
            "tax.consumption_tax.high_end_cosmetics",
            "tax.retail_import.import_vat",
            "tax.retail_import.charged_share",
        ):
            assert code in codes
        test = next(step for step in steps if step.code.endswith("price_test"))
        assert test.scope == "line 1"
        assert test.result is not None and test.result.startswith("21.2500 CNY/g ≥ 10")
        rate = next(step for step in steps if step.code == "tax.consumption_tax.high_end_cosmetics")
        (lookup,) = [p for p in rate.parameters if p.path.endswith("high_end_cosmetics.rate")]
        assert lookup.value == Decimal("0.15")
        assert lookup.effective_from.isoformat() == "2016-10-01"
        assert lookup.reference.document == "财税〔2016〕103号"
        limits = next(step for step in steps if step.code == "tax.retail_import.limits")
        documents = {p.reference.document for p in limits.parameters}
        assert "财关税〔2018〕49号" in documents

    def test_the_tariff_row_its_source_and_mark_are_named(self) -> None:
        notes = run(line("3304990099", "100", qty1="0.02", unit1="035")).explanation.notes
        assert any("tariff row 3304990099" in note and "mark S" in note for note in notes)
        assert any("rounding is our choice" in note for note in notes)

    def test_an_unverified_tariff_row_is_flagged(self) -> None:
        notes = run(line("2208600000", "300", gmodel="700ml")).explanation.notes
        assert any(note.startswith("line 1: UNVERIFIED tariff row 22086000") for note in notes)

    def test_a_line_without_a_seen_vat_rate_says_the_standard_rate_was_assumed(self) -> None:
        notes = run(line("6104520000", "300")).explanation.notes
        assert any("VAT rate not seen" in note for note in notes)

    def test_a_sibling_row_match_is_explained(self) -> None:
        result = run(line("3304990011", "100", qty1="0.05", unit1="035"))
        assert result.lines[0].tariff_code == "3304990029"
        assert any("same tariff line with the same rates" in note for note in result.explanation.notes)

    def test_unverified_parameters_used_are_listed(self) -> None:
        paths = {p.path for p in run(line("8518220000", "300")).explanation.unverified_parameters}
        assert "tax.retail_import.tax_amount_rounding" in paths
        paths_2018 = {
            p.path
            for p in run(
                line("8518220000", "300"), when="2018-06-01T12:00:00+08:00"
            ).explanation.unverified_parameters
        }
        assert "tax.vat.standard_rate" in paths_2018

    def test_to_json_has_string_amounts_and_the_explanation(self) -> None:
        data = json.loads(run(line("8518220000", "300"), freight="20").to_json())
        assert data["orderNo"] == "ORDER-1"
        assert data["vat"] == "29.12"
        assert data["lines"][0] == {
            "gnum": 1,
            "gcode": "8518220000",
            "tariff_code": "8518220000",
            "taxable_price": "320.00",
            "customs_duty": "0.00",
            "vat": "29.12",
            "consumption_tax": "0.00",
            "total": "29.12",
        }
        assert data["explanation"]["steps"][0]["rule"] == "tax.retail_import.rounding"
        assert data["refusal_reason"] is None


class TestLimits:
    def test_a_refusal_carries_the_e_port_code_and_texts(self) -> None:
        result = run(line("8518220000", "5000.01", qty="2"))
        assert result.decision is Decision.REFUSED
        assert result.refusal is RefusalCode.OVER_SINGLE_LIMIT
        assert result.lines == ()
        assert result.to_dict()["refusal_reason"] == {
            "zh": "超过单次交易限值",
            "en": "over the single-transaction limit",
        }
        assert RefusalCode.OVER_ANNUAL_LIMIT.zh == "超过个人年度交易限值"

    def test_the_temporary_rate_is_applied_before_the_mfn_rate_in_full_tax(self) -> None:
        result = run(line("0406900000", "6000", qty1="5", unit1="035"))  # cheese: MFN 12, temporary 8
        assert result.decision is Decision.SINGLE_ITEM_OVER_LIMIT
        assert result.customs_duty == Decimal("480.00")
        step = next(s for s in result.explanation.steps if s.code == "tax.retail_import.customs_duty_rate")
        assert step.result is not None and "temporary rate" in step.result

    def test_annual_used_must_not_be_negative(self) -> None:
        with pytest.raises(ValueError, match="negative"):
            run(line("8518220000", "300"), annual_used="-1")


class TestInputs:
    def test_a_naive_acceptance_time_is_refused(self) -> None:
        with pytest.raises(ValueError, match="timezone-aware"):
            inventory(line("8518220000", "1"), when="2019-06-01T12:00:00")

    @pytest.mark.parametrize(
        ("build", "message"),
        [
            (lambda: inventory(), "at least one line"),
            (lambda: inventory(line("8518220000", "1"), line("8518220000", "1")), "unique"),
            (lambda: inventory(line("8518220000", "1"), freight="-1"), "negative"),
            (lambda: line("8518220000", "1", qty="0"), "positive"),
            (lambda: line("8518220000", "-1"), "negative"),
        ],
    )
    def test_impossible_inventories_are_refused(self, build: object, message: str) -> None:
        with pytest.raises(ValueError, match=message):
            build()  # type: ignore[operator]

    def test_accepted_on_is_the_beijing_date(self) -> None:
        inv = inventory(line("8518220000", "1"), when="2019-03-31T16:30:00+00:00")
        assert inv.accepted_on.isoformat() == "2019-04-01"
        assert inv.accepted_at == datetime.fromisoformat("2019-03-31T16:30:00+00:00")
        assert inv.trade_mode is TradeMode.DIRECT


class TestNotAssessable:
    def test_every_unknown_code_is_listed(self) -> None:
        result = run(line("8541401000", "1"), line("8541402000", "1", gnum=2))
        assert [(issue.code, issue.gnum) for issue in result.issues] == [
            (IssueCode.UNKNOWN_TARIFF_LINE, 1),
            (IssueCode.UNKNOWN_TARIFF_LINE, 2),
        ]
        assert "8541401000" in result.issues[0].en
        assert result.to_dict()["issues"][0]["code"] == "TAX_UNKNOWN_TARIFF_LINE"  # type: ignore[index]

    def test_an_unknown_consumption_tax_rule_in_the_table_is_reported(self) -> None:
        header = (
            "hs_code,name_zh,name_en,unit1,unit2,mfn_rate_percent,temporary_rate_percent,vat_rate_percent,"
            "vat_class,consumption_tax_rule,positive_list,positive_list_mark,only_1210,annual_cap,"
            "annual_cap_unit,source,source_date,mark,note\n"
        )
        table = parse_tariff_csv(header + "12345678,测试,test,,,5,,13,standard,tobacco,Y,U,N,,,X,,S,\n")
        result = assess(
            inventory(line("1234567800", "10")), params=PARAMS, tariff=table, annual_used=Decimal(0)
        )
        assert [issue.code for issue in result.issues] == [IssueCode.UNKNOWN_CONSUMPTION_TAX_RULE]

    def test_issue_titles_exist_for_every_code(self) -> None:
        for code in IssueCode:
            assert code.zh and code.en


def test_rounding_is_half_up_to_the_fen() -> None:
    rounding = TaxRounding(quantum=Decimal("0.01"), mode="half_up")
    assert rounding(Decimal("0.005")) == Decimal("0.01")
    assert rounding(Decimal("2.675")) == Decimal("2.68")
    assert rounding.summary() == "0.01 half_up"


def test_fees_on_a_free_order_go_to_the_first_line() -> None:
    result = run(line("8518220000", "0"), line("4901990000", "0", gnum=2), freight="10")
    assert [ln.taxable_price for ln in result.lines] == [Decimal("10.00"), Decimal("0.00")]
    assert result.taxable_price == Decimal("10.00")


def test_a_trade_mode_given_as_text_and_lines_given_as_a_list_are_normalised() -> None:
    inv = TaxableInventory(
        order_no="O",
        trade_mode="1210",  # type: ignore[arg-type]
        accepted_at=datetime.fromisoformat("2019-06-01T12:00:00+08:00"),
        freight=Decimal(0),
        insured_fee=Decimal(0),
        lines=[line("8518220000", "1")],  # type: ignore[arg-type]
    )
    assert inv.trade_mode is TradeMode.BONDED
    assert isinstance(inv.lines, tuple)
