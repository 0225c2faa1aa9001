"""核定征收 (国家税务总局公告2019年第36号): taxable income = revenue × 4%, tax at 25% or, as our
reading of the current relief [U], a quarter of the income at 20% for a small low-profit enterprise;
exact to the fen, half-up."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from cbec.rules import ParameterNotInForceError
from cbec.tax import load_parameters
from cbec.tax.export import (
    SmallLowProfitReliefNotInForceError,
    deemed_income_tax,
    deemed_income_tax_base,
)

PARAMS = load_parameters()
YEAR_END = date(2025, 12, 31)


@pytest.mark.parametrize(
    ("revenue", "taxable", "standard", "relief"),
    [
        ("1000000", "40000.00", "10000.00", "2000.00"),  # regulation.md §5.2 example
        ("123456.78", "4938.27", "1234.57", "246.91"),  # 4938.2712 → 4938.27; ×25% = 1234.5675 → .57
        ("1.125", "0.05", "0.01", "0.00"),  # 0.045 → 0.05 half-up (half-even would give 0.04)
        ("0", "0.00", "0.00", "0.00"),
        ("75000000", "3000000.00", "750000.00", "150000.00"),  # at the ceiling: relief applies
    ],
)
def test_deemed_income_and_tax_to_the_fen(revenue: str, taxable: str, standard: str, relief: str) -> None:
    base = deemed_income_tax_base(Decimal(revenue), on=YEAR_END, params=PARAMS)
    assert base.taxable_income == Decimal(taxable)
    assert str(base.taxable_income) == taxable
    assert base.taxable_income_rate == Decimal("0.04")
    plain = deemed_income_tax(Decimal(revenue), on=YEAR_END, params=PARAMS)
    assert str(plain.tax) == standard
    assert not plain.relief_applied and not plain.small_low_profit_claimed
    small = deemed_income_tax(Decimal(revenue), on=YEAR_END, params=PARAMS, small_low_profit=True)
    assert str(small.tax) == relief
    assert small.relief_applied and small.small_low_profit_claimed


def test_over_the_ceiling_the_standard_rate_applies_and_says_why() -> None:
    result = deemed_income_tax(Decimal("75000000.25"), on=YEAR_END, params=PARAMS, small_low_profit=True)
    assert result.base.taxable_income == Decimal("3000000.01")
    assert result.tax == Decimal("750000.00")  # 750000.0025 → .00
    assert result.small_low_profit_claimed and not result.relief_applied
    assert any("over the small low-profit ceiling" in note for note in result.explanation.notes)


@pytest.mark.parametrize("day", [date(2022, 12, 31), date(2028, 1, 1)])
def test_the_relief_outside_the_modelled_years_is_an_error(day: date) -> None:
    with pytest.raises(SmallLowProfitReliefNotInForceError, match="2023-01-01 to 2027-12-31"):
        deemed_income_tax(Decimal(1000), on=day, params=PARAMS, small_low_profit=True)
    assert deemed_income_tax(Decimal(1000), on=day, params=PARAMS).tax == Decimal("10.00")


def test_before_36hao_took_effect_there_is_no_deemed_rate() -> None:
    with pytest.raises(ParameterNotInForceError):
        deemed_income_tax_base(Decimal(1000), on=date(2019, 12, 31), params=PARAMS)


def test_negative_revenue_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        deemed_income_tax_base(Decimal("-0.01"), on=YEAR_END, params=PARAMS)


def test_the_explanation_names_rules_references_and_what_is_unverified() -> None:
    result = deemed_income_tax(Decimal(1000000), on=YEAR_END, params=PARAMS, small_low_profit=True)
    codes = [step.code for step in result.explanation.steps]
    assert codes == [
        "tax.export.deemed_income_tax.rounding",
        "tax.export.deemed_income_tax.taxable_income",
        "tax.export.deemed_income_tax.small_low_profit_ceiling",
        "tax.export.deemed_income_tax.small_low_profit",
    ]
    rate_step = result.explanation.steps[1]
    (lookup,) = rate_step.parameters
    assert lookup.reference.document == "国家税务总局公告2019年第36号"
    assert lookup.reference.article == "二"
    unverified = {lookup.path for lookup in result.explanation.unverified_parameters}
    assert unverified == {
        "tax.export.deemed_income_tax.amount_rounding",
        "tax.export.deemed_income_tax.taxable_income_rate",
        "tax.export.deemed_income_tax.small_low_profit.taxable_income_ceiling",
        "tax.export.deemed_income_tax.small_low_profit.income_share",
        "tax.export.deemed_income_tax.small_low_profit.rate",
    }
    standard = deemed_income_tax(Decimal(1000000), on=YEAR_END, params=PARAMS)
    assert [step.code for step in standard.explanation.steps][-1] == "tax.export.deemed_income_tax.standard"
    (rate,) = standard.explanation.steps[-1].parameters
    assert rate.reference.article == "第四条" and rate.verified
    data = json.loads(standard.to_json())
    assert data["tax"] == "10000.00" and data["taxable_income"] == "40000.00"
    assert (
        deemed_income_tax_base(Decimal(1), on=YEAR_END, params=PARAMS).to_dict()["taxable_income"] == "0.04"
    )
