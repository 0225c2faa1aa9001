"""Deemed-profit enterprise income tax of a zone retail exporter (核定征收, 应税所得率 4%) — pure, explained.

What the law requires (国家税务总局公告2019年第36号; regulation.md §5.2):

* a zone exporter that registers its exports on the zone platform, declares them at the zone's
  customs and takes the 无票免税 exemption of 财税〔2018〕103号 is taxed on a deemed basis (一);
* it must keep its total revenue accurately, and its taxable income is the revenue times the
  **应税所得率, fixed at 4%** (二);
* it may take the small low-profit enterprise relief (四).

Then the tax is the taxable income at the enterprise income tax rate (25%, 企业所得税法 第四条), or,
for a small low-profit enterprise, **as our reading of the current relief [U]**: a quarter of the
taxable income taxed at 20% (财政部 税务总局公告2023年第12号, to 2027-12-31), when the annual taxable
income is at most 3 million yuan. The relief's other conditions (employees, assets, industry) are
the caller's to establish (``small_low_profit=True``).

``revenue`` is the amount the deemed rate applies to: the total revenue less non-taxable and
tax-exempt income (应税收入额) — establishing it is outside this module. **Rounding is our
choice** (the texts are silent): the taxable income is rounded half-up to the fen, the tax is
computed on it and rounded half-up to the fen once (parameter ``amount_rounding``).

>>> from datetime import date
>>> from decimal import Decimal
>>> from cbec.tax import load_parameters
>>> base = deemed_income_tax_base(Decimal("1000000"), on=date(2025, 12, 31), params=load_parameters())
>>> base.taxable_income
Decimal('40000.00')
>>> deemed_income_tax(Decimal("1000000"), on=date(2025, 12, 31), params=load_parameters()).tax
Decimal('10000.00')
>>> deemed_income_tax(
...     Decimal("1000000"), on=date(2025, 12, 31), params=load_parameters(), small_low_profit=True
... ).tax
Decimal('2000.00')
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext

from cbec.rules import Parameter, ParameterNode, ParameterNotInForceError, ParametersAt, Trace, rule
from cbec.tax.calculator import Explanation, TaxRounding

__all__ = [
    "DeemedIncome",
    "DeemedIncomeTax",
    "SmallLowProfitReliefNotInForceError",
    "deemed_income_tax",
    "deemed_income_tax_base",
    "deemed_taxable_income",
    "income_tax_rounding",
    "small_low_profit_income_tax",
    "standard_income_tax",
    "within_small_low_profit_ceiling",
]

_FOLDER = "tax.export.deemed_income_tax"
_ROUNDING = f"{_FOLDER}.amount_rounding"
_PRECISION = 34  # intermediate digits; rounding happens once, at the end


class SmallLowProfitReliefNotInForceError(ParameterNotInForceError):
    """The small low-profit relief is claimed for a day the parameters do not cover (2023–2027 only)."""


@rule(
    code="tax.export.deemed_income_tax.rounding",
    label="应纳税所得额、应纳税额舍入到分（我方选择）",
    label_en="taxable income and tax rounded half-up to the fen (our choice)",
    reference="法规未规定 [U]; 国家税务总局公告2019年第36号",
)
def income_tax_rounding(p: ParametersAt) -> TaxRounding:
    """Round the taxable income and the tax half-up to the fen (the texts are silent; our choice)."""
    parameter = p.node.get(_ROUNDING)
    if not isinstance(parameter, Parameter) or parameter.spec.rounding is None:
        raise TypeError(f"{_ROUNDING} must be a parameter file that declares `rounding`")
    return TaxRounding(quantum=p.decimal(_ROUNDING), mode=parameter.spec.rounding)


@rule(
    code="tax.export.deemed_income_tax.taxable_income",
    label="应纳税所得额＝收入总额×应税所得率（4%）",
    label_en="taxable income = revenue × deemed profit rate (4%)",
    reference="国家税务总局公告2019年第36号 二",
)
def deemed_taxable_income(p: ParametersAt, revenue: Decimal) -> Decimal:
    """A deemed-profit zone exporter's taxable income is its revenue times the 应税所得率 of 4%."""
    rate = p.decimal(f"{_FOLDER}.taxable_income_rate")
    return revenue * rate


@rule(
    code="tax.export.deemed_income_tax.standard",
    label="应纳所得税额＝应纳税所得额×25%",
    label_en="income tax = taxable income × 25%",
    reference="中华人民共和国企业所得税法 第四条",
)
def standard_income_tax(p: ParametersAt, taxable_income: Decimal) -> Decimal:
    """Enterprise income tax is 25% of the taxable income."""
    return taxable_income * p.decimal(f"{_FOLDER}.standard_rate")


@rule(
    code="tax.export.deemed_income_tax.small_low_profit_ceiling",
    label="小型微利企业：年应纳税所得额不超过300万元 [U]",
    label_en="small low-profit enterprise: annual taxable income at most 3 million yuan [U]",
    reference="财政部 税务总局公告2023年第12号 [U]; 国家税务总局公告2019年第36号 四",
)
def within_small_low_profit_ceiling(p: ParametersAt, taxable_income: Decimal) -> bool:
    """The small low-profit relief covers annual taxable income up to the ceiling (3 million yuan) [U]."""
    return taxable_income <= p.decimal(f"{_FOLDER}.small_low_profit.taxable_income_ceiling")


@rule(
    code="tax.export.deemed_income_tax.small_low_profit",
    label="小型微利企业：减按25%计入应纳税所得额，按20%的税率缴纳企业所得税 [U]",
    label_en="small low-profit enterprise: 25% of the taxable income taxed at 20% [U]",
    reference="财政部 税务总局公告2023年第12号 [U]; 国家税务总局公告2019年第36号 四",
)
def small_low_profit_income_tax(p: ParametersAt, taxable_income: Decimal) -> Decimal:
    """A small low-profit enterprise counts a quarter of its taxable income and pays 20% on it [U]."""
    share = p.decimal(f"{_FOLDER}.small_low_profit.income_share")
    rate = p.decimal(f"{_FOLDER}.small_low_profit.rate")
    return taxable_income * share * rate


@dataclass(frozen=True, slots=True)
class DeemedIncome:
    """The deemed taxable income (应纳税所得额) of a zone exporter.

    Attributes:
        revenue: the revenue the rate applies to (应税收入额), as given.
        on: the day whose law was applied.
        taxable_income_rate: the 应税所得率 used.
        taxable_income: revenue × rate, rounded to the fen.
        explanation: rules, parameters (with dates and references) and notes.
    """

    revenue: Decimal
    on: date
    taxable_income_rate: Decimal
    taxable_income: Decimal
    explanation: Explanation

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready form (amounts as strings)."""
        return {
            "revenue": str(self.revenue),
            "on": self.on.isoformat(),
            "taxable_income_rate": str(self.taxable_income_rate),
            "taxable_income": str(self.taxable_income),
            "explanation": self.explanation.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class DeemedIncomeTax:
    """The enterprise income tax of a deemed-profit zone exporter.

    Attributes:
        base: the deemed taxable income.
        small_low_profit_claimed: whether the caller said the enterprise is a small low-profit one.
        relief_applied: whether the small low-profit relief was applied (claimed and within the ceiling).
        tax: the income tax, rounded to the fen.
        explanation: rules, parameters and notes behind ``base`` and ``tax``.
    """

    base: DeemedIncome
    small_low_profit_claimed: bool
    relief_applied: bool
    tax: Decimal
    explanation: Explanation

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready form (amounts as strings)."""
        return {
            "revenue": str(self.base.revenue),
            "on": self.base.on.isoformat(),
            "taxable_income_rate": str(self.base.taxable_income_rate),
            "taxable_income": str(self.base.taxable_income),
            "small_low_profit_claimed": self.small_low_profit_claimed,
            "relief_applied": self.relief_applied,
            "tax": str(self.tax),
            "explanation": self.explanation.to_dict(),
        }

    def to_json(self) -> str:
        """Return the JSON text of :meth:`to_dict` (UTF-8, Chinese kept as is)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)


def _explanation(trace: Trace, notes: list[str]) -> Explanation:
    return Explanation(
        steps=tuple(trace.steps), notes=tuple(notes), unverified_parameters=tuple(trace.unverified())
    )


_BASE_NOTES = (
    "revenue is taken as the 应税收入额 (total revenue less non-taxable and tax-exempt income) as given",
    "rounding is our choice (the texts are silent): taxable income half-up to the fen",
)


def _base(revenue: Decimal, on: date, p: ParametersAt) -> tuple[Decimal, TaxRounding, DeemedIncome]:
    if revenue < 0:
        raise ValueError("revenue must not be negative")
    assert p.trace is not None
    rounding = income_tax_rounding(p)
    with localcontext() as context:
        context.prec = _PRECISION
        taxable = rounding(deemed_taxable_income(p, revenue))
    rate = p.decimal(f"{_FOLDER}.taxable_income_rate")
    base = DeemedIncome(
        revenue=revenue,
        on=on,
        taxable_income_rate=rate,
        taxable_income=taxable,
        explanation=_explanation(p.trace, list(_BASE_NOTES)),
    )
    return taxable, rounding, base


def deemed_income_tax_base(revenue: Decimal, *, on: date, params: ParameterNode) -> DeemedIncome:
    """The taxable income of a deemed-profit zone exporter: revenue × 4%, to the fen.

    Args:
        revenue: the revenue the rate applies to (应税收入额), CNY.
        on: a day of the tax period whose law applies (e.g. its last day).
        params: the tax parameter tree (:func:`cbec.tax.load_parameters`).

    Returns:
        The taxable income with its explanation.

    Raises:
        ValueError: ``revenue`` is negative.
        cbec.rules.ParameterNotInForceError: no deemed rate on ``on`` (before 2020-01-01).
    """
    trace = Trace()
    _, _, base = _base(revenue, on, params.at(on, trace=trace))
    return base


def deemed_income_tax(
    revenue: Decimal, *, on: date, params: ParameterNode, small_low_profit: bool = False
) -> DeemedIncomeTax:
    """A deemed-profit zone exporter pays 25% of revenue × 4%, or the small low-profit relief [U].

    Args:
        revenue: the revenue the rate applies to (应税收入额), CNY.
        on: a day of the tax period whose law applies (e.g. its last day).
        params: the tax parameter tree (:func:`cbec.tax.load_parameters`).
        small_low_profit: True when the enterprise meets the small low-profit conditions other than
            the taxable-income ceiling (employees, assets, industry) — the caller's to establish.

    Returns:
        The tax, the taxable income and the explanation. With ``small_low_profit`` and a taxable
        income over the ceiling, the standard rate applies and a note says why.

    Raises:
        ValueError: ``revenue`` is negative.
        SmallLowProfitReliefNotInForceError: the relief is claimed for a day outside the modelled
            years (2023-01-01 to 2027-12-31).
        cbec.rules.ParameterNotInForceError: no deemed rate on ``on`` (before 2020-01-01).
    """
    trace = Trace()
    p = params.at(on, trace=trace)
    taxable, rounding, base = _base(revenue, on, p)
    notes = list(_BASE_NOTES)
    relief = False
    if small_low_profit:
        try:
            relief = within_small_low_profit_ceiling(p, taxable)
        except ParameterNotInForceError as exc:
            raise SmallLowProfitReliefNotInForceError(
                f"the small low-profit relief is modelled for 2023-01-01 to 2027-12-31 only "
                f"(财政部 税务总局公告2023年第12号 [U]); nothing in force on {on.isoformat()}: {exc}"
            ) from exc
        notes.append(
            "small low-profit relief claimed: employee, asset and industry conditions are not checked here"
        )
        if not relief:
            notes.append("taxable income over the small low-profit ceiling: the standard rate applies")
    with localcontext() as context:
        context.prec = _PRECISION
        amount = small_low_profit_income_tax(p, taxable) if relief else standard_income_tax(p, taxable)
        tax = rounding(amount)
    notes.append("the tax is computed on the rounded taxable income and rounded half-up to the fen once")
    return DeemedIncomeTax(
        base=base,
        small_low_profit_claimed=small_low_profit,
        relief_applied=relief,
        tax=tax,
        explanation=_explanation(trace, notes),
    )
