"""Quantities in the customs units: net content in ml or g, volume in litres.

Customs unit codes (JGS-20 计量单位代码, regulation.md §7.5): 035 千克, 036 克,
070 吨, 095 升, 096 毫升. These are unit definitions, not legislated numbers.

The net content of an inventory line comes from the first legal quantity
(``qty1``/``unit1``) when that unit is a weight or a volume; otherwise it is
parsed from the specification text (``gmodel``, 规格型号), e.g. ``"50ml"``,
``"20g"``, ``"30ml*2"``, and multiplied by the declared quantity (``qty``).

>>> net_content(Decimal("0.02"), "035", "", Decimal("1"))
NetContent(amount=Decimal('20.00'), dimension='g', basis='qty1 0.02 (035)')
>>> net_content(Decimal("1"), "007", "精华液 50ml×2", Decimal("3"))
NetContent(amount=Decimal('300'), dimension='ml', basis="gmodel '精华液 50ml×2' × qty 3")
>>> net_content(Decimal("1"), "007", "面膜", Decimal("5")) is None
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

__all__ = [
    "GRAMS_PER_UNIT",
    "MILLILITRES_PER_UNIT",
    "NetContent",
    "convert",
    "litres",
    "net_content",
    "spec_content",
]

GRAMS_PER_UNIT: Mapping[str, Decimal] = MappingProxyType(
    {"035": Decimal(1000), "036": Decimal(1), "070": Decimal(1_000_000)}
)
"""Weight unit codes and their size in grams (千克, 克, 吨)."""

MILLILITRES_PER_UNIT: Mapping[str, Decimal] = MappingProxyType({"095": Decimal(1000), "096": Decimal(1)})
"""Volume unit codes and their size in millilitres (升, 毫升)."""

_MILLILITRES_PER_LITRE = MILLILITRES_PER_UNIT["095"]
_SPEC_UNITS: Mapping[str, tuple[str, Decimal]] = MappingProxyType(
    {
        "ml": ("ml", Decimal(1)),
        "毫升": ("ml", Decimal(1)),
        "l": ("ml", Decimal(1000)),
        "升": ("ml", Decimal(1000)),
        "g": ("g", Decimal(1)),
        "克": ("g", Decimal(1)),
        "kg": ("g", Decimal(1000)),
        "千克": ("g", Decimal(1000)),
        "公斤": ("g", Decimal(1000)),
    }
)
_SPEC = re.compile(
    r"(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>毫升|千克|公斤|升|克|kg|ml|g|l)(?![a-wyz])"
    r"(?:\s*[x×*]\s*(?P<count>\d+))?",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class NetContent:
    """The net content of a whole inventory line.

    Attributes:
        amount: total content of the line.
        dimension: ``"ml"`` or ``"g"`` (the law's price test treats them alike: per ml (g)).
        basis: where the figure came from, for the explanation.
    """

    amount: Decimal
    dimension: str
    basis: str


def convert(quantity: Decimal, unit: str, target: str) -> Decimal | None:
    """Convert a quantity between weight units or between volume units.

    Args:
        quantity: the quantity.
        unit: its unit code.
        target: the wanted unit code.

    Returns:
        The converted quantity, or None when the units are not both weights or both volumes
        (the same code always converts).

    Examples:
        >>> convert(Decimal("1.5"), "035", "036")
        Decimal('1500.0')
    """
    if unit == target:
        return quantity
    for table in (GRAMS_PER_UNIT, MILLILITRES_PER_UNIT):
        if unit in table and target in table:
            return quantity * table[unit] / table[target]
    return None


def spec_content(gmodel: str) -> tuple[Decimal, str] | None:
    """Parse a per-piece content such as ``50ml``, ``20g``, ``1.5L`` or ``30ml×2`` from a spec text.

    Args:
        gmodel: the specification text (规格型号).

    Returns:
        (content per piece, ``"ml"`` or ``"g"``), or None when no content is written.

    Examples:
        >>> spec_content("雅诗兰黛小棕瓶 50ml")
        (Decimal('50'), 'ml')
        >>> spec_content("700毫升/瓶")
        (Decimal('700'), 'ml')
        >>> spec_content("44mm") is None
        True
    """
    found = _SPEC.search(gmodel)
    if found is None:
        return None
    dimension, factor = _SPEC_UNITS[found["unit"].lower()]
    amount = Decimal(found["number"]) * factor
    if found["count"]:
        amount *= Decimal(found["count"])
    return amount, dimension


def net_content(qty1: Decimal, unit1: str, gmodel: str, qty: Decimal) -> NetContent | None:
    """Return a line's total net content in ml or g, from ``qty1``/``unit1`` or the spec text.

    Args:
        qty1: first legal quantity.
        unit1: first legal unit code.
        gmodel: specification text.
        qty: declared quantity (pieces) that multiplies a per-piece content from ``gmodel``.

    Returns:
        The content, or None when neither source gives a weight or a volume.
    """
    if unit1 in GRAMS_PER_UNIT:
        return NetContent(qty1 * GRAMS_PER_UNIT[unit1], "g", f"qty1 {qty1} ({unit1})")
    if unit1 in MILLILITRES_PER_UNIT:
        return NetContent(qty1 * MILLILITRES_PER_UNIT[unit1], "ml", f"qty1 {qty1} ({unit1})")
    parsed = spec_content(gmodel)
    if parsed is None:
        return None
    per_piece, dimension = parsed
    return NetContent(per_piece * qty, dimension, f"gmodel {gmodel!r} × qty {qty}")


def litres(
    qty1: Decimal, unit1: str, qty2: Decimal | None, unit2: str | None, gmodel: str, qty: Decimal
) -> Decimal | None:
    """Return a line's total volume in litres (for per-litre consumption taxes).

    Looks at ``qty1``/``unit1``, then ``qty2``/``unit2``, then a volume in the spec text
    times ``qty``.

    Returns:
        Litres, or None when no volume is declared.

    Examples:
        >>> litres(Decimal("1"), "011", None, None, "威士忌 700ml", Decimal("2"))
        Decimal('1.4')
    """
    for quantity, unit in ((qty1, unit1), (qty2, unit2)):
        if quantity is not None and unit is not None and unit in MILLILITRES_PER_UNIT:
            return quantity * MILLILITRES_PER_UNIT[unit] / _MILLILITRES_PER_LITRE
    parsed = spec_content(gmodel)
    if parsed is None or parsed[1] != "ml":
        return None
    return parsed[0] * qty / _MILLILITRES_PER_LITRE
