"""The demo product catalogue (``catalogue.csv``) and the legal figures demo orders are shaped by.

``catalogue.csv`` lists what cross-border shoppers buy (infant formula, skin care and cosmetics,
health food, wine, clothing, shoes, bags, toys, electronics, watches, kitchenware) with real
10-digit HS codes (most from ``reference/tariff.md``; the file says where each code and unit was
seen), transaction and legal units, price ranges and net weights, plus one deliberately off-list
line (tobacco) used by the ``off_list_goods`` fault.

:func:`demo_parameters` reads the legal figures in force on a day (single and annual limits, the
70% rule, consumption-tax rates and the 高档化妆品 threshold) from the platform's one dated tax
parameter tree (``cbec.tax``), so the demo follows the same law as the tax engine.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources

__all__ = ["CONSUMPTION_TAX_KINDS", "DemoParameters", "Product", "demo_parameters", "load_catalogue"]

CONSUMPTION_TAX_KINDS = frozenset({"cosmetics", "wine"})
"""Consumption-tax kinds a catalogue line may carry (empty: none)."""

_HS_CODE = re.compile(r"[0-9]{10}")
_UNIT_CODE = re.compile(r"[0-9]{3}")
_COUNTRY_CODE = re.compile(r"[0-9]{3}")
_XML_SPECIAL = re.compile(r"[&<>\"']")


@dataclass(frozen=True)
class Product:
    """One catalogue line (see the header of ``catalogue.csv`` for each column)."""

    sku: str
    category: str
    hs_code: str
    gname: str
    item_name: str
    gmodel: str
    unit: str
    unit1: str
    qty1: Decimal
    unit2: str | None
    qty2: Decimal | None
    price_min: Decimal
    price_max: Decimal
    net_kg: Decimal
    vat: Decimal
    consumption_tax: str | None
    content: Decimal | None
    country: str
    weight: int
    positive_list: bool
    code_source: str


def _decimal(row: dict[str, str], name: str) -> Decimal:
    return Decimal(row[name])


def _product(row: dict[str, str], line: int) -> Product:
    where = f"catalogue.csv line {line}"
    for name, value in row.items():
        if value is not None and _XML_SPECIAL.search(value):
            raise ValueError(f"{where}: {name} contains an XML special character")
    if not _HS_CODE.fullmatch(row["hs_code"]):
        raise ValueError(f"{where}: hs_code must be 10 digits")
    for name in ("unit", "unit1"):
        if not _UNIT_CODE.fullmatch(row[name]):
            raise ValueError(f"{where}: {name} must be a 3-digit unit code")
    if (row["unit2"] == "") != (row["qty2"] == ""):
        raise ValueError(f"{where}: unit2 and qty2 go together")
    if row["unit2"] and not _UNIT_CODE.fullmatch(row["unit2"]):
        raise ValueError(f"{where}: unit2 must be a 3-digit unit code")
    if not _COUNTRY_CODE.fullmatch(row["country"]):
        raise ValueError(f"{where}: country must be a 3-digit code")
    if row["positive_list"] not in ("yes", "no"):
        raise ValueError(f"{where}: positive_list is yes or no")
    tax = row["consumption_tax"] or None
    if tax is not None and tax not in CONSUMPTION_TAX_KINDS:
        raise ValueError(f"{where}: unknown consumption_tax {tax!r}")
    if tax == "cosmetics" and not row["content"]:
        raise ValueError(f"{where}: cosmetics need their content (ml or g)")
    product = Product(
        sku=row["sku"],
        category=row["category"],
        hs_code=row["hs_code"],
        gname=row["gname"],
        item_name=row["item_name"],
        gmodel=row["gmodel"],
        unit=row["unit"],
        unit1=row["unit1"],
        qty1=_decimal(row, "qty1"),
        unit2=row["unit2"] or None,
        qty2=_decimal(row, "qty2") if row["qty2"] else None,
        price_min=_decimal(row, "price_min"),
        price_max=_decimal(row, "price_max"),
        net_kg=_decimal(row, "net_kg"),
        vat=_decimal(row, "vat"),
        consumption_tax=tax,
        content=_decimal(row, "content") if row["content"] else None,
        country=row["country"],
        weight=int(row["weight"]),
        positive_list=row["positive_list"] == "yes",
        code_source=row["code_source"],
    )
    if not Decimal(0) < product.price_min <= product.price_max:
        raise ValueError(f"{where}: price range")
    return product


@cache
def load_catalogue() -> tuple[Product, ...]:
    """The demo catalogue, in file order.

    Raises:
        ValueError: a line that does not follow the column rules in the file header.
    """
    text = resources.files(__package__ or "cbec.demo").joinpath("catalogue.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    products = tuple(_product(row, i) for i, row in enumerate(reader, start=2))
    if len({p.sku for p in products}) != len(products):
        raise ValueError("catalogue.csv: duplicate sku")
    return products


@dataclass(frozen=True)
class DemoParameters:
    """Legal figures in force on one day (from the ``cbec.tax`` parameter tree).

    Attributes:
        single_transaction_limit: 单次交易限值 (CNY).
        annual_limit_per_person: 个人年度交易限值 (CNY).
        retail_import_tax_share: share of the statutory VAT and consumption tax collected within the limits.
        cosmetics_consumption_tax_rate: 高档化妆品 rate.
        cosmetics_threshold_per_ml: 高档化妆品 threshold, CNY per ml (g).
        wine_consumption_tax_rate: rate for wine and other alcoholic drinks.
    """

    single_transaction_limit: Decimal
    annual_limit_per_person: Decimal
    retail_import_tax_share: Decimal
    cosmetics_consumption_tax_rate: Decimal
    cosmetics_threshold_per_ml: Decimal
    wine_consumption_tax_rate: Decimal


@cache
def demo_parameters(day: date) -> DemoParameters:
    """The legal figures in force on ``day``, read from the platform's one tax parameter tree.

    The demo shapes realistic orders by the same law the tax engine applies (``cbec.tax``
    parameters: limits, the 70% rule, consumption-tax rates and thresholds), never a copy of it.

    Raises:
        ParameterNotInForceError: a parameter has no value in force on that day.
    """
    from cbec.tax import load_parameters

    p = load_parameters().at(day)
    return DemoParameters(
        single_transaction_limit=p.decimal("tax.retail_import.single_transaction_limit"),
        annual_limit_per_person=p.decimal("tax.retail_import.annual_limit_per_person"),
        retail_import_tax_share=p.decimal("tax.retail_import.vat_and_consumption_tax_share"),
        cosmetics_consumption_tax_rate=p.decimal("tax.consumption_tax.high_end_cosmetics.rate"),
        cosmetics_threshold_per_ml=p.decimal(
            "tax.consumption_tax.high_end_cosmetics.price_threshold_per_ml_or_g"
        ),
        wine_consumption_tax_rate=p.decimal("tax.consumption_tax.other_alcoholic_drinks.rate"),
    )
