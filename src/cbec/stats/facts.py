"""From one declaration's state to its statistics fact (pure: plain data in, one row out).

The rollup (:mod:`cbec.stats.rollup`) loads, for each order an event touched, what is below in
:class:`Declared` and turns it into a ``stat_declarations`` row with :func:`fact_of`. The rules are named
functions so that a reader can find each one: :func:`main_line`, :func:`goods_value`, :func:`country_of`,
:func:`hs_chapter_of`, :func:`is_standing`, :func:`clearance_seconds`; the dimension rules and the
B2C/B2B classification come from the catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from cbec.kernel.dates import SHANGHAI
from cbec.stats.catalogue import Catalogue

__all__ = [
    "CNY",
    "STANDING",
    "Declared",
    "clearance_seconds",
    "country_of",
    "fact_of",
    "fen",
    "goods_value",
    "hs_chapter_of",
    "is_standing",
    "main_line",
    "money",
    "yuan",
]

CNY = "142"
"""The JGS-20 code of the renminbi (the only currency counted in value without conversion)."""

STANDING = {
    "import": frozenset({"released", "closed"}),
    "export": frozenset({"released", "departed"}),
}
"""States of a released declaration that still counts in value and tax (not cancelled, returned, sent
back or detained). An import is closed (899) when its tax is settled; an export when it departs."""

_FEN = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Declared:
    """What the rollup reads of one order with a declaration list (plain data).

    Attributes:
        key: the fact id (``I:…`` or ``E:…``).
        source: ``clearance`` or ``export``.
        direction: ``import`` or ``export``.
        trade_mode: the list's ``tradeMode``.
        state: the order's state.
        accepted: the list passed the logic check (an inventory number was assigned).
        inspected: the list was sent to inspection.
        declared_at: first acceptance of the list (first status 2 event of the order).
        released_at: release (800), if ever.
        head: the list head (CEB fields as sent).
        lines: the list lines (``InventoryList``).
        tax: assessed tax (imports), CNY.
        order_no: the order number; waybill_no: the logistics number.
        ebp_id, ebc_id: filing ids of the platform and the seller (None when not filed).
        park: the park of the seller's filing, else the platform's, else the agent's.
    """

    key: str
    source: str
    direction: str
    trade_mode: str | None
    state: str
    accepted: bool
    inspected: bool
    declared_at: datetime
    released_at: datetime | None
    head: Mapping[str, Any]
    lines: Sequence[Mapping[str, Any]]
    tax: Decimal | None
    order_no: str | None
    waybill_no: str | None
    ebp_id: str | None
    ebc_id: str | None
    park: str | None


def money(value: Decimal) -> Decimal:
    """Rounded half-up to the fen."""
    return value.quantize(_FEN, rounding=ROUND_HALF_UP)


def fen(value: Decimal) -> int:
    """A CNY amount in whole fen (rounded half-up)."""
    return int(money(value) * 100)


def yuan(value: int | None) -> Decimal:
    """Whole fen back to CNY (``None`` → 0)."""
    return (Decimal(value or 0) / 100).quantize(_FEN)


def _decimal(raw: Any) -> Decimal:
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        return Decimal(0)
    return value if value.is_finite() else Decimal(0)


def main_line(lines: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The line of the largest ``totalPrice`` (the first one on a tie): the declaration's main goods."""
    best: Mapping[str, Any] | None = None
    for line in lines:
        if best is None or _decimal(line.get("totalPrice")) > _decimal(best.get("totalPrice")):
            best = line
    return best


def goods_value(lines: Sequence[Mapping[str, Any]]) -> tuple[Decimal | None, str | None]:
    """Σ ``totalPrice`` of the lines and their currency; ``(None, "MIX")`` when the lines mix currencies."""
    if not lines:
        return None, None
    currencies = {str(line.get("currency") or "") for line in lines}
    if len(currencies) != 1:
        return None, "MIX"
    total = sum((_decimal(line.get("totalPrice")) for line in lines), Decimal(0))
    return total, currencies.pop() or None


def country_of(
    direction: str, head: Mapping[str, Any], line: Mapping[str, Any] | None, catalogue: Catalogue
) -> str | None:
    """The country of the declaration: the first non-empty field of the catalogue's list for ``direction``."""
    for field in catalogue.country_fields[direction]:
        where, _, name = field.partition(":")
        source = line if where == "line" else head
        value = str((source or {}).get(name) or "").strip()
        if value:
            return value
    return None


def hs_chapter_of(line: Mapping[str, Any] | None) -> str | None:
    """The 2-digit HS chapter of the main line's commodity code."""
    code = str((line or {}).get("gcode") or "").strip()
    return code[:2] if len(code) >= 2 and code[:2].isdigit() else None  # noqa: PLR2004


def is_standing(direction: str, state: str, released_at: datetime | None) -> bool:
    """Released and still standing (counts in value and tax)."""
    return released_at is not None and state in STANDING[direction]


def clearance_seconds(declared_at: datetime, released_at: datetime | None) -> int | None:
    """Whole seconds from the first acceptance of the list to its release (never negative)."""
    if released_at is None:
        return None
    return max(int((released_at - declared_at).total_seconds()), 0)


def fact_of(d: Declared, catalogue: Catalogue) -> dict[str, Any]:
    """The ``stat_declarations`` row of a declaration."""
    day = d.declared_at.astimezone(SHANGHAI).date()
    line = main_line(d.lines)
    value, currency = goods_value(d.lines)
    return {
        "id": d.key,
        "source": d.source,
        "channel": "customs",
        "direction": d.direction,
        "trade_mode": d.trade_mode,
        "segment": catalogue.segment_of(d.trade_mode, day),
        "day": day,
        "month": day.strftime("%Y-%m"),
        "year": day.year,
        "country": country_of(d.direction, d.head, line, catalogue),
        "hs_chapter": hs_chapter_of(line),
        "park": d.park,
        "ebp_id": d.ebp_id,
        "ebc_id": d.ebc_id,
        "order_no": d.order_no,
        "waybill_no": d.waybill_no,
        "value": value,
        "currency": currency,
        "value_fen": fen(value) if value is not None and currency == CNY else None,
        "tax_fen": fen(d.tax) if d.tax is not None else None,
        "state": d.state,
        "accepted": d.accepted,
        "refused": d.state == "refused",
        "inspected": d.inspected,
        "released": is_standing(d.direction, d.state, d.released_at),
        "declared_at": d.declared_at,
        "released_at": d.released_at,
        "clearance_seconds": clearance_seconds(d.declared_at, d.released_at),
    }
