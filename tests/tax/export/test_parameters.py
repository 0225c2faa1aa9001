"""The export tax parameter files hold the numbers of 103号 and 36号 with their dates, and mark
what the reference notes could not confirm."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cbec.rules import Parameter
from cbec.tax import load_parameters

PARAMS = load_parameters()


@pytest.mark.parametrize(
    ("path", "day", "value"),
    [
        ("tax.export.deemed_income_tax.taxable_income_rate", date(2020, 1, 1), Decimal("0.04")),
        ("tax.export.deemed_income_tax.standard_rate", date(2008, 1, 1), Decimal("0.25")),
        ("tax.export.deemed_income_tax.small_low_profit.income_share", date(2023, 1, 1), Decimal("0.25")),
        ("tax.export.deemed_income_tax.small_low_profit.rate", date(2027, 12, 31), Decimal("0.20")),
        (
            "tax.export.deemed_income_tax.small_low_profit.taxable_income_ceiling",
            date(2025, 6, 1),
            Decimal(3000000),
        ),
        ("tax.export.deemed_income_tax.amount_rounding", date(2025, 6, 1), Decimal("0.01")),
    ],
)
def test_value_on_date(path: str, day: date, value: Decimal) -> None:
    assert PARAMS.at(day).decimal(path) == value


def test_the_exemption_starts_2018_10_01_for_9610() -> None:
    assert PARAMS.at(date(2018, 10, 1)).text("tax.export.no_invoice_exemption.trade_modes") == "9610"
    assert not PARAMS.at(date(2018, 9, 30)).has("tax.export.no_invoice_exemption.trade_modes")


def test_the_relief_ends_after_2027() -> None:
    assert not PARAMS.at(date(2028, 1, 1)).has("tax.export.deemed_income_tax.small_low_profit.rate")
    assert not PARAMS.at(date(2022, 12, 31)).has("tax.export.deemed_income_tax.small_low_profit.rate")


@pytest.mark.parametrize(
    "path",
    [
        "tax.export.no_invoice_exemption.trade_modes",
        "tax.export.deemed_income_tax.taxable_income_rate",
        "tax.export.deemed_income_tax.amount_rounding",
        "tax.export.deemed_income_tax.small_low_profit.income_share",
        "tax.export.deemed_income_tax.small_low_profit.rate",
        "tax.export.deemed_income_tax.small_low_profit.taxable_income_ceiling",
    ],
)
def test_what_is_not_confirmed_is_unverified(path: str) -> None:
    parameter = PARAMS.get(path)
    assert isinstance(parameter, Parameter)
    assert not parameter.lookup(date(2025, 1, 1)).verified


def test_every_value_names_its_document() -> None:
    node = PARAMS.get("tax.export")
    assert not isinstance(node, Parameter)
    parameters = list(node.walk())
    assert len(parameters) == 7
    for parameter in parameters:
        for entry in parameter.spec.values:
            assert entry.reference.document and entry.reference.title
