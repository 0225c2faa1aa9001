"""Consumption tax at import (进口环节消费税): one rule per taxable item.

Each tariff line names its consumption-tax rule (the ``consumption_tax_rule``
column); the rule id is also the parameter folder under
``parameters/tax/consumption_tax``. Every rule returns the **statutory** tax of
one line, unrounded; the calculator applies the 70% share and rounds.

Ad-valorem tax is charged on the composed taxable price (组成计税价格)::

    base = (dutiable value + duty) / (1 − rate)        tax = base × rate

The compound tax on spirits adds a per-litre amount inside and outside the base.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from cbec.rules import ParametersAt, rule
from cbec.tax.inventory import InventoryLine
from cbec.tax.units import litres, net_content

__all__ = [
    "CONSUMPTION_TAX_RULES",
    "ConsumptionTaxRule",
    "PriceTest",
    "VolumeUnknownError",
    "ad_valorem_tax",
    "beer_tax",
    "high_end_cosmetics_tax",
    "high_end_watch_tax",
    "other_alcoholic_drinks_tax",
    "precious_jewellery_other_tax",
    "precious_metal_jewellery_tax",
    "spirits_tax",
]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_SHOWN_PRICE = Decimal("0.0001")  # display precision of unit prices in explanations


class VolumeUnknownError(ValueError):
    """A per-litre tax applies but the line declares no volume (unit1/unit2 in litres or ml in gmodel)."""


@dataclass(frozen=True, slots=True)
class PriceTest:
    """The outcome of a price test (e.g. 高档化妆品: ≥ 10 yuan per ml or g).

    Attributes:
        price: the unit price tested.
        per: what the price is per (``"ml"``, ``"g"``, ``"piece"``, ``"L"``).
        threshold: the line in the parameters.
        passed: whether price ≥ threshold.
        basis: where the quantity came from.
    """

    price: Decimal
    per: str
    threshold: Decimal
    passed: bool
    basis: str

    def summary(self) -> str:
        """One line for the explanation."""
        sign = "≥" if self.passed else "<"
        price = self.price.quantize(_SHOWN_PRICE)
        return f"{price} CNY/{self.per} {sign} {self.threshold} ({self.basis})"


ConsumptionTaxRule = Callable[[ParametersAt, InventoryLine, Decimal, Decimal], Decimal]
"""A rule: (parameters, line, dutiable value of the line, customs duty of the line) → statutory tax."""


@rule(
    code="tax.consumption_tax.ad_valorem",
    label="从价计征消费税（组成计税价格）",
    label_en="ad-valorem consumption tax on the composed taxable price",
    reference=(
        "中华人民共和国消费税暂行条例 第九条 组成计税价格 =（关税完税价格+关税）÷（1−消费税比例税率） [U]"
    ),
)
def ad_valorem_tax(p: ParametersAt, value: Decimal, duty: Decimal, rate: Decimal) -> Decimal:
    """Ad-valorem consumption tax: (value + duty) / (1 − rate) × rate.

    Args:
        p: the parameters in force (for the trace).
        value: the line's dutiable value.
        duty: the line's customs duty.
        rate: the consumption-tax rate.

    Returns:
        The statutory tax, unrounded.
    """
    return (value + duty) / (_ONE - rate) * rate


@rule(
    code="tax.consumption_tax.high_end_cosmetics.price_test",
    label="高档化妆品价格标准判定",
    label_en="is the cosmetic high-end (price per ml/g or per piece)",
    reference="财税〔2016〕103号 二",
)
def is_high_end_cosmetic(p: ParametersAt, line: InventoryLine, value: Decimal) -> PriceTest:
    """The import price (excluding VAT) is at least 10 yuan per ml (g) or 15 yuan per piece (sheet).

    The net content comes from ``qty1``/``unit1`` when it is a weight or volume, else from the
    spec text; goods with no declared content are tested per piece (declared quantity).
    """
    folder = p.tax.consumption_tax.high_end_cosmetics
    content = net_content(line.qty1, line.unit1, line.gmodel, line.qty)
    if content is not None and content.amount > 0:
        threshold: Decimal = folder.price_threshold_per_ml_or_g
        price = value / content.amount
        return PriceTest(price, content.dimension, threshold, price >= threshold, content.basis)
    threshold = folder.price_threshold_per_piece
    price = value / line.qty
    return PriceTest(price, "piece", threshold, price >= threshold, f"qty {line.qty} ({line.unit})")


@rule(
    code="tax.consumption_tax.high_end_cosmetics",
    label="高档化妆品消费税",
    label_en="consumption tax on high-end cosmetics",
    reference="财税〔2016〕103号 一、二",
)
def high_end_cosmetics_tax(p: ParametersAt, line: InventoryLine, value: Decimal, duty: Decimal) -> Decimal:
    """High-end cosmetics bear 15% on the composed price; cosmetics below the price line bear none."""
    if not is_high_end_cosmetic(p, line, value).passed:
        return _ZERO
    rate: Decimal = p.tax.consumption_tax.high_end_cosmetics.rate
    return ad_valorem_tax(p, value, duty, rate)


@rule(
    code="tax.consumption_tax.high_end_watches.price_test",
    label="高档手表价格标准判定",
    label_en="is the watch high-end (price per watch, excluding VAT)",
    reference="财税〔2006〕33号 [S]",
)
def is_high_end_watch(p: ParametersAt, line: InventoryLine, value: Decimal) -> PriceTest:
    """A watch is high-end when its price per piece (excluding VAT) is at least 10,000 yuan."""
    threshold: Decimal = p.tax.consumption_tax.high_end_watches.price_threshold_per_piece
    price = value / line.qty
    return PriceTest(price, "piece", threshold, price >= threshold, f"qty {line.qty} ({line.unit})")


@rule(
    code="tax.consumption_tax.high_end_watches",
    label="高档手表消费税",
    label_en="consumption tax on high-end watches",
    reference="财税〔2006〕33号 [S]",
)
def high_end_watch_tax(p: ParametersAt, line: InventoryLine, value: Decimal, duty: Decimal) -> Decimal:
    """High-end watches bear 20% on the composed price; cheaper watches bear none."""
    if not is_high_end_watch(p, line, value).passed:
        return _ZERO
    rate: Decimal = p.tax.consumption_tax.high_end_watches.rate
    return ad_valorem_tax(p, value, duty, rate)


@rule(
    code="tax.consumption_tax.other_alcoholic_drinks",
    label="其他酒消费税",
    label_en="consumption tax on other alcoholic drinks (wine …)",
    reference="消费税税目税率表 其他酒 [S]",
)
def other_alcoholic_drinks_tax(
    p: ParametersAt, line: InventoryLine, value: Decimal, duty: Decimal
) -> Decimal:
    """Wine and other alcoholic drinks bear 10% on the composed price."""
    rate: Decimal = p.tax.consumption_tax.other_alcoholic_drinks.rate
    return ad_valorem_tax(p, value, duty, rate)


@rule(
    code="tax.consumption_tax.precious_jewellery_other",
    label="其他贵重首饰及珠宝玉石消费税",
    label_en="consumption tax on other precious jewellery and jade",
    reference="消费税税目税率表 贵重首饰及珠宝玉石 [S]",
)
def precious_jewellery_other_tax(
    p: ParametersAt, line: InventoryLine, value: Decimal, duty: Decimal
) -> Decimal:
    """Other precious jewellery and jade bear 10% at import, on the composed price."""
    rate: Decimal = p.tax.consumption_tax.precious_jewellery_other.rate
    return ad_valorem_tax(p, value, duty, rate)


@rule(
    code="tax.consumption_tax.precious_metal_jewellery",
    label="金银铂首饰及钻石饰品消费税（零售环节征收）",
    label_en="gold, silver, platinum jewellery and diamonds (taxed at retail, not at import)",
    reference="消费税税目税率表 金银首饰、铂金首饰和钻石及钻石饰品 [S]",
)
def precious_metal_jewellery_tax(
    p: ParametersAt, line: InventoryLine, value: Decimal, duty: Decimal
) -> Decimal:
    """The 5% on these goods is collected at retail; the import-stage rate applies at import."""
    rate: Decimal = p.tax.consumption_tax.precious_metal_jewellery.import_stage_rate
    return ad_valorem_tax(p, value, duty, rate)


def _line_litres(line: InventoryLine) -> Decimal:
    volume = litres(line.qty1, line.unit1, line.qty2, line.unit2, line.gmodel, line.qty)
    if volume is None or volume <= 0:
        raise VolumeUnknownError(f"line {line.gnum}: no volume declared (unit1/unit2 in L or ml in gmodel)")
    return volume


@rule(
    code="tax.consumption_tax.spirits",
    label="白酒消费税（复合计税）",
    label_en="consumption tax on spirits (compound)",
    reference="消费税税目税率表 白酒 20%加0.5元/500克（或500毫升） [S]",
)
def spirits_tax(p: ParametersAt, line: InventoryLine, value: Decimal, duty: Decimal) -> Decimal:
    """Spirits: (value + duty + litres × amount) / (1 − rate) × rate + litres × amount.

    Raises:
        VolumeUnknownError: the line declares no volume.
    """
    folder = p.tax.consumption_tax.spirits
    rate: Decimal = folder.rate
    per_litre: Decimal = folder.specific_amount_per_litre
    specific = _line_litres(line) * per_litre
    return (value + duty + specific) / (_ONE - rate) * rate + specific


@rule(
    code="tax.consumption_tax.beer.price_test",
    label="甲类啤酒价格标准判定",
    label_en="is the beer class A (price per litre)",
    reference="消费税税目税率表 啤酒 [S]; the per-litre line is [U]",
)
def is_class_a_beer(p: ParametersAt, line: InventoryLine, value: Decimal, duty: Decimal) -> PriceTest:
    """Beer priced at or above the class-A line per litre (dutiable value plus duty) is class A."""
    volume = _line_litres(line)
    threshold: Decimal = p.tax.consumption_tax.beer.class_a_price_line_per_litre
    price = (value + duty) / volume
    return PriceTest(price, "L", threshold, price >= threshold, f"{volume} L")


@rule(
    code="tax.consumption_tax.beer",
    label="啤酒消费税（从量计税）",
    label_en="consumption tax on beer (per litre)",
    reference="消费税税目税率表 啤酒 甲类250元/吨、乙类220元/吨 [S]",
)
def beer_tax(p: ParametersAt, line: InventoryLine, value: Decimal, duty: Decimal) -> Decimal:
    """Beer: litres × the class-A or class-B amount per litre.

    Raises:
        VolumeUnknownError: the line declares no volume.
    """
    folder = p.tax.consumption_tax.beer
    class_a = is_class_a_beer(p, line, value, duty).passed
    amount: Decimal = folder.class_a_amount_per_litre if class_a else folder.class_b_amount_per_litre
    volume: Decimal = _line_litres(line)
    return volume * amount


CONSUMPTION_TAX_RULES: Mapping[str, ConsumptionTaxRule] = MappingProxyType(
    {
        "high_end_cosmetics": high_end_cosmetics_tax,
        "high_end_watches": high_end_watch_tax,
        "other_alcoholic_drinks": other_alcoholic_drinks_tax,
        "spirits": spirits_tax,
        "beer": beer_tax,
        "precious_jewellery_other": precious_jewellery_other_tax,
        "precious_metal_jewellery": precious_metal_jewellery_tax,
    }
)
"""The rule for each ``consumption_tax_rule`` id of the tariff table."""
