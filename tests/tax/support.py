"""Build inventories for the tax tests from plain dicts (as written in the YAML cases)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from cbec.tax import InventoryLine, TaxableInventory, TradeMode

BEIJING_NOON_2019 = "2019-06-01T12:00:00+08:00"


def line(
    gcode: str,
    total: str | Decimal,
    *,
    gnum: int = 1,
    qty: str | Decimal = "1",
    unit: str = "007",
    qty1: str | Decimal | None = None,
    unit1: str | None = None,
    gmodel: str = "",
) -> InventoryLine:
    quantity = Decimal(qty)
    return InventoryLine(
        gnum=gnum,
        gcode=gcode,
        gname="测试商品",
        gmodel=gmodel,
        qty=quantity,
        unit=unit,
        qty1=quantity if qty1 is None else Decimal(qty1),
        unit1=unit if unit1 is None else unit1,
        qty2=None,
        unit2=None,
        price=Decimal(total) / quantity if quantity else Decimal(total),
        total_price=Decimal(total),
    )


def inventory(
    *lines: InventoryLine,
    when: str = BEIJING_NOON_2019,
    freight: str | Decimal = "0",
    insured_fee: str | Decimal = "0",
    trade_mode: TradeMode = TradeMode.DIRECT,
    order_no: str = "ORDER-1",
) -> TaxableInventory:
    return TaxableInventory(
        order_no=order_no,
        trade_mode=trade_mode,
        accepted_at=datetime.fromisoformat(when),
        freight=Decimal(freight),
        insured_fee=Decimal(insured_fee),
        lines=tuple(lines),
    )


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def inventory_from_case(case: Mapping[str, Any]) -> TaxableInventory:
    data = case["input"]
    raw_lines: Sequence[Mapping[str, Any]] = data["lines"]
    return TaxableInventory(
        order_no=str(data.get("order_no", case["name"])),
        trade_mode=TradeMode(str(data["trade_mode"])),
        accepted_at=datetime.fromisoformat(str(case["date"])),
        freight=_decimal(data["freight"]),
        insured_fee=_decimal(data["insured_fee"]),
        lines=tuple(
            InventoryLine(
                gnum=int(raw["gnum"]),
                gcode=str(raw["gcode"]),
                gname=str(raw.get("gname", "")),
                gmodel=str(raw.get("gmodel", "")),
                qty=_decimal(raw["qty"]),
                unit=str(raw["unit"]),
                qty1=_decimal(raw["qty1"]),
                unit1=str(raw["unit1"]),
                qty2=None if raw.get("qty2") is None else _decimal(raw["qty2"]),
                unit2=None if raw.get("unit2") is None else str(raw["unit2"]),
                price=_decimal(raw["price"]),
                total_price=_decimal(raw["total_price"]),
            )
            for raw in raw_lines
        ),
    )
