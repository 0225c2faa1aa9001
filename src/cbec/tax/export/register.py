"""The 无票免税 register: what the zone platform records per released export line, and its totals.

What the law requires (财税〔2018〕103号 一（一）; 国家税务总局公告2019年第36号 一（一）;
regulation.md §5.1, §8.6): a zone exporter takes the VAT/CT exemption without purchase invoices
only if it "在注册地跨境电子商务线上综合服务平台登记出口日期、货物名称、计量单位、数量、单价、金额" —
the platform this project builds must record, for every export, the **export date, goods name,
unit of measure, quantity, unit price and amount**, per enterprise (the consignor).

* :func:`no_invoice_exemption_entry` — the register entry of one released inventory line;
* :func:`register_report` — one enterprise's entries over a period, with totals.

The figures are the inventory's, exactly as declared (no rounding, no conversion): the export date
is the inventory's ``ieDate`` (the date that counts for 103号, regulation.md §5.1), amounts stay in
the declared currency, and totals are kept per currency (exchange rates are not in our data).
The goods name is the customs goods name ``gname``; the enterprise's own name ``itemName`` is kept
beside it.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, Inexact, localcontext
from types import MappingProxyType
from typing import Protocol

from cbec.rules import rule

__all__ = [
    "ExportedInventory",
    "ExportedLine",
    "RegisterEntry",
    "RegisterReport",
    "ReportingPeriod",
    "no_invoice_exemption_entry",
    "register_report",
]

_ZERO = Decimal(0)
_PRECISION = 60  # digits; sums of N19,5 amounts stay exact (Inexact is trapped)
_MONTHS_PER_QUARTER = 3
_QUARTERS = range(1, 5)


class ExportedInventory(Protocol):
    """The head fields of a released export inventory the register needs (CEB603 ``InventoryHead``)."""

    @property
    def invt_no(self) -> str:
        """Customs inventory number."""

    @property
    def ie_date(self) -> date:
        """Export date (``ieDate``)."""

    @property
    def ebc_code(self) -> str:
        """Consignor (收发货人) code: the enterprise the entry belongs to."""

    @property
    def ebc_name(self) -> str:
        """Consignor's registered name."""

    @property
    def trade_mode(self) -> str:
        """Customs procedure code (``tradeMode``)."""


class ExportedLine(Protocol):
    """The line fields the register needs (CEB603 ``InventoryList``)."""

    @property
    def gnum(self) -> int:
        """Line number."""

    @property
    def gcode(self) -> str:
        """Commodity code."""

    @property
    def gname(self) -> str:
        """Customs goods name."""

    @property
    def item_name(self) -> str | None:
        """The enterprise's goods name."""

    @property
    def unit(self) -> str:
        """Declared unit code."""

    @property
    def qty(self) -> Decimal:
        """Declared quantity."""

    @property
    def price(self) -> Decimal:
        """Unit price."""

    @property
    def total_price(self) -> Decimal:
        """Line amount."""

    @property
    def currency(self) -> str:
        """Currency code."""


@dataclass(frozen=True, slots=True)
class RegisterEntry:
    """One line of the 无票免税 register (103号 一（一）), as declared on the inventory.

    Attributes:
        enterprise_code: the consignor (收发货人) code.
        enterprise_name: the consignor's name.
        invt_no: the inventory the line comes from.
        gnum: its line number.
        export_date: 出口日期 (the inventory's ``ieDate``).
        goods_name: 货物名称 (customs goods name ``gname``).
        item_name: the enterprise's goods name (``itemName``), None when not declared.
        gcode: commodity code.
        unit: 计量单位 (declared unit code).
        qty: 数量.
        unit_price: 单价.
        amount: 金额 (line total), in ``currency``.
        currency: currency code.
        trade_mode: customs procedure code.
    """

    enterprise_code: str
    enterprise_name: str
    invt_no: str
    gnum: int
    export_date: date
    goods_name: str
    item_name: str | None
    gcode: str
    unit: str
    qty: Decimal
    unit_price: Decimal
    amount: Decimal
    currency: str
    trade_mode: str

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready form (amounts as strings, exactly as declared)."""
        return {
            "enterprise_code": self.enterprise_code,
            "enterprise_name": self.enterprise_name,
            "invt_no": self.invt_no,
            "gnum": self.gnum,
            "export_date": self.export_date.isoformat(),
            "goods_name": self.goods_name,
            "item_name": self.item_name,
            "gcode": self.gcode,
            "unit": self.unit,
            "qty": str(self.qty),
            "unit_price": str(self.unit_price),
            "amount": str(self.amount),
            "currency": self.currency,
            "trade_mode": self.trade_mode,
        }


@rule(
    code="tax.export.no_invoice_exemption.register_entry",
    label="线上综合服务平台登记出口日期、货物名称、计量单位、数量、单价、金额",
    label_en="the platform records export date, goods name, unit, quantity, unit price and amount",
    reference="财税〔2018〕103号 一（一）; 国家税务总局公告2019年第36号 一（一）",
)
def no_invoice_exemption_entry(inventory: ExportedInventory, line: ExportedLine) -> RegisterEntry:
    """The zone platform records export date, goods name, unit, quantity, unit price and amount per line.

    Args:
        inventory: the released export inventory (its consignor is the registering enterprise).
        line: one of its lines.

    Returns:
        The register entry, figures exactly as declared.
    """
    return RegisterEntry(
        enterprise_code=inventory.ebc_code,
        enterprise_name=inventory.ebc_name,
        invt_no=inventory.invt_no,
        gnum=line.gnum,
        export_date=inventory.ie_date,
        goods_name=line.gname,
        item_name=line.item_name,
        gcode=line.gcode,
        unit=line.unit,
        qty=line.qty,
        unit_price=line.price,
        amount=line.total_price,
        currency=line.currency,
        trade_mode=inventory.trade_mode,
    )


@dataclass(frozen=True, slots=True)
class ReportingPeriod:
    """A period of export dates, first and last day inclusive (e.g. a VAT filing month or quarter)."""

    first_day: date
    last_day: date

    def __post_init__(self) -> None:
        """Refuse a period that ends before it starts."""
        if self.last_day < self.first_day:
            raise ValueError(f"period ends ({self.last_day}) before it starts ({self.first_day})")

    @classmethod
    def month(cls, year: int, month: int) -> ReportingPeriod:
        """The calendar month.

        Examples:
            >>> ReportingPeriod.month(2024, 2).last_day
            datetime.date(2024, 2, 29)
        """
        return cls(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> ReportingPeriod:
        """The calendar quarter (1–4).

        Raises:
            ValueError: the quarter is not 1–4.
        """
        if quarter not in _QUARTERS:
            raise ValueError(f"quarter must be 1–4, not {quarter}")
        first_month = (quarter - 1) * _MONTHS_PER_QUARTER + 1
        last_month = first_month + _MONTHS_PER_QUARTER - 1
        return cls(
            date(year, first_month, 1), date(year, last_month, calendar.monthrange(year, last_month)[1])
        )

    def __contains__(self, day: object) -> bool:
        """Whether a date lies in the period."""
        return isinstance(day, date) and self.first_day <= day <= self.last_day


@dataclass(frozen=True, slots=True)
class RegisterReport:
    """One enterprise's register over a period, with totals.

    Attributes:
        enterprise_code: the enterprise (consignor) code.
        period: the export dates covered.
        entries: its entries in the period, by export date, inventory and line.
        amount_by_currency: Σ amounts per currency (not converted).
        inventory_count: how many inventories the entries come from.
    """

    enterprise_code: str
    period: ReportingPeriod
    entries: tuple[RegisterEntry, ...]
    amount_by_currency: Mapping[str, Decimal]
    inventory_count: int

    @property
    def line_count(self) -> int:
        """How many export lines are registered."""
        return len(self.entries)

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready form."""
        return {
            "enterprise_code": self.enterprise_code,
            "period": {
                "first_day": self.period.first_day.isoformat(),
                "last_day": self.period.last_day.isoformat(),
            },
            "line_count": self.line_count,
            "inventory_count": self.inventory_count,
            "amount_by_currency": {
                currency: str(total) for currency, total in self.amount_by_currency.items()
            },
            "entries": [entry.to_dict() for entry in self.entries],
        }

    def to_json(self) -> str:
        """Return the JSON text of :meth:`to_dict` (UTF-8, Chinese kept as is)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)


def register_report(
    entries: Iterable[RegisterEntry], enterprise: str, period: ReportingPeriod
) -> RegisterReport:
    """Total one enterprise's register entries whose export date lies in the period.

    Args:
        entries: register entries (of any enterprises and dates; others are left out).
        enterprise: the enterprise (consignor) code.
        period: the export dates to include.

    Returns:
        The entries and their totals per currency, added exactly.
    """
    chosen = sorted(
        (entry for entry in entries if entry.enterprise_code == enterprise and entry.export_date in period),
        key=lambda entry: (entry.export_date, entry.invt_no, entry.gnum),
    )
    totals: dict[str, Decimal] = {}
    with localcontext() as context:
        context.prec = _PRECISION
        context.traps[Inexact] = True
        for entry in chosen:
            totals[entry.currency] = totals.get(entry.currency, _ZERO) + entry.amount
    return RegisterReport(
        enterprise_code=enterprise,
        period=period,
        entries=tuple(chosen),
        amount_by_currency=MappingProxyType(dict(sorted(totals.items()))),
        inventory_count=len({entry.invt_no for entry in chosen}),
    )
