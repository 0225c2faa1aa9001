"""Does an export line qualify for 无票免税? Findings for what does not — pure.

What the law requires (财税〔2018〕103号 一; regulation.md §5.1): a zone exporter's goods without
valid purchase documents are exempt from VAT and consumption tax when **all** of these hold:

1. the exporter is registered in the zone and records each export on the zone platform
   (:func:`cbec.tax.export.no_invoice_exemption_entry`);
2. the goods are declared as e-commerce exports at a customs office of the zone's locality;
3. the goods are not among those whose export rebate or exemption MOF and SAT cancelled under a
   State Council decision.

:func:`qualifies` checks what a single line can tell: condition 3 against the list of cancelled
codes (data: ``rebate_cancelled_codes.yaml``, **empty by default** — the list is not in our
reference material), the procedure code (9610 only, a parameter marked [S]: secondary sources say
9710/9810 exports normally have invoices and claim rebates), and that the policy is in force on
the export date (from 2018-10-01). Conditions 1 and 2 are facts about the enterprise's registration
and the declaring customs office; the caller establishes them.

Every finding has a stable code; an empty result means "nothing found against the exemption".
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple, Protocol

import yaml

from cbec.rules import ParameterNode, ParameterNotInForceError, ParametersAt, rule
from cbec.tax.params import load_parameters

__all__ = [
    "EXPORT_TAX_FINDING_TITLES",
    "REBATE_CANCELLED_FILE",
    "ExportTaxFinding",
    "ExportTaxFindingCode",
    "QualifyingLine",
    "RebateCancelledCode",
    "RebateCancelledList",
    "RebateListError",
    "exempt_trade_modes",
    "load_rebate_cancelled_list",
    "parse_rebate_cancelled_list",
    "qualification_findings",
    "qualifies",
    "rebate_cancelled_match",
]

REBATE_CANCELLED_FILE = Path(__file__).resolve().parent / "rebate_cancelled_codes.yaml"
"""The list of goods whose export rebate or exemption was cancelled (empty until filled)."""

_TRADE_MODES = "tax.export.no_invoice_exemption.trade_modes"
_CODE_LENGTH = 10  # CEB603 gcode: 海关商品编码（10位）
_MIN_PREFIX = 2  # an HS chapter


EXPORT_TAX_FINDING_TITLES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "TAX_EXPORT_POLICY_NOT_IN_FORCE": (
            "出口日期不在无票免税政策施行期内（2018年10月1日起）",
            "the export date is before the 无票免税 policy took effect (2018-10-01)",
        ),
        "TAX_EXPORT_TRADE_MODE_NOT_ELIGIBLE": (
            "该监管方式不适用无票免税",
            "the procedure code does not take the 无票免税 exemption",
        ),
        "TAX_EXPORT_REBATE_CANCELLED_GOODS": (
            "属于明确取消出口退（免）税的货物，不适用无票免税",
            "goods whose export rebate or exemption was cancelled; no 无票免税",
        ),
        "TAX_EXPORT_REBATE_LIST_UNDECIDABLE": (
            "商品编码位数不足，无法判断是否属于取消出口退（免）税的货物",
            "the commodity code is too short to tell whether the goods are on the cancelled list",
        ),
        "TAX_EXPORT_COMMODITY_CODE_INVALID": (
            "商品编码不是数字，无法核对取消出口退（免）税货物清单",
            "the commodity code is not numeric; the cancelled list cannot be checked",
        ),
    }
)
"""Chinese and English titles of every finding code."""


class ExportTaxFindingCode(StrEnum):
    """Stable codes of export tax findings (published; never change them)."""

    POLICY_NOT_IN_FORCE = "TAX_EXPORT_POLICY_NOT_IN_FORCE"
    TRADE_MODE_NOT_ELIGIBLE = "TAX_EXPORT_TRADE_MODE_NOT_ELIGIBLE"
    REBATE_CANCELLED_GOODS = "TAX_EXPORT_REBATE_CANCELLED_GOODS"
    REBATE_LIST_UNDECIDABLE = "TAX_EXPORT_REBATE_LIST_UNDECIDABLE"
    COMMODITY_CODE_INVALID = "TAX_EXPORT_COMMODITY_CODE_INVALID"

    @property
    def zh(self) -> str:
        """Chinese title."""
        return EXPORT_TAX_FINDING_TITLES[self.value][0]

    @property
    def en(self) -> str:
        """English title."""
        return EXPORT_TAX_FINDING_TITLES[self.value][1]


class ExportTaxFinding(NamedTuple):
    """One reason a line does not (or may not) qualify: (code, zh, en, gnum, detail)."""

    code: ExportTaxFindingCode
    zh: str
    en: str
    gnum: int | None
    detail: str

    @classmethod
    def of(cls, code: ExportTaxFindingCode, gnum: int | None, detail: str) -> ExportTaxFinding:
        """Build a finding with the code's titles."""
        return cls(code, code.zh, code.en, gnum, detail)

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready form."""
        return {
            "code": self.code.value,
            "zh": self.zh,
            "en": self.en,
            "gnum": self.gnum,
            "detail": self.detail,
        }


class QualifyingLine(Protocol):
    """What :func:`qualifies` reads from a line: its number and commodity code."""

    @property
    def gnum(self) -> int:
        """Line number."""

    @property
    def gcode(self) -> str:
        """Commodity code (10 digits; 4 under 简化申报)."""


# --- the list of cancelled goods (data) --------------------------------------------------------


class RebateListError(ValueError):
    """``rebate_cancelled_codes.yaml`` is malformed; the message lists every problem."""


@dataclass(frozen=True, slots=True)
class RebateCancelledCode:
    """A commodity code (prefix) whose export rebate or exemption was cancelled.

    Attributes:
        code: 2 to 10 digits; a line matches when its code starts with it.
        document: the notice that cancelled it.
        title: the notice's title.
        start: the export date from which it applies.
        note: which annex or line, which reprint was read.
    """

    code: str
    document: str
    title: str
    start: date
    note: str | None = None


@dataclass(frozen=True, slots=True)
class RebateCancelledList:
    """The list, with where it comes from."""

    entries: tuple[RebateCancelledCode, ...]
    note: str

    def codes_on(self, day: date) -> frozenset[str]:
        """The codes in force for exports on ``day``."""
        return frozenset(entry.code for entry in self.entries if entry.start <= day)


def _entry(raw: Any, index: int, problems: list[str]) -> RebateCancelledCode | None:
    where = f"codes[{index}]"
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: must be a mapping with code, document, title, from")
        return None
    code, document, title, start = raw.get("code"), raw.get("document"), raw.get("title"), raw.get("from")
    if not isinstance(code, str) or not code.isdigit() or not _MIN_PREFIX <= len(code) <= _CODE_LENGTH:
        problems.append(f"{where}: `code` must be a quoted text of 2 to 10 digits")
        return None
    if (
        not isinstance(document, str)
        or not document.strip()
        or not isinstance(title, str)
        or not title.strip()
    ):
        problems.append(f"{where}: `document` and `title` of the cancelling notice are required")
        return None
    if not isinstance(start, date):
        problems.append(f"{where}: `from` must be a date written YYYY-MM-DD")
        return None
    note = raw.get("note")
    return RebateCancelledCode(
        code=code,
        document=document.strip(),
        title=title.strip(),
        start=start,
        note=note if isinstance(note, str) else None,
    )


def parse_rebate_cancelled_list(data: Any, *, source: str) -> RebateCancelledList:
    """Check the parsed list and build it.

    Raises:
        RebateListError: with every problem found.
    """
    if not isinstance(data, Mapping):
        raise RebateListError(f"{source}: must be a mapping")
    problems: list[str] = []
    raw_codes = data.get("codes")
    if not isinstance(raw_codes, list):
        problems.append("`codes` must be a list (empty when nothing is known)")
        raw_codes = []
    reference = data.get("reference")
    if not isinstance(reference, Mapping) or not reference.get("document"):
        problems.append("`reference` with the document of the condition is required")
    note = data.get("note")
    if not isinstance(note, str) or not note.strip():
        problems.append("`note` saying where the list comes from is required")
        note = ""
    entries = [entry for index, raw in enumerate(raw_codes) if (entry := _entry(raw, index, problems))]
    if problems:
        raise RebateListError(f"{source}: " + "; ".join(problems))
    return RebateCancelledList(entries=tuple(entries), note=note.strip())


@functools.cache
def _packaged_list() -> RebateCancelledList:
    return load_rebate_cancelled_list(REBATE_CANCELLED_FILE)


def load_rebate_cancelled_list(path: Path | None = None) -> RebateCancelledList:
    """Load the list of goods whose rebate or exemption was cancelled (the packaged file by default).

    Raises:
        RebateListError: the file is malformed.
    """
    if path is None:
        return _packaged_list()
    with path.open(encoding="utf-8") as stream:
        data = yaml.safe_load(stream)
    return parse_rebate_cancelled_list(data, source=str(path))


# --- rules ---------------------------------------------------------------------------------------


@rule(
    code="tax.export.no_invoice_exemption.trade_modes",
    label="适用无票免税的监管方式（实务中仅9610）[S]",
    label_en="procedure codes that take 无票免税 (9610 only in practice) [S]",
    reference="财税〔2018〕103号 一、四; regulation.md §5.1 [S]",
)
def exempt_trade_modes(p: ParametersAt) -> frozenset[str]:
    """Only retail exports (9610) take the exemption; B2B exports usually have invoices and rebates [S]."""
    return frozenset(part.strip() for part in p.text(_TRADE_MODES).split(",") if part.strip())


@rule(
    code="tax.export.no_invoice_exemption.rebate_cancelled",
    label="出口货物不属于财政部和税务总局根据国务院决定明确取消出口退（免）税的货物",
    label_en="the goods are not among those whose export rebate or exemption was cancelled",
    reference="财税〔2018〕103号 一（三）",
)
def rebate_cancelled_match(gcode: str, codes: Collection[str]) -> tuple[str | None, str | None]:
    """Goods whose rebate or exemption was cancelled do not take the exemption.

    Returns:
        ``(matched, undecidable)``: the listed code the line's code falls under, and a listed code
        lying under a line code too short to tell (e.g. 4 digits under 简化申报); None when none.
    """
    matched = next((code for code in sorted(codes) if gcode.startswith(code)), None)
    undecidable = None
    if matched is None:
        undecidable = next((code for code in sorted(codes) if code.startswith(gcode)), None)
    return matched, undecidable


def qualifies(
    line: QualifyingLine,
    *,
    trade_mode: str,
    params: ParametersAt,
    rebate_cancelled_codes: Collection[str],
) -> tuple[ExportTaxFinding, ...]:
    """List what stands against 无票免税 for one export line (103号 一（三）, the procedure, the dates).

    Args:
        line: the inventory line (its ``gnum`` and ``gcode``).
        trade_mode: the inventory's procedure code.
        params: the tax parameters as in force on the **export date** (``ieDate``), e.g.
            ``load_parameters().at(ie_date)``.
        rebate_cancelled_codes: codes (prefixes) of goods whose rebate or exemption was cancelled,
            e.g. ``load_rebate_cancelled_list().codes_on(ie_date)``.

    Returns:
        The findings; empty when nothing in these conditions stands against the exemption
        (conditions 1 and 2 of 103号 — registration and local customs — are the caller's).
    """
    try:
        modes = exempt_trade_modes(params)
    except ParameterNotInForceError:
        detail = f"export date {params.on.isoformat()}; 财税〔2018〕103号 applies to exports from 2018-10-01"
        return (ExportTaxFinding.of(ExportTaxFindingCode.POLICY_NOT_IN_FORCE, line.gnum, detail),)
    findings: list[ExportTaxFinding] = []
    if trade_mode not in modes:
        detail = f"tradeMode {trade_mode}; exempt: {', '.join(sorted(modes))} [S]"
        findings.append(ExportTaxFinding.of(ExportTaxFindingCode.TRADE_MODE_NOT_ELIGIBLE, line.gnum, detail))
    if not line.gcode.isdigit():
        detail = f"gcode {line.gcode!r}"
        findings.append(ExportTaxFinding.of(ExportTaxFindingCode.COMMODITY_CODE_INVALID, line.gnum, detail))
        return tuple(findings)
    matched, undecidable = rebate_cancelled_match(line.gcode, rebate_cancelled_codes)
    if matched is not None:
        detail = f"gcode {line.gcode} under listed code {matched}"
        findings.append(ExportTaxFinding.of(ExportTaxFindingCode.REBATE_CANCELLED_GOODS, line.gnum, detail))
    elif undecidable is not None:
        detail = f"gcode {line.gcode} ({len(line.gcode)} digits) covers listed code {undecidable}"
        findings.append(ExportTaxFinding.of(ExportTaxFindingCode.REBATE_LIST_UNDECIDABLE, line.gnum, detail))
    return tuple(findings)


@dataclass(frozen=True, slots=True)
class _MappedLine:
    gnum: int
    gcode: str


def qualification_findings(
    line: Mapping[str, str],
    *,
    trade_mode: str,
    on: date,
    params: ParameterNode | None = None,
    rebate_list: RebateCancelledList | None = None,
) -> list[dict[str, object]]:
    """:func:`qualifies` for a line given as CEB603 fields (``gnum``, ``gcode``), with the packaged data.

    Args:
        line: the line's CEB603 fields as texts.
        trade_mode: the inventory's procedure code.
        on: the export date (the inventory's ``ieDate``; 103号 counts by it).
        params: the tax parameter tree (packaged by default).
        rebate_list: the cancelled list (packaged by default).

    Returns:
        The findings as JSON-ready dicts (empty when nothing stands against the exemption).
    """
    params = params or load_parameters()
    codes = (rebate_list or load_rebate_cancelled_list()).codes_on(on)
    mapped = _MappedLine(gnum=int(line.get("gnum", "0") or 0), gcode=str(line.get("gcode", "")))
    findings = qualifies(mapped, trade_mode=trade_mode, params=params.at(on), rebate_cancelled_codes=codes)
    return [finding.to_dict() for finding in findings]
