"""The retail import tax (跨境电子商务零售进口税) of one inventory — pure, explained.

What the law requires (财关税〔2016〕18号, 〔2018〕49号; regulation.md §1):

* the taxable (dutiable) price is the actual transaction price: goods + freight + insurance;
* within the single-transaction limit and the buyer's annual limit: customs duty 0%, import
  VAT and consumption tax at 70% of the statutory amounts;
* a single indivisible item (one line, quantity 1) whose price is over the single limit, but
  within the annual limit: full duty, VAT and consumption tax at the goods rates, counted in
  the annual total;
* anything else over the single limit is refused (e-port code -621005); an order taking the
  buyer over the annual limit is refused (-621018).

Statutory amounts per line::

    consumption tax (ad valorem)  = (value + duty) / (1 − rate) × rate
    VAT                           = (value + duty + consumption tax) × VAT rate

The price P and its freight and insurance are apportioned to the lines by value so each line
is taxed at its own rates. **Rounding is our choice** (the law does not say): every tax of
every line is rounded half-up to the fen, in one place (:class:`TaxRounding`); the inventory's
totals are the sums of the rounded line figures, as in the CEB816 e-tax bill.

Nothing here touches a database, the clock or the environment: the parameters, the tariff
table and the buyer's running annual total are passed in.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from enum import StrEnum
from types import MappingProxyType
from typing import NamedTuple

from cbec.rules import (
    ROUNDING_MODES,
    Parameter,
    ParameterLookup,
    ParameterNode,
    ParameterNotInForceError,
    ParametersAt,
    Trace,
    TraceStep,
    rule,
)
from cbec.tax.consumption import CONSUMPTION_TAX_RULES, VolumeUnknownError
from cbec.tax.inventory import InventoryLine, TaxableInventory
from cbec.tax.tariff import Mark, MatchKind, TariffLine, TariffMatch, TariffTable, VatClass

__all__ = [
    "AssessmentIssue",
    "Decision",
    "DutyRate",
    "Explanation",
    "IssueCode",
    "LimitOutcome",
    "LineAssessment",
    "RefusalCode",
    "TaxAssessment",
    "TaxRounding",
    "apportion_fees",
    "assess",
    "charged_share",
    "consumption_tax",
    "customs_duty_rate",
    "import_vat",
    "import_vat_rate",
    "limit_decision",
    "tax_rounding",
    "taxable_price",
]

_ZERO = Decimal(0)
_FULL = Decimal(1)  # the whole statutory amount
_PRECISION = 34  # decimal digits for intermediate amounts; rounding happens once, at the end
_ROUNDING_PARAMETER = "tax.retail_import.tax_amount_rounding"
# Shows the amounts of an inventory that could not be assessed because no law is in force on its
# date (the rounding parameter itself is then unavailable). Display only; no tax is computed.
_DISPLAY_FEN = Decimal("0.01")


class Decision(StrEnum):
    """How the inventory stands against the limits."""

    WITHIN_LIMITS = "within_limits"
    """Within both limits: duty 0, VAT and consumption tax at 70%."""
    SINGLE_ITEM_OVER_LIMIT = "single_item_over_limit"
    """One indivisible item over the single limit, within the annual limit: full tax."""
    REFUSED = "refused"
    """Over a limit: not admitted as a retail import (see :class:`RefusalCode`)."""
    NOT_ASSESSABLE = "not_assessable"
    """The tax cannot be computed from the data given (see the issues)."""


_REFUSAL_TEXTS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "-621005": ("超过单次交易限值", "over the single-transaction limit"),
        "-621018": ("超过个人年度交易限值", "over the buyer's annual limit"),
    }
)


class RefusalCode(StrEnum):
    """E-port refusal codes for over-limit inventories (ceb.md §7.4)."""

    OVER_SINGLE_LIMIT = "-621005"
    OVER_ANNUAL_LIMIT = "-621018"

    @property
    def zh(self) -> str:
        """Chinese text."""
        return _REFUSAL_TEXTS[self.value][0]

    @property
    def en(self) -> str:
        """English text."""
        return _REFUSAL_TEXTS[self.value][1]


_ISSUE_TEXTS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "TAX_UNKNOWN_TARIFF_LINE": (
            "税则表中无此商品编码",
            "the tariff table has no row for the commodity code",
        ),
        "TAX_DUTY_RATE_UNKNOWN": (
            "全额征税所需的关税税率未知",
            "the duty rate needed for full tax is not known",
        ),
        "TAX_VOLUME_UNKNOWN": (
            "从量消费税所需的容量未申报",
            "no volume declared for a per-litre consumption tax",
        ),
        "TAX_UNKNOWN_CONSUMPTION_TAX_RULE": (
            "税则表引用了未知的消费税规则",
            "the tariff row names an unknown consumption-tax rule",
        ),
        "TAX_LAW_NOT_IN_FORCE": ("该日期无适用的税收参数", "no tax parameters are in force on that date"),
    }
)


class IssueCode(StrEnum):
    """Why an inventory could not be assessed (values are stable)."""

    UNKNOWN_TARIFF_LINE = "TAX_UNKNOWN_TARIFF_LINE"
    DUTY_RATE_UNKNOWN = "TAX_DUTY_RATE_UNKNOWN"
    VOLUME_UNKNOWN = "TAX_VOLUME_UNKNOWN"
    UNKNOWN_CONSUMPTION_TAX_RULE = "TAX_UNKNOWN_CONSUMPTION_TAX_RULE"
    LAW_NOT_IN_FORCE = "TAX_LAW_NOT_IN_FORCE"

    @property
    def zh(self) -> str:
        """Chinese title."""
        return _ISSUE_TEXTS[self.value][0]

    @property
    def en(self) -> str:
        """English title."""
        return _ISSUE_TEXTS[self.value][1]


class AssessmentIssue(NamedTuple):
    """A reason the tax could not be computed: (code, zh, en, gnum)."""

    code: IssueCode
    zh: str
    en: str
    gnum: int | None

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready form."""
        return {"code": self.code.value, "zh": self.zh, "en": self.en, "gnum": self.gnum}


def _issue(code: IssueCode, gnum: int | None, detail: str = "") -> AssessmentIssue:
    suffix = f": {detail}" if detail else ""
    return AssessmentIssue(code, code.zh + suffix, code.en + suffix, gnum)


class _CannotAssessError(Exception):
    def __init__(self, issue: AssessmentIssue) -> None:
        super().__init__(issue.en)
        self.issue = issue


@dataclass(frozen=True, slots=True)
class TaxRounding:
    """How tax amounts are rounded: to ``quantum`` (one fen) with ``mode``. Our choice; see the module."""

    quantum: Decimal
    mode: str

    def __call__(self, amount: Decimal) -> Decimal:
        """Round an amount."""
        return amount.quantize(self.quantum, rounding=ROUNDING_MODES[self.mode])

    def summary(self) -> str:
        """One line for the explanation."""
        return f"{self.quantum} {self.mode}"


@dataclass(frozen=True, slots=True)
class LimitOutcome:
    """The limit decision and, when refused, the refusal code."""

    decision: Decision
    refusal: RefusalCode | None = None

    def summary(self) -> str:
        """One line for the explanation."""
        if self.refusal is None:
            return self.decision.value
        return f"{self.decision.value} {self.refusal.value}"


@dataclass(frozen=True, slots=True)
class DutyRate:
    """The customs duty rate applied to a line and where it comes from."""

    rate: Decimal
    basis: str

    def summary(self) -> str:
        """One line for the explanation."""
        return f"{self.rate} ({self.basis})"


@dataclass(frozen=True, slots=True)
class LineAssessment:
    """The tax of one inventory line (as a CEB816 ``TaxListRd``).

    Attributes:
        gnum: line number.
        gcode: declared commodity code.
        tariff_code: the tariff row used.
        taxable_price: the line's dutiable value (its goods value plus its share of freight and
            insurance), to the fen.
        customs_duty: duty charged.
        vat: import VAT charged.
        consumption_tax: consumption tax charged.
    """

    gnum: int
    gcode: str
    tariff_code: str
    taxable_price: Decimal
    customs_duty: Decimal
    vat: Decimal
    consumption_tax: Decimal

    @property
    def total(self) -> Decimal:
        """Duty + VAT + consumption tax."""
        return self.customs_duty + self.vat + self.consumption_tax

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready form (amounts as strings)."""
        return {
            "gnum": self.gnum,
            "gcode": self.gcode,
            "tariff_code": self.tariff_code,
            "taxable_price": str(self.taxable_price),
            "customs_duty": str(self.customs_duty),
            "vat": str(self.vat),
            "consumption_tax": str(self.consumption_tax),
            "total": str(self.total),
        }


@dataclass(frozen=True, slots=True)
class Explanation:
    """Which rules and parameters gave each figure.

    Attributes:
        steps: the rules applied, in order, each with the parameter values it read (value, date it
            took effect, legal reference) and its result.
        notes: what the reader must know: the tariff rows used and how sure they are, choices of ours.
        unverified_parameters: parameter values used that the reference notes could not confirm.
    """

    steps: tuple[TraceStep, ...]
    notes: tuple[str, ...]
    unverified_parameters: tuple[ParameterLookup, ...]

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready form."""
        return {
            "notes": list(self.notes),
            "unverified_parameters": [lookup.to_dict() for lookup in self.unverified_parameters],
            "steps": [step.to_dict() for step in self.steps],
        }


@dataclass(frozen=True, slots=True)
class TaxAssessment:
    """The retail import tax of one inventory (as a CEB816 ``TaxHeadRd`` with its lines).

    Attributes:
        order_no: the inventory's order number.
        accepted_on: the Beijing date whose law was applied.
        decision: within the limits, single item over the limit, refused or not assessable.
        refusal: the refusal code when refused.
        taxable_price: P = goods + freight + insurance (the sum of the lines' taxable prices).
        counted_toward_annual_limit: what this order adds to the buyer's annual total (P when
            admitted, 0 otherwise).
        lines: per-line figures (empty when refused or not assessable).
        customs_duty: Σ line duty.
        vat: Σ line VAT.
        consumption_tax: Σ line consumption tax.
        issues: why the tax could not be computed (decision ``not_assessable``).
        explanation: the rules, parameters and sources behind every figure.
    """

    order_no: str
    accepted_on: date
    decision: Decision
    refusal: RefusalCode | None
    taxable_price: Decimal
    counted_toward_annual_limit: Decimal
    lines: tuple[LineAssessment, ...]
    customs_duty: Decimal
    vat: Decimal
    consumption_tax: Decimal
    issues: tuple[AssessmentIssue, ...]
    explanation: Explanation

    @property
    def total(self) -> Decimal:
        """Duty + VAT + consumption tax (Σ line totals)."""
        return self.customs_duty + self.vat + self.consumption_tax

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready form (amounts as strings with two decimals)."""
        return {
            "orderNo": self.order_no,
            "accepted_on": self.accepted_on.isoformat(),
            "decision": self.decision.value,
            "refusal_code": None if self.refusal is None else self.refusal.value,
            "refusal_reason": (
                None if self.refusal is None else {"zh": self.refusal.zh, "en": self.refusal.en}
            ),
            "taxable_price": str(self.taxable_price),
            "counted_toward_annual_limit": str(self.counted_toward_annual_limit),
            "customs_duty": str(self.customs_duty),
            "vat": str(self.vat),
            "consumption_tax": str(self.consumption_tax),
            "total": str(self.total),
            "lines": [line.to_dict() for line in self.lines],
            "issues": [issue.to_dict() for issue in self.issues],
            "explanation": self.explanation.to_dict(),
        }

    def to_json(self) -> str:
        """Return the JSON text of :meth:`to_dict` (UTF-8, Chinese kept as is)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)


# --- rules ---------------------------------------------------------------------------------------


@rule(
    code="tax.retail_import.rounding",
    label="税额舍入（我方选择：每项商品每个税种四舍五入到分，表头为表体之和）",
    label_en="rounding of tax amounts (our choice: per line and tax, half-up to the fen; head = Σ lines)",
    reference="法规未规定 [U] (regulation.md §8.3, §9); 参照 CEB816 电子税单 TaxListRd / TaxHeadRd",
)
def tax_rounding(p: ParametersAt) -> TaxRounding:
    """Round each tax of each line half-up to the fen (the law is silent; this is our choice)."""
    parameter = p.node.get(_ROUNDING_PARAMETER)
    if not isinstance(parameter, Parameter) or parameter.spec.rounding is None:
        raise TypeError(f"{_ROUNDING_PARAMETER} must be a parameter file that declares `rounding`")
    quantum = p.decimal(_ROUNDING_PARAMETER)
    return TaxRounding(quantum=quantum, mode=parameter.spec.rounding)


@rule(
    code="tax.retail_import.taxable_price",
    label="完税价格：实际交易价格（商品零售价格＋运费＋保险费）",
    label_en="dutiable price: the actual transaction price (goods + freight + insurance)",
    reference="财关税〔2016〕18号 第二条 [V rule; article number not confirmed]",
)
def taxable_price(p: ParametersAt, inventory: TaxableInventory) -> Decimal:
    """The dutiable price of an order is its goods value plus freight plus insurance."""
    return inventory.goods_value + inventory.freight + inventory.insured_fee


@rule(
    code="tax.retail_import.fee_apportionment",
    label="运费、保险费按货值分摊至各项商品（我方选择）",
    label_en="freight and insurance apportioned to the lines by value (our choice)",
    reference="法规未规定分摊方法 [U]; 分摊到分，余数归最后一项",
)
def apportion_fees(
    p: ParametersAt, inventory: TaxableInventory, rounding: TaxRounding
) -> tuple[Decimal, ...]:
    """Give each line its share of freight and insurance by value, so each is taxed at its own rates.

    Shares are rounded to the fen; the last line takes the remainder, so the lines' taxable
    prices add up to P exactly. When the goods value is 0 the first line takes all fees.
    """
    fees = inventory.freight + inventory.insured_fee
    goods = inventory.goods_value
    shares: list[Decimal] = []
    for line in inventory.lines[:-1]:
        shares.append(rounding(fees * line.total_price / goods) if goods > 0 else _ZERO)
    shares.append(fees - sum(shares, _ZERO))
    if goods == 0:
        shares = [fees] + [_ZERO] * (len(inventory.lines) - 1)
    return tuple(line.total_price + share for line, share in zip(inventory.lines, shares, strict=True))


def _is_single_item(p: ParametersAt, lines: Sequence[InventoryLine]) -> bool:
    count: Decimal = p.tax.retail_import.single_indivisible_item_quantity
    return len(lines) == 1 and lines[0].qty == count


@rule(
    code="tax.retail_import.limits",
    label="单次交易限值、个人年度交易限值判定",
    label_en="single-transaction and annual limits",
    reference="财关税〔2016〕18号 第三条; 财关税〔2018〕49号 一、二",
)
def limit_decision(
    p: ParametersAt, inventory: TaxableInventory, price: Decimal, annual_used: Decimal
) -> LimitOutcome:
    """Within both limits → reduced tax; one indivisible item over the single limit → full tax; else refused.

    The annual test counts this order: ``annual_used + P ≤ annual limit``.
    """
    single: Decimal = p.tax.retail_import.single_transaction_limit
    annual: Decimal = p.tax.retail_import.annual_limit_per_person
    within_annual = annual_used + price <= annual
    if price <= single:
        if within_annual:
            return LimitOutcome(Decision.WITHIN_LIMITS)
        return LimitOutcome(Decision.REFUSED, RefusalCode.OVER_ANNUAL_LIMIT)
    if not _is_single_item(p, inventory.lines):
        return LimitOutcome(Decision.REFUSED, RefusalCode.OVER_SINGLE_LIMIT)
    if within_annual:
        return LimitOutcome(Decision.SINGLE_ITEM_OVER_LIMIT)
    return LimitOutcome(Decision.REFUSED, RefusalCode.OVER_ANNUAL_LIMIT)


@rule(
    code="tax.retail_import.customs_duty_rate",
    label="关税税率（限值以内暂设为0%；全额征收时适用税则税率）",
    label_en="customs duty rate (0% within the limits; the tariff rate when taxed in full)",
    reference=(
        "财关税〔2016〕18号 第三条; 财关税〔2018〕49号 二; 暂定税率优先于最惠国税率 "
        "(关税法/进出口关税条例, background knowledge [U])"
    ),
)
def customs_duty_rate(p: ParametersAt, row: TariffLine, decision: Decision, gnum: int) -> DutyRate:
    """Within the limits duty is 0%; a single item over the limit pays the temporary rate, else the MFN rate.

    Raises:
        _CannotAssessError: full tax is due and the row has no duty rate.
    """
    if decision is Decision.WITHIN_LIMITS:
        rate: Decimal = p.tax.retail_import.duty_rate_within_limits
        return DutyRate(rate, "within the limits")
    if row.temporary_rate is not None:
        return DutyRate(row.temporary_rate, f"temporary rate of tariff row {row.hs_code}")
    if row.mfn_rate is not None:
        return DutyRate(row.mfn_rate, f"MFN rate of tariff row {row.hs_code}")
    raise _CannotAssessError(_issue(IssueCode.DUTY_RATE_UNKNOWN, gnum, row.hs_code))


@rule(
    code="tax.retail_import.consumption_tax",
    label="进口环节消费税（法定应纳税额）",
    label_en="import consumption tax (statutory amount)",
    reference="消费税税目税率表, per item (see the item's rule)",
)
def consumption_tax(
    p: ParametersAt, line: InventoryLine, row: TariffLine, value: Decimal, duty: Decimal
) -> Decimal:
    """Apply the consumption-tax rule the tariff row names; goods with none bear none.

    Raises:
        _CannotAssessError: unknown rule, or a per-litre tax without a declared volume.
    """
    if row.consumption_tax_rule is None:
        return _ZERO
    item_rule = CONSUMPTION_TAX_RULES.get(row.consumption_tax_rule)
    if item_rule is None:
        raise _CannotAssessError(
            _issue(IssueCode.UNKNOWN_CONSUMPTION_TAX_RULE, line.gnum, row.consumption_tax_rule)
        )
    try:
        return item_rule(p, line, value, duty)
    except VolumeUnknownError as exc:
        raise _CannotAssessError(_issue(IssueCode.VOLUME_UNKNOWN, line.gnum, row.hs_code)) from exc


@rule(
    code="tax.retail_import.import_vat_rate",
    label="进口环节增值税税率（按税则行的税率档次取当日税率）",
    label_en="import VAT rate (the rate of the line's class in force on the day)",
    reference="财政部 税务总局 海关总署公告2019年第39号 一 (and earlier rates, see tax.vat)",
)
def import_vat_rate(p: ParametersAt, row: TariffLine) -> Decimal:
    """Lines of the lower class take the lower rate, all others the standard rate (also when unknown)."""
    if row.vat_class is VatClass.LOWER:
        lower: Decimal = p.tax.vat.lower_rate
        return lower
    standard: Decimal = p.tax.vat.standard_rate
    return standard


@rule(
    code="tax.retail_import.import_vat",
    label="进口环节增值税（法定应纳税额）＝（完税价格＋关税＋消费税）×税率",
    label_en="import VAT (statutory) = (dutiable value + duty + consumption tax) × rate",
    reference="中华人民共和国增值税暂行条例 第十四条 组成计税价格 [U]; regulation.md §1.5",
)
def import_vat(p: ParametersAt, value: Decimal, duty: Decimal, excise: Decimal, rate: Decimal) -> Decimal:
    """Import VAT is charged on the dutiable value plus duty plus the full consumption tax."""
    return (value + duty + excise) * rate


@rule(
    code="tax.retail_import.charged_share",
    label="限值以内按法定应纳税额的70%征收；全额征收时为100%",
    label_en="share of the statutory VAT and consumption tax charged (70% within the limits, else all)",
    reference="财关税〔2016〕18号 第三条; 财关税〔2018〕49号 二",
)
def charged_share(p: ParametersAt, decision: Decision) -> Decimal:
    """Within the limits 70% of the statutory VAT and consumption tax is charged; otherwise all of it."""
    if decision is Decision.WITHIN_LIMITS:
        share: Decimal = p.tax.retail_import.vat_and_consumption_tax_share
        return share
    return _FULL


# --- assembly ------------------------------------------------------------------------------------


def _row_note(line: InventoryLine, match: TariffMatch) -> str:
    row = match.line
    how = {
        MatchKind.EXACT: "exact code",
        MatchKind.TARIFF_LINE: "by its 8-digit tariff line",
        MatchKind.SIBLING: "by a 10-digit row of the same tariff line with the same rates",
    }[match.kind]
    prefix = "UNVERIFIED tariff row" if row.mark is Mark.UNVERIFIED else "tariff row"
    text = (
        f"line {line.gnum}: {prefix} {row.hs_code} ({how}) {row.name_zh}; "
        f"source {row.source} {row.source_date or 'undated'}, mark {row.mark.value}"
    )
    if row.note:
        text += f"; {row.note}"
    if row.vat_class is None:
        text += "; VAT rate not seen for this row: the standard rate was applied [U]"
    return text


def _line(
    p: ParametersAt,
    line: InventoryLine,
    row: TariffLine,
    value: Decimal,
    decision: Decision,
    rounding: TaxRounding,
) -> LineAssessment:
    duty_rate = customs_duty_rate(p, row, decision, line.gnum)
    duty = value * duty_rate.rate
    excise = consumption_tax(p, line, row, value, duty)
    vat = import_vat(p, value, duty, excise, import_vat_rate(p, row))
    share = charged_share(p, decision)
    return LineAssessment(
        gnum=line.gnum,
        gcode=line.gcode,
        tariff_code=row.hs_code,
        taxable_price=rounding(value),
        customs_duty=rounding(duty),
        vat=rounding(vat * share),
        consumption_tax=rounding(excise * share),
    )


def _result(
    inventory: TaxableInventory,
    *,
    decision: Decision,
    price: Decimal,
    rounding: TaxRounding,
    trace: Trace,
    notes: list[str],
    refusal: RefusalCode | None = None,
    lines: tuple[LineAssessment, ...] = (),
    issues: tuple[AssessmentIssue, ...] = (),
) -> TaxAssessment:
    fen = rounding
    admitted = decision in (Decision.WITHIN_LIMITS, Decision.SINGLE_ITEM_OVER_LIMIT)
    head_price = sum((line.taxable_price for line in lines), _ZERO) if lines else fen(price)
    return TaxAssessment(
        order_no=inventory.order_no,
        accepted_on=inventory.accepted_on,
        decision=decision,
        refusal=refusal,
        taxable_price=head_price,
        counted_toward_annual_limit=head_price if admitted else fen(_ZERO),
        lines=lines,
        customs_duty=fen(sum((line.customs_duty for line in lines), _ZERO)),
        vat=fen(sum((line.vat for line in lines), _ZERO)),
        consumption_tax=fen(sum((line.consumption_tax for line in lines), _ZERO)),
        issues=issues,
        explanation=Explanation(
            steps=tuple(trace.steps),
            notes=tuple(notes),
            unverified_parameters=tuple(trace.unverified()),
        ),
    )


def assess(
    inventory: TaxableInventory, *, params: ParameterNode, tariff: TariffTable, annual_used: Decimal
) -> TaxAssessment:
    """Compute the retail import tax of one inventory under the law in force on its acceptance day.

    Args:
        inventory: the inventory (amounts as declared, CNY).
        params: the parameter tree (:func:`cbec.tax.load_parameters`).
        tariff: the tariff table (:func:`cbec.tax.load_tariff`).
        annual_used: what the buyer has already used of the annual limit this year (orders
            admitted earlier, less returns), not counting this inventory.

    Returns:
        The assessment: decision, per-line and total amounts to the fen, and the explanation.
        Unknown commodity codes, missing rates or volumes give ``Decision.NOT_ASSESSABLE`` with
        the issues listed; nothing is raised for them.

    Raises:
        ValueError: ``annual_used`` is negative.
    """
    if annual_used < 0:
        raise ValueError("annual_used must not be negative")
    trace = Trace()
    notes: list[str] = []
    p = params.at(inventory.accepted_on, trace=trace)
    with localcontext() as context:
        context.prec = _PRECISION
        try:
            return _assess(inventory, p, tariff, annual_used, trace, notes)
        except ParameterNotInForceError as exc:
            notes.append(str(exc))
            price = inventory.goods_value + inventory.freight + inventory.insured_fee
            return _result(
                inventory,
                decision=Decision.NOT_ASSESSABLE,
                price=price,
                rounding=TaxRounding(quantum=_DISPLAY_FEN, mode="half_up"),
                trace=trace,
                notes=notes,
                issues=(_issue(IssueCode.LAW_NOT_IN_FORCE, None, inventory.accepted_on.isoformat()),),
            )


def _assess(
    inventory: TaxableInventory,
    p: ParametersAt,
    tariff: TariffTable,
    annual_used: Decimal,
    trace: Trace,
    notes: list[str],
) -> TaxAssessment:
    rounding = tax_rounding(p)
    notes.append(
        "rounding is our choice (the law is silent): each tax of each line half-up to the fen; "
        "the totals are the sums of the lines"
    )
    matches: dict[int, TariffMatch] = {}
    issues: list[AssessmentIssue] = []
    for line in inventory.lines:
        match = tariff.match(line.gcode)
        if match is None:
            issues.append(_issue(IssueCode.UNKNOWN_TARIFF_LINE, line.gnum, line.gcode))
        else:
            matches[line.gnum] = match
            notes.append(_row_note(line, match))
    price = taxable_price(p, inventory)
    if issues:
        return _result(
            inventory,
            decision=Decision.NOT_ASSESSABLE,
            price=price,
            rounding=rounding,
            trace=trace,
            notes=notes,
            issues=tuple(issues),
        )
    outcome = limit_decision(p, inventory, price, annual_used)
    if outcome.decision is Decision.REFUSED:
        return _result(
            inventory,
            decision=outcome.decision,
            price=price,
            rounding=rounding,
            trace=trace,
            notes=notes,
            refusal=outcome.refusal,
        )
    if outcome.decision is Decision.SINGLE_ITEM_OVER_LIMIT:
        notes.append(
            "single indivisible item over the single limit: taxed in full, counted in the annual total"
        )
    values = apportion_fees(p, inventory, rounding)
    assessed: list[LineAssessment] = []
    for line, value in zip(inventory.lines, values, strict=True):
        with trace.scope(f"line {line.gnum}"):
            try:
                row = matches[line.gnum].line
                assessed.append(_line(p, line, row, value, outcome.decision, rounding))
            except _CannotAssessError as exc:
                issues.append(exc.issue)
    if issues:
        return _result(
            inventory,
            decision=Decision.NOT_ASSESSABLE,
            price=price,
            rounding=rounding,
            trace=trace,
            notes=notes,
            issues=tuple(issues),
        )
    return _result(
        inventory,
        decision=outcome.decision,
        price=price,
        rounding=rounding,
        trace=trace,
        notes=notes,
        lines=tuple(assessed),
    )
