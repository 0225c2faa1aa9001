"""What the retail-import tax is computed on: an import inventory (进口申报清单) as plain data.

:class:`TaxableInventory` carries the fields of a CEB621 inventory that the tax
depends on, as Decimals exactly as declared. The law in force is the law on the
day the inventory was accepted, in Beijing time (:attr:`TaxableInventory.accepted_on`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

__all__ = ["BEIJING", "InventoryLine", "TaxableInventory", "TradeMode"]

BEIJING = ZoneInfo("Asia/Shanghai")
"""The time zone the law's dates are read in."""


class TradeMode(StrEnum):
    """监管方式 for retail imports (regulation.md §7.6)."""

    DIRECT = "9610"
    """电子商务 (直购进口): bought abroad, shipped direct."""
    BONDED = "1210"
    """保税电商 (网购保税进口): shipped from a bonded warehouse."""


@dataclass(frozen=True, slots=True)
class InventoryLine:
    """One line of an import inventory (``InventoryList``).

    Attributes:
        gnum: line number (商品项号), from 1.
        gcode: declared commodity code (商品编码), 10 digits.
        gname: goods name (商品名称).
        gmodel: specification (规格型号), e.g. ``"50ml"``.
        qty: declared quantity (成交数量) in ``unit``.
        unit: declared unit code (成交计量单位).
        qty1: first legal quantity (法定数量).
        unit1: first legal unit code (法定计量单位).
        qty2: second legal quantity, None when absent.
        unit2: second legal unit code, None when absent.
        price: unit price (单价).
        total_price: line total (总价), the line's goods value.
    """

    gnum: int
    gcode: str
    gname: str
    gmodel: str
    qty: Decimal
    unit: str
    qty1: Decimal
    unit1: str
    qty2: Decimal | None
    unit2: str | None
    price: Decimal
    total_price: Decimal

    def __post_init__(self) -> None:
        """A declared quantity is positive; legal quantities and prices are not negative."""
        if self.qty <= 0 or self.qty1 < 0 or (self.qty2 is not None and self.qty2 < 0):
            raise ValueError(f"line {self.gnum}: quantities must be positive")
        if self.price < 0 or self.total_price < 0:
            raise ValueError(f"line {self.gnum}: prices must not be negative")


@dataclass(frozen=True, slots=True)
class TaxableInventory:
    """An import inventory as the tax sees it (all amounts in CNY, currency 142).

    Attributes:
        order_no: platform order number (订单编号).
        trade_mode: 9610 or 1210.
        accepted_at: when customs accepted the inventory; must carry a time zone.
        freight: freight (运杂费).
        insured_fee: insurance (保价费).
        lines: the lines, in declaration order.
    """

    order_no: str
    trade_mode: TradeMode
    accepted_at: datetime
    freight: Decimal
    insured_fee: Decimal
    lines: tuple[InventoryLine, ...]

    def __post_init__(self) -> None:
        """The acceptance time carries a time zone; there is at least one line; gnum is unique; fees ≥ 0."""
        object.__setattr__(self, "trade_mode", TradeMode(self.trade_mode))
        object.__setattr__(self, "lines", tuple(self.lines))
        if self.accepted_at.tzinfo is None or self.accepted_at.utcoffset() is None:
            raise ValueError("accepted_at must be timezone-aware")
        if not self.lines:
            raise ValueError("an inventory has at least one line")
        if len({line.gnum for line in self.lines}) != len(self.lines):
            raise ValueError("line numbers (gnum) must be unique")
        if self.freight < 0 or self.insured_fee < 0:
            raise ValueError("freight and insurance must not be negative")

    @property
    def accepted_on(self) -> date:
        """The Beijing date of acceptance: the day whose law applies."""
        return self.accepted_at.astimezone(BEIJING).date()

    @property
    def goods_value(self) -> Decimal:
        """Σ line totals (商品价格)."""
        return sum((line.total_price for line in self.lines), Decimal(0))
