"""Read a CEB621 import inventory (进口申报清单) into a :class:`TaxableInventory`.

The CEB codecs (:mod:`cbec.messages.ceb`) give each record's ``InventoryHead`` and
``InventoryList`` fields as dicts of exact strings; this module turns the fields the
tax depends on into Decimals and a Beijing-time acceptance moment. Pure: the moment
to use when ``appTime`` is absent is passed in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation

from cbec.tax.inventory import BEIJING, InventoryLine, TaxableInventory, TradeMode

__all__ = ["APP_TIME_FORMAT", "InventoryFieldError", "inventory_from_ceb621"]

APP_TIME_FORMAT = "%Y%m%d%H%M%S"
"""``appTime`` (C14): enterprise submit time, Beijing time."""


class InventoryFieldError(ValueError):
    """A field the tax needs is missing or malformed.

    Attributes:
        field: the CEB field path, e.g. ``InventoryList[1]/totalPrice``.
    """

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        super().__init__(f"{field}: {problem}")


def _text(fields: Mapping[str, str], name: str, where: str) -> str:
    value = (fields.get(name) or "").strip()
    if not value:
        raise InventoryFieldError(f"{where}{name}", "required")
    return value


def _decimal(fields: Mapping[str, str], name: str, where: str) -> Decimal:
    raw = _text(fields, name, where)
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise InventoryFieldError(f"{where}{name}", f"{raw!r} is not a number") from None
    if not number.is_finite():
        raise InventoryFieldError(f"{where}{name}", f"{raw!r} is not a number")
    return number


def _optional_decimal(fields: Mapping[str, str], name: str, where: str) -> Decimal | None:
    return _decimal(fields, name, where) if (fields.get(name) or "").strip() else None


def _line(index: int, fields: Mapping[str, str]) -> InventoryLine:
    where = f"InventoryList[{index}]/"
    gnum = _text(fields, "gnum", where)
    if not gnum.isdigit():
        raise InventoryFieldError(f"{where}gnum", f"{gnum!r} is not a line number")
    try:
        return InventoryLine(
            gnum=int(gnum),
            gcode=_text(fields, "gcode", where),
            gname=(fields.get("gname") or "").strip(),
            gmodel=(fields.get("gmodel") or "").strip(),
            qty=_decimal(fields, "qty", where),
            unit=_text(fields, "unit", where),
            qty1=_decimal(fields, "qty1", where),
            unit1=_text(fields, "unit1", where),
            qty2=_optional_decimal(fields, "qty2", where),
            unit2=(fields.get("unit2") or "").strip() or None,
            price=_decimal(fields, "price", where),
            total_price=_decimal(fields, "totalPrice", where),
        )
    except ValueError as exc:
        if isinstance(exc, InventoryFieldError):
            raise
        raise InventoryFieldError(where.rstrip("/"), str(exc)) from exc


def _accepted_at(head: Mapping[str, str], default: datetime) -> datetime:
    raw = (head.get("appTime") or "").strip()
    if not raw:
        return default
    try:
        return datetime.strptime(raw, APP_TIME_FORMAT).replace(tzinfo=BEIJING)
    except ValueError:
        raise InventoryFieldError("InventoryHead/appTime", f"{raw!r} is not YYYYMMDDhhmmss") from None


def inventory_from_ceb621(
    head: Mapping[str, str], lines: Sequence[Mapping[str, str]], *, default_accepted_at: datetime
) -> TaxableInventory:
    """Build the taxable inventory from a CEB621 ``InventoryHead`` and its ``InventoryList`` lines.

    Args:
        head: ``InventoryHead`` fields (exact strings).
        lines: ``InventoryList`` lines (exact strings).
        default_accepted_at: the acceptance moment when ``appTime`` is absent (timezone-aware).

    Returns:
        The inventory; the acceptance moment is ``appTime`` read as Beijing time.

    Raises:
        InventoryFieldError: a field the tax needs is missing or malformed.
    """
    trade_mode = _text(head, "tradeMode", "InventoryHead/")
    try:
        mode = TradeMode(trade_mode)
    except ValueError:
        raise InventoryFieldError("InventoryHead/tradeMode", f"{trade_mode!r} is not 9610 or 1210") from None
    if not lines:
        raise InventoryFieldError("InventoryList", "no lines")
    try:
        return TaxableInventory(
            order_no=_text(head, "orderNo", "InventoryHead/"),
            trade_mode=mode,
            accepted_at=_accepted_at(head, default_accepted_at),
            freight=_decimal(head, "freight", "InventoryHead/"),
            insured_fee=_decimal(head, "insuredFee", "InventoryHead/"),
            lines=tuple(_line(index, fields) for index, fields in enumerate(lines)),
        )
    except ValueError as exc:
        if isinstance(exc, InventoryFieldError):
            raise
        raise InventoryFieldError("Inventory", str(exc)) from exc
