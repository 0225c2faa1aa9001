"""Properties of the calculator over generated inventories: head = Σ lines exactly, two decimals
everywhere, limits respected, tax never decreasing as the price rises."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from cbec.tax import Decision, TaxableInventory, TaxAssessment, assess, load_parameters, load_tariff
from cbec.tax.inventory import InventoryLine

from .support import inventory, line

PARAMS = load_parameters()
TARIFF = load_tariff()
FEN = Decimal("0.01")
WHEN = [
    "2016-06-01T12:00:00+08:00",
    "2016-11-01T12:00:00+08:00",
    "2017-08-01T12:00:00+08:00",
    "2018-06-01T12:00:00+08:00",
    "2019-02-01T12:00:00+08:00",
    "2024-06-18T12:00:00+08:00",
]
# (code, unit1, net content per piece in unit1, gmodel): ordinary goods, a book, skin care sold by
# weight, wine by volume, a watch, beer, whisky, facial masks by the piece.
GOODS = [
    ("8518220000", "001", "1", ""),
    ("4901990000", "007", "1", ""),
    ("3304990099", "035", "0.05", "50g"),
    ("2204210000", "095", "0.75", "750ml"),
    ("9102110000", "008", "1", ""),
    ("2203000000", "095", "0.33", "330ml"),
    ("2208300000", "142", "1", "700ml"),
    ("3304990099", "011", "1", "面膜"),
]
money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(4000), places=2)
fees = st.decimals(min_value=Decimal(0), max_value=Decimal(80), places=2)
quantities = st.integers(min_value=1, max_value=3)


@st.composite
def lines(draw: st.DrawFn, gnum: int) -> InventoryLine:
    code, unit1, content, gmodel = draw(st.sampled_from(GOODS))
    qty = draw(quantities)
    return line(
        code,
        draw(money),
        gnum=gnum,
        qty=Decimal(qty),
        qty1=Decimal(content) * qty,
        unit1=unit1,
        gmodel=gmodel,
    )


@st.composite
def inventories(draw: st.DrawFn) -> TaxableInventory:
    count = draw(st.integers(min_value=1, max_value=4))
    return inventory(
        *[draw(lines(gnum)) for gnum in range(1, count + 1)],
        when=draw(st.sampled_from(WHEN)),
        freight=draw(fees),
        insured_fee=draw(fees),
    )


annual_used = st.decimals(min_value=Decimal(0), max_value=Decimal(26000), places=2)


def run(inv: TaxableInventory, used: Decimal = Decimal(0)) -> TaxAssessment:
    return assess(inv, params=PARAMS, tariff=TARIFF, annual_used=used)


def amounts(result: TaxAssessment) -> list[Decimal]:
    head = [
        result.taxable_price,
        result.counted_toward_annual_limit,
        result.customs_duty,
        result.vat,
        result.consumption_tax,
        result.total,
    ]
    for item in result.lines:
        head += [item.taxable_price, item.customs_duty, item.vat, item.consumption_tax, item.total]
    return head


@settings(max_examples=150, deadline=None)
@given(inventories(), annual_used)
def test_head_is_the_exact_sum_of_the_lines(inv: TaxableInventory, used: Decimal) -> None:
    result = run(inv, used)
    assert result.customs_duty == sum((item.customs_duty for item in result.lines), Decimal(0))
    assert result.vat == sum((item.vat for item in result.lines), Decimal(0))
    assert result.consumption_tax == sum((item.consumption_tax for item in result.lines), Decimal(0))
    assert result.total == sum((item.total for item in result.lines), Decimal(0))
    if result.lines:
        assert result.taxable_price == inv.goods_value + inv.freight + inv.insured_fee
        assert result.taxable_price == sum((item.taxable_price for item in result.lines), Decimal(0))


@settings(max_examples=150, deadline=None)
@given(inventories(), annual_used)
def test_every_amount_has_two_decimals(inv: TaxableInventory, used: Decimal) -> None:
    for amount in amounts(run(inv, used)):
        assert amount.as_tuple().exponent == FEN.as_tuple().exponent
        assert amount >= 0


@settings(max_examples=200, deadline=None)
@given(inventories(), annual_used)
def test_limits_are_respected(inv: TaxableInventory, used: Decimal) -> None:
    result = run(inv, used)
    view = PARAMS.at(inv.accepted_on)
    single: Decimal = view.tax.retail_import.single_transaction_limit
    annual: Decimal = view.tax.retail_import.annual_limit_per_person
    price = inv.goods_value + inv.freight + inv.insured_fee
    one_item = len(inv.lines) == 1 and inv.lines[0].qty == 1
    if result.decision is Decision.WITHIN_LIMITS:
        assert price <= single
        assert price + used <= annual
    if result.decision is Decision.SINGLE_ITEM_OVER_LIMIT:
        assert one_item and price > single and price + used <= annual
    if price > single and not one_item:
        assert result.decision in (Decision.REFUSED, Decision.NOT_ASSESSABLE)
    if price + used > annual:
        assert result.decision in (Decision.REFUSED, Decision.NOT_ASSESSABLE)
    if result.decision is Decision.REFUSED:
        assert result.total == 0
        assert result.counted_toward_annual_limit == 0


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(GOODS),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal(19900), places=2),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal(19900), places=2),
    fees,
    st.sampled_from(WHEN),
)
def test_tax_never_decreases_as_the_price_rises(
    goods: tuple[str, str, str, str], first: Decimal, second: Decimal, freight: Decimal, when: str
) -> None:
    """A single item priced up to the smallest annual limit (¥20,000 with freight): never refused."""
    code, unit1, content, gmodel = goods
    low, high = sorted((first, second))

    def total(price: Decimal) -> Decimal:
        item = line(code, price, qty="1", qty1=content, unit1=unit1, gmodel=gmodel)
        result = run(inventory(item, freight=freight, when=when))
        assert result.decision in (Decision.WITHIN_LIMITS, Decision.SINGLE_ITEM_OVER_LIMIT)
        return result.total

    assert total(low) <= total(high)
