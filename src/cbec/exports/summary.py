"""汇总申报: released 9610 export inventories merged into export declarations — pure, explained.

What the law requires (海关总署公告2018年第194号 十; regulation.md §3.1.4, ceb.md §4.21–4.23):

* by the 15th of each month (moved to the next working day on a holiday or rest day, see
  :mod:`cbec.exports.calendar`) the inventories (申报清单) released in the previous month are
  merged into 出口货物报关单;
* inventories go into one declaration when their **head** agrees: same consignor (收发货人
  ``ebcCode``), transport mode (``trafMode``), producer/seller (生产销售单位 ``ownerCode``),
  country of arrival (运抵国, head ``country``) and exit customs (出境关别 ``portCode``);
* inside a declaration, lines merge into one declaration line when they agree on the final
  destination country (line ``country``), the 10-digit commodity code (``gcode``) and the
  currency (``currency``);
* none of this applies to inventories cleared by "汇总统计" (``statisticsFlag`` A).

The CEB701 application adds two choices (ceb.md §4.21):

* ``summaryFlag`` 1 "按收发货人单一汇总" / 2 "按收发货人和生产销售单位汇总". **Our reading**: with 2 the
  producer/seller is a head key (the five keys of 194号); with 1 it is not, so inventories of
  several producers/sellers of one consignor share a declaration (each declaration lists the
  ``ownerCode`` values it holds, since our sources do not say which one customs enters);
* ``itemNameFlag`` "填1,按清单原始商品名相同汇总，不填则按商品综合分类名汇总": with 1 the enterprise goods
  name (``itemName``) is a line key; blank → the goods *classification* name, a customs table we do
  not have, so we key on the customs goods name ``gname`` instead (possibly more lines than
  customs forms, never fewer).

Two more conditions are ours, both parameters marked unverified: lines merge only when their units
(``unit``, ``unit1``, ``unit2``) agree, since their quantities are added (a different unit gives a
separate line that says why); and inventories go into one application only when they share the
declaring customs (``customsCode``) and agent (``agentCode``), the two head fields of CEB701.
Inventories released in different months never share a declaration (each month has its own
summary and deadline).

Every key list is a dated parameter (``parameters/summary_declaration/``) with its reference; the
result keeps, for each declaration line, the ``(invtNo, gnum)`` of every inventory line merged into
it (the CEB792 ``SummaryResultList``) and explains itself (:meth:`SummaryResult.explain`).
Quantities and values are added exactly (Decimal, inexact arithmetic raises).

Nothing here touches a database or the clock: inventories, parameters and "today" are passed in.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, Inexact, localcontext
from enum import StrEnum
from types import MappingProxyType
from typing import NamedTuple

from cbec.exports.calendar import HolidayCalendar, load_summary_parameters, summary_deadline
from cbec.rules import ParameterLookup, ParameterNode, ParametersAt, Trace, TraceStep, rule

__all__ = [
    "HEAD_FIELDS",
    "LINE_FIELDS",
    "SUMMARY_FINDING_TITLES",
    "Declaration",
    "ExportInventory",
    "ExportInventoryLine",
    "MergeKeys",
    "MergedLine",
    "OnceOnly",
    "ResultListRow",
    "SummaryExplanation",
    "SummaryFinding",
    "SummaryFindingCode",
    "SummaryFlag",
    "SummaryParameterError",
    "SummaryResult",
    "application_keys",
    "deadline_findings",
    "head_keys",
    "line_keys",
    "load_summary_parameters",
    "merge_keys",
    "once_only",
    "summarised_statistics_flags",
    "summarised_trade_modes",
    "summarize",
    "unit_keys",
]

_ZERO = Decimal(0)
_PRECISION = 60  # digits; far above N19,5 sums, and Inexact is trapped anyway
_ITEM_NAME_FLAG_BY_ENTERPRISE_NAME = "1"  # CEB701 itemNameFlag: "填1,按清单原始商品名相同汇总"
_ITEM_NAME_FLAG_PATHS: Mapping[str | None, str] = MappingProxyType(
    {_ITEM_NAME_FLAG_BY_ENTERPRISE_NAME: "line_keys.item_name_flag_1", None: "line_keys.item_name_flag_blank"}
)


class SummaryFlag(StrEnum):
    """CEB701 ``summaryFlag`` (收发货人汇总标志)."""

    BY_CONSIGNOR = "1"
    """按收发货人单一汇总: by consignor alone."""
    BY_CONSIGNOR_AND_PRODUCER = "2"
    """按收发货人和生产销售单位汇总: by consignor and producer/seller."""


class SummaryParameterError(ValueError):
    """A summary parameter names a field this module does not know, or a flag is not a CEB value."""


# --- input ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportInventoryLine:
    """One line of a released export inventory (CEB603 ``InventoryList``), as declared.

    Attributes:
        gnum: line number (商品项号), from 1.
        gcode: 10-digit commodity code (海关商品编码).
        gname: customs goods name (商品名称).
        item_name: the enterprise's goods name (``itemName``, 企业商品名称), None when not declared.
        country: final destination country (最终目的国, customs code).
        currency: currency code (币制).
        qty: declared quantity (申报数量) in ``unit``.
        unit: declared unit code (申报计量单位).
        qty1: quantity in the first legal unit (法定数量).
        unit1: first legal unit code.
        qty2: quantity in the second legal unit, None when absent.
        unit2: second legal unit code, None when absent.
        price: unit price (单价).
        total_price: line total (总价).
    """

    gnum: int
    gcode: str
    gname: str
    item_name: str | None
    country: str
    currency: str
    qty: Decimal
    unit: str
    qty1: Decimal
    unit1: str
    qty2: Decimal | None
    unit2: str | None
    price: Decimal
    total_price: Decimal


@dataclass(frozen=True, slots=True)
class ExportInventory:
    """A released export inventory (CEB603 ``InventoryHead`` with its lines), as declared.

    Attributes:
        invt_no: customs inventory number (清单编号).
        released_on: Beijing date of release (结关/放行); its month is the summary month.
        ie_date: export date declared on the inventory (``ieDate``, 出口日期).
        trade_mode: customs procedure code (``tradeMode``), e.g. ``"9610"``.
        statistics_flag: ``statisticsFlag``: ``"A"`` 简化申报 or ``"B"`` 汇总申报.
        customs_code: declaring customs office (``customsCode``, 申报海关).
        agent_code: declaring agent (``agentCode``, 申报企业).
        ebc_code: consignor (``ebcCode``, 收发货人).
        ebc_name: consignor's registered name (``ebcName``).
        owner_code: producer/seller (``ownerCode``, 生产销售单位).
        traf_mode: transport mode (``trafMode``, 运输方式).
        country: country of arrival (head ``country``, 运抵国).
        port_code: exit customs (``portCode``, 出境关别/出口口岸).
        logistics_no: waybill number (``logisticsNo``), reported back in CEB792.
        gross_weight: gross weight in kg (``grossWeight``).
        net_weight: net weight in kg (``netWeight``).
        lines: the lines.
    """

    invt_no: str
    released_on: date
    ie_date: date
    trade_mode: str
    statistics_flag: str
    customs_code: str
    agent_code: str
    ebc_code: str
    ebc_name: str
    owner_code: str
    traf_mode: str
    country: str
    port_code: str
    logistics_no: str
    gross_weight: Decimal
    net_weight: Decimal
    lines: tuple[ExportInventoryLine, ...]

    @property
    def month(self) -> date:
        """The first day of the month of release (the summary month)."""
        return self.released_on.replace(day=1)


HEAD_FIELDS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "customsCode": ("customs_code", "申报海关"),
        "agentCode": ("agent_code", "申报企业"),
        "ebcCode": ("ebc_code", "收发货人"),
        "ownerCode": ("owner_code", "生产销售单位"),
        "trafMode": ("traf_mode", "运输方式"),
        "country": ("country", "运抵国"),
        "portCode": ("port_code", "出境关别"),
    }
)
"""Inventory head fields a parameter may name as a key: CEB603 name → (attribute, Chinese label)."""

LINE_FIELDS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "country": ("country", "最终目的国"),
        "gcode": ("gcode", "10位海关商品编码"),
        "currency": ("currency", "币制"),
        "gname": ("gname", "商品名称"),
        "itemName": ("item_name", "企业商品名称"),
        "unit": ("unit", "申报计量单位"),
        "unit1": ("unit1", "法定计量单位"),
        "unit2": ("unit2", "第二计量单位"),
    }
)
"""Inventory line fields a parameter may name as a key: CEB603 name → (attribute, Chinese label)."""


# --- findings ------------------------------------------------------------------------------------

SUMMARY_FINDING_TITLES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "EXPORT_SUMMARY_ALREADY": ("清单已汇总，不能重复汇总", "inventory already summarised"),
        "EXPORT_SUMMARY_DUPLICATE": (
            "同一清单在本次汇总中重复出现，只汇总一次",
            "the same inventory appears twice in this summary; it is summarised once",
        ),
        "EXPORT_SUMMARY_NOT_ELIGIBLE": (
            "清单非9610或非汇总申报（B），不纳入汇总申报",
            "inventory not 9610 or not summary-declared (B); not summarised",
        ),
        "EXPORT_SUMMARY_LATE": (
            "超过汇总申报期限（次月15日，遇法定节假日、休息日顺延）",
            "after the summary deadline (15th of the next month, moved to the next working day)",
        ),
    }
)
"""Chinese and English titles of every finding code."""


class SummaryFindingCode(StrEnum):
    """Stable codes of summary findings (published; never change them).

    The values match :class:`cbec.exports.reasons.ExportReason` where that enum has the case.
    """

    ALREADY_SUMMARISED = "EXPORT_SUMMARY_ALREADY"
    DUPLICATE = "EXPORT_SUMMARY_DUPLICATE"
    NOT_ELIGIBLE = "EXPORT_SUMMARY_NOT_ELIGIBLE"
    LATE = "EXPORT_SUMMARY_LATE"

    @property
    def zh(self) -> str:
        """Chinese title."""
        return SUMMARY_FINDING_TITLES[self.value][0]

    @property
    def en(self) -> str:
        """English title."""
        return SUMMARY_FINDING_TITLES[self.value][1]


class SummaryFinding(NamedTuple):
    """A refusal or a finding: (code, zh, en, invt_no, detail)."""

    code: SummaryFindingCode
    zh: str
    en: str
    invt_no: str | None
    detail: str

    @classmethod
    def of(cls, code: SummaryFindingCode, invt_no: str | None, detail: str) -> SummaryFinding:
        """Build a finding with the code's titles."""
        return cls(code, code.zh, code.en, invt_no, detail)

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready form."""
        return {
            "code": self.code.value,
            "zh": self.zh,
            "en": self.en,
            "invt_no": self.invt_no,
            "detail": self.detail,
        }


# --- rules: which keys -------------------------------------------------------------------------


def _names(text: str, known: Mapping[str, tuple[str, str]], path: str) -> tuple[str, ...]:
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [name for name in names if name not in known]
    if unknown:
        raise SummaryParameterError(f"{path} names unknown fields {unknown} (known: {', '.join(known)})")
    return names


def _codes(text: str) -> frozenset[str]:
    return frozenset(part.strip() for part in text.split(",") if part.strip())


@rule(
    code="exports.summary.trade_modes",
    label="适用清单核放、汇总申报的监管方式",
    label_en="procedure codes whose inventories are summarised",
    reference="海关总署公告2014年第12号 (9610 清单核放、汇总申报); 海关总署公告2018年第194号 十",
)
def summarised_trade_modes(p: ParametersAt) -> frozenset[str]:
    """Only inventories of the summary-declared procedure (9610) are merged into export declarations."""
    return _codes(p.text("trade_modes"))


@rule(
    code="exports.summary.statistics_flags",
    label="申报业务类型为汇总申报（B）的清单方纳入汇总",
    label_en="only inventories declared for summary declaration (statisticsFlag B) are summarised",
    reference="CEB603 statisticsFlag (A-简化申报;B-汇总申报); 海关总署公告2018年第194号 十",
)
def summarised_statistics_flags(p: ParametersAt) -> frozenset[str]:
    """Inventories cleared by 汇总统计 / 简化申报 (A) form no declaration; only B ones are summarised."""
    return _codes(p.text("statistics_flags"))


@rule(
    code="exports.summary.application_keys",
    label="同一汇总申请单：同一申报地海关、同一申报单位（我方理解）",
    label_en="one summary application: same declaring customs and agent (our reading)",
    reference="CEB701 SummaryApplyHead customsCode, agentCode (ceb.md §4.21) [U]",
)
def application_keys(p: ParametersAt) -> tuple[str, ...]:
    """A CEB701 application has one declaring customs and one agent, so its inventories share them."""
    return _names(p.text("application_keys"), HEAD_FIELDS, "application_keys")


@rule(
    code="exports.summary.head_keys",
    label="清单表头归并：同一收发货人、运输方式、生产销售单位（汇总标志2）、运抵国、出境关别",
    label_en=(
        "head merge keys: consignor, transport mode, producer/seller (summaryFlag 2), "
        "country of arrival, exit customs"
    ),
    reference="海关总署公告2018年第194号 十; CEB701 summaryFlag",
)
def head_keys(p: ParametersAt, summary_flag: SummaryFlag) -> tuple[str, ...]:
    """Inventories form one declaration when these head fields agree (producer/seller only with flag 2)."""
    path = f"head_keys.summary_flag_{summary_flag.value}"
    return _names(p.text(path), HEAD_FIELDS, path)


@rule(
    code="exports.summary.line_keys",
    label="清单表体归并：同一最终目的国、10位海关商品编码、币制、商品名称（按商品名汇总标志）",
    label_en="line merge keys: destination country, 10-digit code, currency, goods name (by itemNameFlag)",
    reference="海关总署公告2018年第194号 十; CEB701 itemNameFlag",
)
def line_keys(p: ParametersAt, item_name_flag: str | None) -> tuple[str, ...]:
    """Lines merge into one declaration line when these line fields agree."""
    path = _ITEM_NAME_FLAG_PATHS[item_name_flag]
    return _names(p.text(path), LINE_FIELDS, path)


@rule(
    code="exports.summary.unit_keys",
    label="归并的商品项计量单位须一致（我方选择：数量相加须同一单位）",
    label_en="merged lines must share their units (our choice: quantities are added)",
    reference="我方选择 [U]; 海关总署公告2018年第194号 十 的归并规则未提及计量单位",
)
def unit_keys(p: ParametersAt) -> tuple[str, ...]:
    """Quantities in different units cannot be added, so lines with different units stay apart."""
    return _names(p.text("unit_keys"), LINE_FIELDS, "unit_keys")


@dataclass(frozen=True, slots=True)
class MergeKeys:
    """The keys of one summary, as read from the parameters (CEB603 element names).

    Attributes:
        trade_modes: procedure codes that are summarised.
        statistics_flags: ``statisticsFlag`` values that are summarised.
        application: head fields one application shares.
        head: head fields one declaration shares.
        line: line fields one declaration line shares.
        units: unit fields one declaration line shares.
    """

    trade_modes: frozenset[str]
    statistics_flags: frozenset[str]
    application: tuple[str, ...]
    head: tuple[str, ...]
    line: tuple[str, ...]
    units: tuple[str, ...]

    @property
    def declaration(self) -> tuple[str, ...]:
        """Application keys then head keys, without repeats."""
        return tuple(dict.fromkeys((*self.application, *self.head)))


def merge_keys(p: ParametersAt, summary_flag: SummaryFlag, item_name_flag: str | None) -> MergeKeys:
    """Read every key of a summary from the parameters in force.

    Raises:
        SummaryParameterError: a parameter names an unknown field.
    """
    return MergeKeys(
        trade_modes=summarised_trade_modes(p),
        statistics_flags=summarised_statistics_flags(p),
        application=application_keys(p),
        head=head_keys(p, summary_flag),
        line=line_keys(p, item_name_flag),
        units=unit_keys(p),
    )


# --- output --------------------------------------------------------------------------------------


class ResultListRow(NamedTuple):
    """One CEB792 ``SummaryResultList`` row: an inventory line and the declaration line it went to.

    ``gseqno`` is the declaration line number — our reading of the XSD's "汇总结果单的顺序号" [U]:
    with ``invtNo``/``gnum`` (清单商品项的序号) it is the only field that can carry the mapping.
    """

    invt_no: str
    logistics_no: str
    gseqno: int
    gnum: int
    gcode: str


@dataclass(frozen=True, slots=True)
class MergedLine:
    """One declaration line: inventory lines with the same merge keys and units, added up.

    Attributes:
        gnum: line number in the declaration, from 1 (CEB792 ``gseqno``).
        keys: the merge-key values (CEB603 names → value).
        gcode: 10-digit commodity code (of the first source line; a key, so shared by all).
        gname: customs goods name of the first source line.
        item_name: enterprise goods name of the first source line.
        country: final destination country of the first source line.
        currency: currency of the first source line.
        unit: declared unit.
        unit1: first legal unit.
        unit2: second legal unit, None when absent.
        qty: Σ declared quantities.
        qty1: Σ first legal quantities.
        qty2: Σ second legal quantities (None when no source line has one).
        total_price: Σ line totals, in ``currency``.
        sources: ``(invtNo, gnum)`` of every inventory line merged here, in order.
        split_reason: why this line is not merged with an earlier line of the same keys (units), or None.
    """

    gnum: int
    keys: Mapping[str, str | None]
    gcode: str
    gname: str
    item_name: str | None
    country: str
    currency: str
    unit: str
    unit1: str
    unit2: str | None
    qty: Decimal
    qty1: Decimal
    qty2: Decimal | None
    total_price: Decimal
    sources: tuple[tuple[str, int], ...]
    split_reason: str | None = None

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready form (amounts as strings)."""
        return {
            "gnum": self.gnum,
            "keys": dict(self.keys),
            "gcode": self.gcode,
            "gname": self.gname,
            "itemName": self.item_name,
            "country": self.country,
            "currency": self.currency,
            "unit": self.unit,
            "unit1": self.unit1,
            "unit2": self.unit2,
            "qty": str(self.qty),
            "qty1": str(self.qty1),
            "qty2": None if self.qty2 is None else str(self.qty2),
            "totalPrice": str(self.total_price),
            "sources": [{"invtNo": invt_no, "gnum": gnum} for invt_no, gnum in self.sources],
            "split_reason": self.split_reason,
        }


@dataclass(frozen=True, slots=True)
class Declaration:
    """One export declaration (出口货物报关单) formed by the summary.

    Attributes:
        number: position in the summary, from 1.
        month: first day of the release month it summarises.
        keys: the application and head key values (CEB603 names → value).
        owner_codes: the distinct producers/sellers (``ownerCode``) of its inventories; more than
            one only with summaryFlag 1.
        inventories: the inventory numbers, in order.
        logistics_nos: waybill number of each inventory.
        lines: the merged lines.
        gross_weight: Σ inventory gross weights (kg).
        net_weight: Σ inventory net weights (kg).
    """

    number: int
    month: date
    keys: Mapping[str, str]
    owner_codes: tuple[str, ...]
    inventories: tuple[str, ...]
    logistics_nos: Mapping[str, str]
    lines: tuple[MergedLine, ...]
    gross_weight: Decimal
    net_weight: Decimal

    @property
    def ebc_code(self) -> str | None:
        """The consignor (收发货人), when it is a key."""
        return self.keys.get("ebcCode")

    @property
    def owner_code(self) -> str | None:
        """The producer/seller (生产销售单位) when it is a key (summaryFlag 2), else None."""
        return self.keys.get("ownerCode")

    @property
    def source_line_count(self) -> int:
        """How many inventory lines were merged."""
        return sum(len(line.sources) for line in self.lines)

    @property
    def total_price_by_currency(self) -> Mapping[str, Decimal]:
        """Σ line values per currency (a declaration may hold lines in several currencies)."""
        totals: dict[str, Decimal] = {}
        with localcontext() as context:
            context.prec = _PRECISION
            context.traps[Inexact] = True
            for line in self.lines:
                totals[line.currency] = totals.get(line.currency, _ZERO) + line.total_price
        return MappingProxyType(dict(sorted(totals.items())))

    def result_list(self) -> tuple[ResultListRow, ...]:
        """The CEB792 ``SummaryResultList`` rows: each inventory line with its declaration line number."""
        return tuple(
            ResultListRow(invt_no, self.logistics_nos[invt_no], line.gnum, gnum, line.gcode)
            for line in self.lines
            for invt_no, gnum in line.sources
        )

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready form (amounts as strings)."""
        return {
            "number": self.number,
            "month": self.month.strftime("%Y-%m"),
            "keys": dict(self.keys),
            "owner_codes": list(self.owner_codes),
            "inventories": list(self.inventories),
            "gross_weight": str(self.gross_weight),
            "net_weight": str(self.net_weight),
            "total_price_by_currency": {k: str(v) for k, v in self.total_price_by_currency.items()},
            "lines": [line.to_dict() for line in self.lines],
        }


@dataclass(frozen=True, slots=True)
class SummaryExplanation:
    """Which rules and parameter values shaped the summary.

    Attributes:
        steps: the rules applied with the parameters each read (value, date, reference).
        notes: what the reader must know (choices of ours, splits, several producers/sellers).
        unverified_parameters: parameter values used that the references could not confirm.
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
class SummaryResult:
    """The declarations formed from a set of released inventories, and what was left out.

    Attributes:
        summary_flag: the CEB701 summaryFlag used.
        item_name_flag: the CEB701 itemNameFlag used (None = blank).
        keys: the keys read from the parameters.
        declarations: the declarations, sorted by month and key values.
        refusals: inventories not summarised, with the reason.
        explanation: rules, parameters and notes.
    """

    summary_flag: SummaryFlag
    item_name_flag: str | None
    keys: MergeKeys
    declarations: tuple[Declaration, ...]
    refusals: tuple[SummaryFinding, ...]
    explanation: SummaryExplanation

    @property
    def summarised(self) -> frozenset[str]:
        """The inventory numbers that went into a declaration."""
        return frozenset(invt_no for declaration in self.declarations for invt_no in declaration.inventories)

    def explain(self) -> str:
        """Return a plain-text account: keys with their sources, declarations, lines, refusals, notes."""
        return _explain(self)

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready form."""
        return {
            "summaryFlag": self.summary_flag.value,
            "itemNameFlag": self.item_name_flag,
            "keys": {
                "application": list(self.keys.application),
                "head": list(self.keys.head),
                "line": list(self.keys.line),
                "units": list(self.keys.units),
            },
            "declarations": [declaration.to_dict() for declaration in self.declarations],
            "refusals": [refusal.to_dict() for refusal in self.refusals],
            "explanation": self.explanation.to_dict(),
        }

    def to_json(self) -> str:
        """Return the JSON text of :meth:`to_dict` (UTF-8, Chinese kept as is)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)


# --- the merge -----------------------------------------------------------------------------------


@dataclass
class _LineBuilder:
    keys: Mapping[str, str | None]
    units: tuple[str | None, ...]
    first: ExportInventoryLine
    split_reason: str | None
    qty: Decimal = _ZERO
    qty1: Decimal = _ZERO
    qty2: Decimal | None = None
    total_price: Decimal = _ZERO
    sources: list[tuple[str, int]] = field(default_factory=list)

    def add(self, invt_no: str, line: ExportInventoryLine) -> None:
        self.qty += line.qty
        self.qty1 += line.qty1
        if line.qty2 is not None:
            self.qty2 = line.qty2 if self.qty2 is None else self.qty2 + line.qty2
        self.total_price += line.total_price
        self.sources.append((invt_no, line.gnum))

    def build(self, gnum: int) -> MergedLine:
        first = self.first
        return MergedLine(
            gnum=gnum,
            keys=MappingProxyType(dict(self.keys)),
            gcode=first.gcode,
            gname=first.gname,
            item_name=first.item_name,
            country=first.country,
            currency=first.currency,
            unit=first.unit,
            unit1=first.unit1,
            unit2=first.unit2,
            qty=self.qty,
            qty1=self.qty1,
            qty2=self.qty2,
            total_price=self.total_price,
            sources=tuple(self.sources),
            split_reason=self.split_reason,
        )


def _line_value(line: ExportInventoryLine, name: str) -> str | None:
    value: str | None = getattr(line, LINE_FIELDS[name][0])
    return value


def _head_value(inventory: ExportInventory, name: str) -> str:
    value: str = getattr(inventory, HEAD_FIELDS[name][0])
    return value


def _units_text(names: Sequence[str], values: Sequence[str | None]) -> str:
    return ", ".join(f"{name} {value or '—'}" for name, value in zip(names, values, strict=True))


def _merge_lines(inventories: Sequence[ExportInventory], keys: MergeKeys) -> tuple[MergedLine, ...]:
    builders: list[_LineBuilder] = []
    by_key: dict[tuple[str | None, ...], list[_LineBuilder]] = {}
    for inventory in inventories:
        for line in sorted(inventory.lines, key=lambda item: item.gnum):
            key = tuple(_line_value(line, name) for name in keys.line)
            units = tuple(_line_value(line, name) for name in keys.units)
            candidates = by_key.setdefault(key, [])
            builder = next((b for b in candidates if b.units == units), None)
            if builder is None:
                reason = None
                if candidates:
                    earlier = candidates[0]
                    reason = (
                        f"same merge keys as declaration line {builders.index(earlier) + 1} but other units "
                        f"({_units_text(keys.units, units)} vs {_units_text(keys.units, earlier.units)}); "
                        "quantities in different units cannot be added"
                    )
                builder = _LineBuilder(
                    keys=dict(zip(keys.line, key, strict=True)), units=units, first=line, split_reason=reason
                )
                candidates.append(builder)
                builders.append(builder)
            builder.add(inventory.invt_no, line)
    return tuple(builder.build(number) for number, builder in enumerate(builders, start=1))


def _declaration(
    number: int, month: date, key: tuple[str, ...], inventories: Sequence[ExportInventory], keys: MergeKeys
) -> Declaration:
    return Declaration(
        number=number,
        month=month,
        keys=MappingProxyType(dict(zip(keys.declaration, key, strict=True))),
        owner_codes=tuple(dict.fromkeys(inventory.owner_code for inventory in inventories)),
        inventories=tuple(inventory.invt_no for inventory in inventories),
        logistics_nos=MappingProxyType(
            {inventory.invt_no: inventory.logistics_no for inventory in inventories}
        ),
        lines=_merge_lines(inventories, keys),
        gross_weight=sum((inventory.gross_weight for inventory in inventories), _ZERO),
        net_weight=sum((inventory.net_weight for inventory in inventories), _ZERO),
    )


def _eligibility(inventory: ExportInventory, keys: MergeKeys) -> str | None:
    problems = []
    if inventory.trade_mode not in keys.trade_modes:
        problems.append(
            f"tradeMode {inventory.trade_mode} (summarised: {', '.join(sorted(keys.trade_modes))})"
        )
    if inventory.statistics_flag not in keys.statistics_flags:
        allowed = ", ".join(sorted(keys.statistics_flags))
        problems.append(f"statisticsFlag {inventory.statistics_flag} (summarised: {allowed})")
    return "; ".join(problems) or None


def _blank(flag: str | None) -> str | None:
    """CEB "不填": an absent or empty itemNameFlag."""
    return flag.strip() or None if flag is not None else None


def _check_flags(summary_flag: str, item_name_flag: str | None) -> SummaryFlag:
    try:
        flag = SummaryFlag(summary_flag)
    except ValueError:
        raise SummaryParameterError(f"summaryFlag must be 1 or 2, not {summary_flag!r}") from None
    if item_name_flag not in _ITEM_NAME_FLAG_PATHS:
        raise SummaryParameterError(f"itemNameFlag must be 1 or blank (None), not {item_name_flag!r}")
    return flag


def _notes(flag: SummaryFlag, item_name_flag: str | None, declarations: Sequence[Declaration]) -> list[str]:
    notes = []
    if flag is SummaryFlag.BY_CONSIGNOR:
        notes.append(
            "summaryFlag 1 (按收发货人单一汇总): the producer/seller (ownerCode) is not a merge key — our "
            "reading of the CEB701 flag; 194号 十 lists 同一生产销售单位 without the flag [U]"
        )
    if item_name_flag is None:
        notes.append(
            "itemNameFlag blank (按商品综合分类名汇总): the classification name table is not available; "
            "lines are keyed on the customs goods name gname instead (more lines than customs may form, "
            "never fewer) [U]"
        )
    else:
        notes.append("itemNameFlag 1: lines without an itemName merge only with other lines without one")
    notes.append("lines merge only when their units (unit, unit1, unit2) agree — our choice [U]")
    for declaration in declarations:
        if len(declaration.owner_codes) > 1:
            notes.append(
                f"declaration {declaration.number} holds inventories of {len(declaration.owner_codes)} "
                f"producers/sellers ({', '.join(declaration.owner_codes)}): which one the 报关单 names is "
                "not stated in our sources"
            )
        for line in declaration.lines:
            if line.split_reason:
                notes.append(f"declaration {declaration.number} line {line.gnum}: {line.split_reason}")
    return notes


def summarize(
    inventories: Iterable[ExportInventory],
    *,
    summary_flag: str,
    item_name_flag: str | None,
    params: ParametersAt,
) -> SummaryResult:
    """Merge released 9610 inventories into export declarations by the keys of 194号 十 and the CEB701 flags.

    Args:
        inventories: released export inventories (any order; the result does not depend on it).
        summary_flag: CEB701 ``summaryFlag``: ``"1"`` by consignor, ``"2"`` by consignor and producer/seller.
        item_name_flag: CEB701 ``itemNameFlag``: ``"1"`` by the enterprise goods name, None or ``""``
            (不填) by the classification name (keyed on ``gname``, see the module).
        params: the summary parameters as in force on the day of the application, e.g.
            ``load_summary_parameters().at(day)``; when the view has a trace, the rules and
            parameters are recorded in it, else in a trace of the summary's own.

    Returns:
        The declarations (each with its merged lines and their source lines), the refusals
        (not 9610, not statisticsFlag B, duplicates in the input) and the explanation.

    Raises:
        SummaryParameterError: a flag is not a CEB value, or a parameter names an unknown field.
        cbec.rules.ParameterNotInForceError: no summary parameters on the view's day.
    """
    item_name_flag = _blank(item_name_flag)
    flag = _check_flags(summary_flag, item_name_flag)
    view = params if params.trace is not None else ParametersAt(params.node, params.on, Trace())
    assert view.trace is not None
    keys = merge_keys(view, flag, item_name_flag)
    refusals: list[SummaryFinding] = []
    seen: set[str] = set()
    groups: dict[tuple[date, tuple[str, ...]], list[ExportInventory]] = {}
    for inventory in sorted(inventories, key=lambda item: (item.released_on, item.invt_no)):
        if inventory.invt_no in seen:
            refusals.append(
                SummaryFinding.of(SummaryFindingCode.DUPLICATE, inventory.invt_no, "second occurrence")
            )
            continue
        seen.add(inventory.invt_no)
        problem = _eligibility(inventory, keys)
        if problem is not None:
            refusals.append(SummaryFinding.of(SummaryFindingCode.NOT_ELIGIBLE, inventory.invt_no, problem))
            continue
        key = tuple(_head_value(inventory, name) for name in keys.declaration)
        groups.setdefault((inventory.month, key), []).append(inventory)
    with localcontext() as context:
        context.prec = _PRECISION
        context.traps[Inexact] = True
        declarations = tuple(
            _declaration(number, month, key, groups[(month, key)], keys)
            for number, (month, key) in enumerate(sorted(groups), start=1)
        )
    trace = view.trace
    return SummaryResult(
        summary_flag=flag,
        item_name_flag=item_name_flag,
        keys=keys,
        declarations=declarations,
        refusals=tuple(refusals),
        explanation=SummaryExplanation(
            steps=tuple(trace.steps),
            notes=tuple(_notes(flag, item_name_flag, declarations)),
            unverified_parameters=tuple(trace.unverified()),
        ),
    )


# --- once only, deadlines ------------------------------------------------------------------------


class OnceOnly(NamedTuple):
    """The inventories still to summarise, and the refusals for the others."""

    pending: tuple[ExportInventory, ...]
    refusals: tuple[SummaryFinding, ...]


def once_only(inventories: Iterable[ExportInventory], already_summarised: Collection[str]) -> OnceOnly:
    """Each inventory is summarised once: refuse those already in a summary, and repeats in the input.

    Args:
        inventories: candidates, in the caller's order (kept).
        already_summarised: inventory numbers already in an earlier summary application.

    Returns:
        The pending inventories (first occurrence of each) and one refusal per left-out inventory:
        ``EXPORT_SUMMARY_ALREADY`` or ``EXPORT_SUMMARY_DUPLICATE``.
    """
    pending: list[ExportInventory] = []
    refusals: list[SummaryFinding] = []
    seen: set[str] = set()
    for inventory in inventories:
        if inventory.invt_no in already_summarised:
            refusals.append(
                SummaryFinding.of(
                    SummaryFindingCode.ALREADY_SUMMARISED,
                    inventory.invt_no,
                    "in an earlier summary application",
                )
            )
        elif inventory.invt_no in seen:
            refusals.append(
                SummaryFinding.of(SummaryFindingCode.DUPLICATE, inventory.invt_no, "second occurrence")
            )
        else:
            seen.add(inventory.invt_no)
            pending.append(inventory)
    return OnceOnly(tuple(pending), tuple(refusals))


def deadline_findings(
    month: date,
    today: date,
    *,
    calendar: HolidayCalendar | None = None,
    params: ParameterNode | None = None,
) -> tuple[SummaryFinding, ...]:
    """A summary of ``month`` after its deadline (15th of the next month, or the next working day) is late.

    Call it for a month whose released inventories are not all summarised yet, or when an
    application arrives.

    Args:
        month: any day of the release month.
        today: the Beijing date of the summary (or of the check).
        calendar: the holiday calendar (packaged by default).
        params: the summary parameter tree (packaged by default).

    Returns:
        One ``EXPORT_SUMMARY_LATE`` finding with the deadline and the days late, or nothing when on time.

    Raises:
        CalendarYearNotCoveredError: the deadline's year is not in the calendar.
    """
    deadline = summary_deadline(month, calendar=calendar, params=params)
    if today <= deadline:
        return ()
    days = (today - deadline).days
    detail = (
        f"summary of {month.strftime('%Y-%m')} due {deadline.isoformat()}; "
        f"{days} day(s) late on {today.isoformat()}"
    )
    return (SummaryFinding.of(SummaryFindingCode.LATE, None, detail),)


# --- explanation ---------------------------------------------------------------------------------


def _field_list(names: Sequence[str], fields: Mapping[str, tuple[str, str]]) -> str:
    return ", ".join(f"{fields[name][1]} {name}" for name in names) or "—"


def _explain(result: SummaryResult) -> str:
    keys = result.keys
    flag_text = {
        SummaryFlag.BY_CONSIGNOR: "按收发货人单一汇总",
        SummaryFlag.BY_CONSIGNOR_AND_PRODUCER: "按收发货人和生产销售单位汇总",
    }[result.summary_flag]
    item_text = "按企业商品名汇总" if result.item_name_flag else "按商品综合分类名汇总 (gname)"
    out = [
        f"汇总申报 summary: summaryFlag {result.summary_flag.value} ({flag_text}), "
        f"itemNameFlag {result.item_name_flag or 'blank'} ({item_text})",
        f"  summarised: tradeMode {', '.join(sorted(keys.trade_modes))}; "
        f"statisticsFlag {', '.join(sorted(keys.statistics_flags))}",
        f"  application keys: {_field_list(keys.application, HEAD_FIELDS)}",
        f"  declaration (head) keys: {_field_list(keys.head, HEAD_FIELDS)}; and the release month",
        f"  line keys: {_field_list(keys.line, LINE_FIELDS)}; units: {_field_list(keys.units, LINE_FIELDS)}",
        "  rules and parameters:",
    ]
    for step in result.explanation.steps:
        out.append(f"    {step.code} — {step.label} [{step.reference}]")
        for lookup in step.parameters:
            mark = "" if lookup.verified else " [unverified]"
            out.append(
                f"      {lookup.path} = {lookup.value} (from {lookup.effective_from.isoformat()}, "
                f"{lookup.reference.cite()}){mark}"
            )
    for declaration in result.declarations:
        totals = ", ".join(
            f"{value} {currency}" for currency, value in declaration.total_price_by_currency.items()
        )
        keys_text = ", ".join(f"{name} {value}" for name, value in declaration.keys.items())
        out.append(
            f"declaration {declaration.number}: month {declaration.month.strftime('%Y-%m')}; {keys_text}; "
            f"{len(declaration.inventories)} inventories, {declaration.source_line_count} lines → "
            f"{len(declaration.lines)} lines; value {totals or '—'}"
        )
        for line in declaration.lines:
            sources = ", ".join(f"{invt_no}#{gnum}" for invt_no, gnum in line.sources)
            qty2 = "" if line.qty2 is None else f", qty2 {line.qty2} {line.unit2}"
            out.append(
                f"  line {line.gnum}: gcode {line.gcode}, country {line.country}, {line.gname}; "
                f"qty {line.qty} {line.unit}, qty1 {line.qty1} {line.unit1}{qty2}; "
                f"totalPrice {line.total_price} {line.currency} ← {sources}"
            )
    for refusal in result.refusals:
        out.append(f"not summarised: {refusal.invt_no}: {refusal.code.value} {refusal.zh} ({refusal.detail})")
    out.extend(f"note: {note}" for note in result.explanation.notes)
    return "\n".join(out)
