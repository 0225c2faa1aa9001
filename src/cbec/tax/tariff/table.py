"""The tariff table as data: ``tariff_lines.csv`` read into :class:`TariffLine` objects.

The CSV (next to this module) holds one row per tariff line with the MFN and
temporary duty rates, the VAT rate class, the consumption-tax rule, the
positive-list flags, the source of every figure and an honest mark (V/S/U).
Its header comment block names the sources and the columns.

A declared 10-digit code is found by exact match first, then by its 8-digit
tariff line (税则号列): ``find("3304990011")`` returns the ``33049900`` row when
no 10-digit row exists. An unknown code returns None — a clear result for the
caller to report, never an exception deep inside a calculation.

>>> table = load_tariff()
>>> table.find("3304990099").mfn_rate
Decimal('0.01')
>>> table.find("0000000000") is None
True
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

__all__ = [
    "TARIFF_CSV",
    "Mark",
    "MatchKind",
    "TariffError",
    "TariffLine",
    "TariffMatch",
    "TariffTable",
    "VatClass",
    "load_tariff",
    "parse_tariff_csv",
]

TARIFF_CSV = "tariff_lines.csv"
"""The file name of the packaged table."""

_PERCENT = Decimal(100)
_HEADING_DIGITS = 8
_CODE_LENGTHS = frozenset({_HEADING_DIGITS, 10})
_UNIT_CODE_LENGTH = 3
_COLUMNS = (
    "hs_code",
    "name_zh",
    "name_en",
    "unit1",
    "unit2",
    "mfn_rate_percent",
    "temporary_rate_percent",
    "vat_rate_percent",
    "vat_class",
    "consumption_tax_rule",
    "positive_list",
    "positive_list_mark",
    "only_1210",
    "annual_cap",
    "annual_cap_unit",
    "source",
    "source_date",
    "mark",
    "note",
)
_FLAGS = {"Y": True, "N": False}
_E = TypeVar("_E", bound=StrEnum)


class Mark(StrEnum):
    """How far a row's figures are confirmed (tariff.md's marks)."""

    VERIFIED = "V"
    """Seen in an official table or an official republication."""
    SECONDARY = "S"
    """Seen in at least one secondary source."""
    UNVERIFIED = "U"
    """A figure the calculator uses is not confirmed (blank, or inferred)."""


class VatClass(StrEnum):
    """Which import-VAT rate a tariff line takes."""

    STANDARD = "standard"
    """基本税率 (17% → 16% → 13%)."""
    LOWER = "lower"
    """低税率 (13% → 11% → 10% → 9%): farm products, books and other listed goods."""


class TariffError(ValueError):
    """The tariff CSV is malformed.

    Attributes:
        source: the file.
        problems: every problem found, ``row N: …``.
    """

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems[:10]))


@dataclass(frozen=True, slots=True)
class TariffLine:
    """One tariff line (税则行) with its rates and their provenance.

    Attributes:
        hs_code: 10-digit customs code, or the 8-digit tariff line when no split was seen.
        name_zh: Chinese name.
        name_en: English gloss.
        unit1: first legal unit code (法定第一计量单位), None when not seen.
        unit2: second legal unit code, None when none or not seen.
        mfn_rate: MFN duty rate as a fraction, None when not seen.
        temporary_rate: temporary duty rate (暂定税率) as a fraction, None when none was seen.
        vat_rate: the import-VAT rate seen on the line (since 2019-04-01), as a fraction; None when not seen.
        vat_class: the VAT rate class, None when not seen.
        consumption_tax_rule: the consumption-tax rule id (a folder under
            ``parameters/tax/consumption_tax``), None when the goods bear none.
        positive_list: whether the line is on the positive list.
        positive_list_mark: how far that is confirmed.
        only_1210: the list remark 仅限网购保税 (bonded imports only).
        annual_cap: per-person annual quantity cap, None for none.
        annual_cap_unit: the cap's unit code.
        source: source keys (see the CSV header), joined by ``+``.
        source_date: date or year of the newest source used.
        mark: how far the row's figures are confirmed.
        note: what is weaker than the mark says, code vintages, conflicts.
    """

    hs_code: str
    name_zh: str
    name_en: str
    unit1: str | None
    unit2: str | None
    mfn_rate: Decimal | None
    temporary_rate: Decimal | None
    vat_rate: Decimal | None
    vat_class: VatClass | None
    consumption_tax_rule: str | None
    positive_list: bool
    positive_list_mark: Mark
    only_1210: bool
    annual_cap: Decimal | None
    annual_cap_unit: str | None
    source: str
    source_date: str
    mark: Mark
    note: str

    @property
    def heading(self) -> str:
        """The 8-digit tariff line (税则号列) the row belongs to."""
        return self.hs_code[:_HEADING_DIGITS]

    @property
    def rate_key(self) -> tuple[object, ...]:
        """What the tax depends on: duty rates, VAT class and consumption-tax rule."""
        return (self.mfn_rate, self.temporary_rate, self.vat_class, self.consumption_tax_rule)

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready form with rates as percent strings."""

        def percent(rate: Decimal | None) -> str | None:
            return None if rate is None else f"{(rate * _PERCENT).normalize():f}"

        return {
            "hs_code": self.hs_code,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "unit1": self.unit1,
            "unit2": self.unit2,
            "mfn_rate_percent": percent(self.mfn_rate),
            "temporary_rate_percent": percent(self.temporary_rate),
            "vat_rate_percent": percent(self.vat_rate),
            "vat_class": None if self.vat_class is None else self.vat_class.value,
            "consumption_tax_rule": self.consumption_tax_rule,
            "positive_list": self.positive_list,
            "positive_list_mark": self.positive_list_mark.value,
            "only_1210": self.only_1210,
            "annual_cap": None if self.annual_cap is None else str(self.annual_cap),
            "annual_cap_unit": self.annual_cap_unit,
            "source": self.source,
            "source_date": self.source_date,
            "mark": self.mark.value,
            "note": self.note,
        }


class MatchKind(StrEnum):
    """How a declared code was matched to a row."""

    EXACT = "exact"
    """The row's code is the declared code."""
    TARIFF_LINE = "tariff_line"
    """The row is the declared code's 8-digit tariff line."""
    SIBLING = "sibling"
    """The row is another 10-digit split of the same tariff line, with the same rates."""


@dataclass(frozen=True, slots=True)
class TariffMatch:
    """A row found for a declared code.

    Attributes:
        line: the row.
        kind: how it was found.
    """

    line: TariffLine
    kind: MatchKind


@dataclass(frozen=True, slots=True)
class TariffTable:
    """The tariff lines by code.

    Attributes:
        lines: rows by ``hs_code`` (8 or 10 digits).
        source: where the table was read from.
    """

    lines: Mapping[str, TariffLine]
    source: str = ""

    def __len__(self) -> int:
        return len(self.lines)

    def __iter__(self) -> Iterator[TariffLine]:
        return iter(self.lines[code] for code in sorted(self.lines))

    def match(self, code: str) -> TariffMatch | None:
        """Find the row for a declared code and say how it was found.

        In order: the exact code; its 8-digit tariff line; a 10-digit row of the
        same tariff line when every such row agrees on the duty rates, the VAT
        class and the consumption-tax rule (the MFN rate is set per 8-digit line;
        the 10-digit splits only differ for statistics and inspection).

        Args:
            code: the declared commodity code (``gcode``), usually 10 digits.

        Returns:
            The match, or None when the table has no row for the code.
        """
        code = code.strip()
        if code in self.lines:
            return TariffMatch(self.lines[code], MatchKind.EXACT)
        heading = code[:_HEADING_DIGITS]
        if heading in self.lines:
            return TariffMatch(self.lines[heading], MatchKind.TARIFF_LINE)
        siblings = [line for line in self if line.heading == heading]
        if siblings and len({line.rate_key for line in siblings}) == 1:
            return TariffMatch(siblings[0], MatchKind.SIBLING)
        return None

    def find(self, code: str) -> TariffLine | None:
        """Return the row for a declared code (see :meth:`match`), None when there is none."""
        found = self.match(code)
        return None if found is None else found.line

    def with_prefix(self, prefix: str) -> list[TariffLine]:
        """Return the rows whose code starts with ``prefix`` (all rows for an empty prefix), sorted."""
        return [line for line in self if line.hs_code.startswith(prefix.strip())]


def _decimal(raw: str, problems: list[str], where: str, *, percent: bool) -> Decimal | None:
    if not raw:
        return None
    try:
        number = Decimal(raw)
    except InvalidOperation:
        problems.append(f"{where}: {raw!r} is not a number")
        return None
    if not number.is_finite() or number < 0:
        problems.append(f"{where}: {raw!r} must be a number ≥ 0")
        return None
    return number / _PERCENT if percent else number


def _unit(raw: str, problems: list[str], where: str) -> str | None:
    if not raw:
        return None
    if len(raw) != _UNIT_CODE_LENGTH or not raw.isdigit():
        problems.append(f"{where}: unit code {raw!r} must be 3 digits")
    return raw


def _enum_value(kind: type[_E], raw: str, problems: list[str], where: str) -> _E | None:
    try:
        return kind(raw)
    except ValueError:
        problems.append(f"{where}: {raw!r} is not one of {[member.value for member in kind]}")
        return None


def _row(number: int, row: Mapping[str, str], problems: list[str]) -> TariffLine | None:
    before = len(problems)
    where = f"row {number}"
    code = row["hs_code"]
    if len(code) not in _CODE_LENGTHS or not code.isdigit():
        problems.append(f"{where}: hs_code {code!r} must be 8 or 10 digits")
    for column in ("name_zh", "name_en", "source", "mark"):
        if not row[column]:
            problems.append(f"{where}: {column} is required")
    vat_rate = _decimal(row["vat_rate_percent"], problems, f"{where} vat_rate_percent", percent=True)
    vat_class = _enum_value(VatClass, row["vat_class"], problems, where) if row["vat_class"] else None
    if (vat_rate is None) != (vat_class is None):
        problems.append(f"{where}: vat_rate_percent and vat_class go together")
    flags = {}
    for column in ("positive_list", "only_1210"):
        if row[column] not in _FLAGS:
            problems.append(f"{where}: {column} must be Y or N")
        flags[column] = _FLAGS.get(row[column], False)
    cap = _decimal(row["annual_cap"], problems, f"{where} annual_cap", percent=False)
    cap_unit = _unit(row["annual_cap_unit"], problems, f"{where} annual_cap_unit")
    if (cap is None) != (cap_unit is None):
        problems.append(f"{where}: annual_cap and annual_cap_unit go together")
    rule_id = row["consumption_tax_rule"] or None
    if rule_id is not None and not rule_id.isidentifier():
        problems.append(f"{where}: consumption_tax_rule {rule_id!r} must be a snake_case id")
    mark = _enum_value(Mark, row["mark"], problems, f"{where} mark")
    list_mark = _enum_value(Mark, row["positive_list_mark"], problems, f"{where} positive_list_mark")
    line = TariffLine(
        hs_code=code,
        name_zh=row["name_zh"],
        name_en=row["name_en"],
        unit1=_unit(row["unit1"], problems, f"{where} unit1"),
        unit2=_unit(row["unit2"], problems, f"{where} unit2"),
        mfn_rate=_decimal(row["mfn_rate_percent"], problems, f"{where} mfn_rate_percent", percent=True),
        temporary_rate=_decimal(
            row["temporary_rate_percent"], problems, f"{where} temporary_rate_percent", percent=True
        ),
        vat_rate=vat_rate,
        vat_class=vat_class,
        consumption_tax_rule=rule_id,
        positive_list=flags["positive_list"],
        positive_list_mark=list_mark or Mark.UNVERIFIED,
        only_1210=flags["only_1210"],
        annual_cap=cap,
        annual_cap_unit=cap_unit,
        source=row["source"],
        source_date=row["source_date"],
        mark=mark or Mark.UNVERIFIED,
        note=row["note"],
    )
    return None if len(problems) > before else line


def parse_tariff_csv(text: str, *, source: str = "<text>") -> TariffTable:
    """Read the tariff CSV (``#`` lines are comments) into a table.

    Args:
        text: the CSV text.
        source: where it came from (for error messages).

    Returns:
        The table.

    Raises:
        TariffError: a column is missing, a code repeats or a cell is malformed (every problem listed).
    """
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    reader = csv.DictReader(io.StringIO(body))
    missing = set(_COLUMNS) - set(reader.fieldnames or ())
    if missing:
        raise TariffError(source, [f"missing columns {sorted(missing)}"])
    problems: list[str] = []
    lines: dict[str, TariffLine] = {}
    for number, row in enumerate(reader, start=1):
        cells = {column: (row.get(column) or "").strip() for column in _COLUMNS}
        line = _row(number, cells, problems)
        if line is None:
            continue
        if line.hs_code in lines:
            problems.append(f"row {number}: hs_code {line.hs_code} repeats")
            continue
        lines[line.hs_code] = line
    if problems:
        raise TariffError(source, problems)
    return TariffTable(lines=MappingProxyType(lines), source=source)


def load_tariff(path: Path | None = None) -> TariffTable:
    """Load the tariff table (the packaged ``tariff_lines.csv`` by default, read once).

    Args:
        path: another CSV in the same format.

    Returns:
        The table.

    Raises:
        TariffError: the file is malformed.
    """
    if path is None:
        return _packaged()
    return parse_tariff_csv(path.read_text(encoding="utf-8"), source=str(path))


@functools.cache
def _packaged() -> TariffTable:
    resource = resources.files("cbec.tax.tariff").joinpath(TARIFF_CSV)
    return parse_tariff_csv(resource.read_text(encoding="utf-8"), source=f"cbec.tax.tariff/{TARIFF_CSV}")
