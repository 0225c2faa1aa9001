"""The demo catalogue, its legal figures and the placeholder signature."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from cbec.demo import PLACEHOLDER_SIGNATURE, demo_parameters, load_catalogue
from cbec.messages.ceb.code_tables import load_code_tables

FIXTURE = Path(__file__).parents[1] / "messages" / "ceb" / "fixtures" / "CEB621Message.xml"


def test_the_catalogue_covers_what_cross_border_shoppers_buy() -> None:
    categories = {p.category for p in load_catalogue() if p.positive_list}
    assert {
        "infant_formula",
        "skin_care",
        "cosmetics",
        "health_food",
        "wine",
        "clothing",
        "shoes",
        "bags",
        "toys",
        "electronics",
        "watches",
        "kitchenware",
    } <= categories


def test_every_line_has_real_codes_and_a_sane_range() -> None:
    tables = load_code_tables()
    for p in load_catalogue():
        assert len(p.hs_code) == 10 and p.hs_code.isdigit(), p.sku
        assert {p.unit, p.unit1} | ({p.unit2} if p.unit2 else set()) <= tables.unit, p.sku
        assert p.country in tables.country, p.sku
        assert Decimal(0) < p.price_min <= p.price_max and p.qty1 > 0 and p.net_kg > 0, p.sku
        assert p.vat in (Decimal(13), Decimal(9)) and p.code_source, p.sku


def test_exactly_the_tobacco_line_is_off_the_positive_list() -> None:
    off = [p for p in load_catalogue() if not p.positive_list]
    assert [(p.category, p.hs_code, p.weight) for p in off] == [("tobacco", "2402200000", 0)]


def test_legal_figures_apply_by_date() -> None:
    now = demo_parameters(date(2026, 3, 1))
    assert (now.single_transaction_limit, now.annual_limit_per_person) == (Decimal(5000), Decimal(26000))
    assert now.retail_import_tax_share == Decimal("0.7")
    before = demo_parameters(date(2018, 6, 1))
    assert (before.single_transaction_limit, before.annual_limit_per_person) == (
        Decimal(2000),
        Decimal(20000),
    )


def test_the_placeholder_signature_is_the_official_samples_verbatim() -> None:
    assert PLACEHOLDER_SIGNATURE.startswith("<ds:Signature ") and PLACEHOLDER_SIGNATURE.endswith(
        "</ds:Signature>"
    )
    assert PLACEHOLDER_SIGNATURE in FIXTURE.read_text(encoding="utf-8")
