"""The tax parameter files hold the law's numbers with the dates the brief and regulation.md give."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cbec.rules import Parameter
from cbec.tax import annual_period, load_parameters

PARAMS = load_parameters()


@pytest.mark.parametrize(
    ("path", "day", "value"),
    [
        ("tax.retail_import.single_transaction_limit", date(2016, 4, 8), Decimal(2000)),
        ("tax.retail_import.single_transaction_limit", date(2019, 1, 1), Decimal(5000)),
        ("tax.retail_import.annual_limit_per_person", date(2018, 12, 31), Decimal(20000)),
        ("tax.retail_import.annual_limit_per_person", date(2019, 1, 1), Decimal(26000)),
        ("tax.retail_import.duty_rate_within_limits", date(2019, 1, 1), Decimal(0)),
        ("tax.retail_import.vat_and_consumption_tax_share", date(2019, 1, 1), Decimal("0.7")),
        ("tax.vat.standard_rate", date(2018, 4, 30), Decimal("0.17")),
        ("tax.vat.standard_rate", date(2018, 5, 1), Decimal("0.16")),
        ("tax.vat.standard_rate", date(2019, 4, 1), Decimal("0.13")),
        ("tax.vat.lower_rate", date(2017, 7, 1), Decimal("0.11")),
        ("tax.vat.lower_rate", date(2018, 5, 1), Decimal("0.10")),
        ("tax.vat.lower_rate", date(2019, 4, 1), Decimal("0.09")),
        ("tax.consumption_tax.high_end_cosmetics.rate", date(2016, 10, 1), Decimal("0.15")),
        (
            "tax.consumption_tax.high_end_cosmetics.price_threshold_per_ml_or_g",
            date(2016, 10, 1),
            Decimal(10),
        ),
        ("tax.consumption_tax.high_end_cosmetics.price_threshold_per_piece", date(2016, 10, 1), Decimal(15)),
        ("tax.consumption_tax.high_end_watches.price_threshold_per_piece", date(2019, 1, 1), Decimal(10000)),
        ("tax.consumption_tax.high_end_watches.rate", date(2019, 1, 1), Decimal("0.20")),
    ],
)
def test_value_on_date(path: str, day: date, value: Decimal) -> None:
    assert PARAMS.at(day).decimal(path) == value


def test_what_regulation_md_marks_unconfirmed_is_unverified_in_the_files() -> None:
    for path in (
        "tax.retail_import.annual_limit_period",
        "tax.retail_import.tax_amount_rounding",
        "tax.consumption_tax.beer.class_a_price_line_per_litre",
        "tax.consumption_tax.spirits.specific_amount_per_litre",
    ):
        parameter = PARAMS.get(path)
        assert isinstance(parameter, Parameter)
        assert not parameter.lookup(date(2020, 1, 1)).verified, path


def test_the_2019_rates_and_limits_are_verified() -> None:
    view = PARAMS.at(date(2020, 1, 1))
    for path in ("tax.retail_import.single_transaction_limit", "tax.vat.standard_rate", "tax.vat.lower_rate"):
        assert view.lookup(path).verified, path


def test_the_annual_period_is_the_calendar_year() -> None:
    assert annual_period(PARAMS, date(2024, 2, 29)) == (date(2024, 1, 1), date(2024, 12, 31))
