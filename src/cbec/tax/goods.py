"""Goods checks for retail imports: positive list, bonded-only goods, per-person annual caps.

What the law requires (财关税〔2016〕18号 二; the list's remarks; regulation.md §2, §8.1):

* only goods on the 《跨境电子商务零售进口商品清单》 (the positive list) may come in as retail
  imports;
* goods the list restricts to 网购保税 may not be declared as 直购进口 (9610);
* some goods have a per-person annual quantity cap (e.g. sugar ≤ 2 kg a year).

:func:`check_goods` returns **every** finding, as ``(code, zh, en, gnum)`` tuples with stable
codes. It is pure: the quantities the buyer already bought this year are passed in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import NamedTuple

from cbec.tax.inventory import InventoryLine, TaxableInventory, TradeMode
from cbec.tax.tariff import TariffLine, TariffTable
from cbec.tax.units import convert

__all__ = ["GOODS_FINDING_TITLES", "GoodsFinding", "GoodsFindingCode", "check_goods", "line_quantity"]

GOODS_FINDING_TITLES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "GOODS_NOT_ON_POSITIVE_LIST": (
            "商品不在跨境电子商务零售进口商品清单内",
            "the goods are not on the CBEC retail import positive list",
        ),
        "GOODS_BONDED_IMPORT_ONLY": (
            "清单备注限网购保税进口（1210），不得以直购进口（9610）申报",
            "the list restricts the goods to bonded imports (1210); declared as direct purchase (9610)",
        ),
        "GOODS_ANNUAL_QUANTITY_CAP_EXCEEDED": (
            "超过清单规定的每人每年限购数量",
            "over the per-person annual quantity cap of the list",
        ),
        "GOODS_QUANTITY_NOT_MEASURABLE": (
            "无法按限购计量单位计量本项商品数量",
            "the line's quantity cannot be measured in the cap's unit",
        ),
        "GOODS_UNKNOWN_TARIFF_LINE": (
            "税则表中无此商品编码，无法核对清单",
            "the tariff table has no row for the code; the list cannot be checked",
        ),
    }
)
"""Chinese and English titles of every code."""


class GoodsFindingCode(StrEnum):
    """Stable codes of goods findings (values are published; never change them)."""

    NOT_ON_POSITIVE_LIST = "GOODS_NOT_ON_POSITIVE_LIST"
    BONDED_IMPORT_ONLY = "GOODS_BONDED_IMPORT_ONLY"
    ANNUAL_QUANTITY_CAP_EXCEEDED = "GOODS_ANNUAL_QUANTITY_CAP_EXCEEDED"
    QUANTITY_NOT_MEASURABLE = "GOODS_QUANTITY_NOT_MEASURABLE"
    UNKNOWN_TARIFF_LINE = "GOODS_UNKNOWN_TARIFF_LINE"

    @property
    def zh(self) -> str:
        """Chinese title."""
        return GOODS_FINDING_TITLES[self.value][0]

    @property
    def en(self) -> str:
        """English title."""
        return GOODS_FINDING_TITLES[self.value][1]


class GoodsFinding(NamedTuple):
    """One finding on one line: (code, zh, en, gnum)."""

    code: GoodsFindingCode
    zh: str
    en: str
    gnum: int

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready form."""
        return {"code": self.code.value, "zh": self.zh, "en": self.en, "gnum": self.gnum}


def _finding(code: GoodsFindingCode, gnum: int, zh: str = "", en: str = "") -> GoodsFinding:
    return GoodsFinding(code, code.zh + (f"：{zh}" if zh else ""), code.en + (f": {en}" if en else ""), gnum)


def line_quantity(line: InventoryLine, unit: str) -> Decimal | None:
    """Return a line's quantity in ``unit``, from qty1/unit1, qty2/unit2 or qty/unit (converting kg↔g, L↔ml).

    Args:
        line: the inventory line.
        unit: the wanted unit code.

    Returns:
        The quantity, or None when no declared quantity is in a compatible unit.
    """
    for quantity, declared in ((line.qty1, line.unit1), (line.qty2, line.unit2), (line.qty, line.unit)):
        if quantity is None or declared is None:
            continue
        converted = convert(quantity, declared, unit)
        if converted is not None:
            return converted
    return None


def _already_bought(row: TariffLine, bought_this_year: Mapping[str, Decimal]) -> Decimal:
    """Quantities bought this year under the row's code (keys may be 10-digit codes below an 8-digit row)."""
    return sum(
        (quantity for code, quantity in bought_this_year.items() if code.startswith(row.hs_code)),
        Decimal(0),
    )


def check_goods(
    inventory: TaxableInventory,
    *,
    tariff: TariffTable,
    bought_this_year: Mapping[str, Decimal],
) -> tuple[GoodsFinding, ...]:
    """Check every line against the positive list, its 1210-only remark and its annual caps.

    Args:
        inventory: the inventory.
        tariff: the tariff table (it carries the list flags).
        bought_this_year: quantities the buyer already bought this year, by commodity code, in
            the cap's unit of that code's tariff row.

    Returns:
        Every finding, ordered by line; empty when the goods may come in.
    """
    findings: list[GoodsFinding] = []
    capped: dict[str, list[tuple[InventoryLine, Decimal]]] = defaultdict(list)
    rows: dict[str, TariffLine] = {}
    for line in inventory.lines:
        row = tariff.find(line.gcode)
        if row is None:
            findings.append(_finding(GoodsFindingCode.UNKNOWN_TARIFF_LINE, line.gnum, line.gcode, line.gcode))
            continue
        if not row.positive_list:
            findings.append(
                _finding(GoodsFindingCode.NOT_ON_POSITIVE_LIST, line.gnum, row.hs_code, row.hs_code)
            )
        if row.only_1210 and inventory.trade_mode is TradeMode.DIRECT:
            findings.append(
                _finding(GoodsFindingCode.BONDED_IMPORT_ONLY, line.gnum, row.hs_code, row.hs_code)
            )
        if row.annual_cap is None or row.annual_cap_unit is None:
            continue
        quantity = line_quantity(line, row.annual_cap_unit)
        if quantity is None:
            findings.append(
                _finding(
                    GoodsFindingCode.QUANTITY_NOT_MEASURABLE,
                    line.gnum,
                    f"限购单位 {row.annual_cap_unit}",
                    f"cap unit {row.annual_cap_unit}",
                )
            )
            continue
        capped[row.hs_code].append((line, quantity))
        rows[row.hs_code] = row
    for code, entries in capped.items():
        row = rows[code]
        if row.annual_cap is None:  # pragma: no cover - only capped rows are collected
            continue
        total = _already_bought(row, bought_this_year) + sum((q for _, q in entries), Decimal(0))
        if total > row.annual_cap:
            detail = f"{total} > {row.annual_cap} ({row.annual_cap_unit})"
            findings.extend(
                _finding(GoodsFindingCode.ANNUAL_QUANTITY_CAP_EXCEEDED, line.gnum, detail, detail)
                for line, _ in entries
            )
    return tuple(sorted(findings, key=lambda finding: finding.gnum))
