"""What a dated parameter file must contain; a malformed file raises at load.

A parameter file holds one legislated number (or code, or flag) with its
history, after the OpenFisca parameter format. Every value carries the date it
took effect and the legal reference that set it::

    description: 跨境电子商务零售进口商品单次交易限值
    description_en: single-transaction limit for CBEC retail imports
    unit: CNY
    values:
      2016-04-08:
        value: 2000
        reference:
          document: 财关税〔2016〕18号
          title: 关于跨境电子商务零售进口税收政策的通知
          article: 三
          link: http://m.greenkarry.cn/html/news/201603/25/21534.shtml
      2019-01-01:
        value: 5000
        reference:
          document: 财关税〔2018〕49号
          title: 关于完善跨境电子商务零售进口税收政策的通知
          article: 一

Optional keys:

* ``rounding`` (file): how values derived from this parameter are rounded
  (``half_up``, ``half_even``, ``down``, ``up``);
* ``verified`` / ``note`` (file or dated value): ``verified: false`` marks a
  value the reference notes could not confirm; the note says why;
* ``expected`` instead of ``value`` (dated value): announced but not in force —
  kept for the catalogue, never returned by a lookup;
* ``value: null``: the parameter ends on that date.

A folder may hold an ``index.yaml`` with ``description``, ``description_en``
and optional ``reference`` / ``note`` for the whole folder.

Numbers are read as :class:`~decimal.Decimal` (never float), see
:func:`load_yaml`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "ROUNDING_MODES",
    "UNITS",
    "DatedValue",
    "FolderSpec",
    "ParameterSchemaError",
    "ParameterSpec",
    "Reference",
    "Value",
    "load_yaml",
    "parse_folder_index",
    "parse_parameter_file",
]

Value = Decimal | str | bool
"""A parameter value: a Decimal for money, rates and counts; a str for codes and texts; a bool for flags."""

UNITS: Mapping[str, str] = {
    "CNY": "amount in yuan (人民币元)",
    "/1": "rate as a fraction (0.13 = 13%)",
    "CNY/ml_or_g": "yuan per millilitre or gram of net content",
    "CNY/piece": "yuan per piece or sheet",
    "CNY/L": "yuan per litre",
    "count": "a number of items",
    "text": "a code or a word",
}
"""The units a parameter file may declare, with their meaning."""

ROUNDING_MODES: Mapping[str, str] = {
    "half_up": ROUND_HALF_UP,
    "half_even": ROUND_HALF_EVEN,
    "down": ROUND_DOWN,
    "up": ROUND_UP,
}
"""The rounding modes a parameter file may declare, mapped to :mod:`decimal` constants."""

_FILE_KEYS = frozenset({"description", "description_en", "unit", "rounding", "verified", "note", "values"})
_VALUE_KEYS = frozenset({"value", "expected", "reference", "verified", "note"})
_REFERENCE_KEYS = frozenset({"document", "title", "article", "link", "note"})
_INDEX_KEYS = frozenset({"description", "description_en", "reference", "note"})
_CJK = re.compile(r"[\u4e00-\u9fff]")
_NUMERIC_UNITS = frozenset(UNITS) - {"text"}


class ParameterSchemaError(ValueError):
    """A parameter file does not follow the schema.

    Attributes:
        source: the file (or other origin) that was being read.
        problems: every problem found, one sentence each.
    """

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


@dataclass(frozen=True, slots=True)
class Reference:
    """The legal text that sets a value.

    Attributes:
        document: document number, e.g. ``财关税〔2016〕18号``.
        title: the document's title.
        article: the article or point, when known.
        link: where the text (or a reprint) can be read, when there is one.
        note: a remark on the reference (e.g. which reprint was read).
    """

    document: str
    title: str
    article: str | None = None
    link: str | None = None
    note: str | None = None

    def cite(self) -> str:
        """Return a one-line citation: document, title in 《》 and article.

        Examples:
            >>> Reference("财关税〔2018〕49号", "关于完善跨境电子商务零售进口税收政策的通知", "一").cite()
            '财关税〔2018〕49号《关于完善跨境电子商务零售进口税收政策的通知》 一'
        """
        text = f"{self.document}《{self.title}》"
        return f"{text} {self.article}" if self.article else text


@dataclass(frozen=True, slots=True)
class DatedValue:
    """One entry of a parameter's history.

    Attributes:
        start: the first day the value applies (Beijing date).
        value: the value; None when the parameter ends on ``start``.
        reference: the legal text that set it.
        verified: False when the reference notes could not confirm it.
        note: why it is unverified, or any other remark.
        expected: True for an announced value that is not in force (never returned by a lookup).
    """

    start: date
    value: Value | None
    reference: Reference
    verified: bool = True
    note: str | None = None
    expected: bool = False


@dataclass(frozen=True, slots=True)
class ParameterSpec:
    """The content of one parameter file.

    Attributes:
        description: what the parameter is, in Chinese.
        description_en: the English gloss.
        unit: one of :data:`UNITS`.
        values: the history, dates ascending.
        rounding: one of :data:`ROUNDING_MODES`, when the file declares it.
        verified: False when the whole parameter is not confirmed by the reference notes.
        note: a remark for the whole parameter.
    """

    description: str
    description_en: str
    unit: str
    values: tuple[DatedValue, ...]
    rounding: str | None = None
    verified: bool = True
    note: str | None = None


@dataclass(frozen=True, slots=True)
class FolderSpec:
    """The ``index.yaml`` of a parameter folder.

    Attributes:
        description: what the folder holds, in Chinese.
        description_en: the English gloss.
        reference: the legal text the folder follows, when there is one.
        note: a remark.
    """

    description: str
    description_en: str
    reference: Reference | None = None
    note: str | None = None


class _DecimalLoader(yaml.SafeLoader):
    """A safe YAML loader that reads every number as a Decimal."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")  # type: ignore[arg-type]
    try:
        number = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - YAML only resolves numeric-looking text here
        problem = f"not a number: {text!r}"
        raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from exc
    if not number.is_finite():
        problem = f"not a finite number: {text!r}"
        raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark)
    return number


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_DecimalLoader.add_constructor("tag:yaml.org,2002:int", _construct_decimal)


def load_yaml(path: Path) -> Any:
    """Read a YAML file with the safe loader, numbers as Decimal (never float).

    Args:
        path: the file.

    Returns:
        The parsed document.

    Raises:
        ParameterSchemaError: the file is not valid YAML.
    """
    try:
        with path.open(encoding="utf-8") as stream:
            return yaml.load(stream, Loader=_DecimalLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ParameterSchemaError(str(path), [f"not valid YAML: {exc}"]) from exc


def load_yaml_text(text: str, *, source: str) -> Any:
    """Parse YAML text (an upload) like :func:`load_yaml`: safe loader, numbers as Decimal.

    Raises:
        ParameterSchemaError: the text is not valid YAML.
    """
    try:
        return yaml.load(text, Loader=_DecimalLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ParameterSchemaError(source, [f"not valid YAML: {exc}"]) from exc


def _text(
    data: Mapping[str, Any], key: str, problems: list[str], *, required: bool, where: str
) -> str | None:
    raw = data.get(key)
    if raw is None:
        if required:
            problems.append(f"{where}: `{key}` is required")
        return None
    if not isinstance(raw, str) or not raw.strip():
        problems.append(f"{where}: `{key}` must be a non-empty text")
        return None
    return raw.strip()


def _reference(raw: Any, problems: list[str], where: str) -> Reference | None:
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: `reference` must be a mapping with document and title")
        return None
    unknown = set(raw) - _REFERENCE_KEYS
    if unknown:
        problems.append(f"{where}: unknown reference keys {sorted(unknown)}")
    document = _text(raw, "document", problems, required=True, where=f"{where}.reference")
    title = _text(raw, "title", problems, required=True, where=f"{where}.reference")
    article = raw.get("article")
    article_text = None if article is None else str(article).strip() or None
    link = _text(raw, "link", problems, required=False, where=f"{where}.reference")
    note = _text(raw, "note", problems, required=False, where=f"{where}.reference")
    if document is None or title is None:
        return None
    return Reference(document=document, title=title, article=article_text, link=link, note=note)


def _flag(data: Mapping[str, Any], problems: list[str], where: str) -> bool:
    raw = data.get("verified", True)
    if not isinstance(raw, bool):
        problems.append(f"{where}: `verified` must be true or false")
        return False
    return raw


def _check_value(value: Any, unit: str | None, problems: list[str], where: str) -> Value | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        if unit == "text":
            problems.append(f"{where}: a number given for a `text` parameter")
        elif value < 0:
            problems.append(f"{where}: negative value {value}")
        elif unit == "/1" and value > 1:
            problems.append(f"{where}: rate {value} is above 1 (write 0.13 for 13%)")
        return value
    if isinstance(value, str):
        if unit in _NUMERIC_UNITS:
            problems.append(f"{where}: text {value!r} given for a numeric parameter ({unit})")
        return value
    problems.append(f"{where}: value must be a number, a text or a flag, not {type(value).__name__}")
    return None


def _start_date(raw: Any, problems: list[str], where: str) -> date | None:
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    problems.append(f"{where}: {raw!r} is not a date written YYYY-MM-DD")
    return None


def _dated_values(raw: Any, unit: str | None, problems: list[str]) -> tuple[DatedValue, ...]:
    if not isinstance(raw, Mapping) or not raw:
        problems.append("`values` must map at least one date (YYYY-MM-DD) to a value")
        return ()
    entries: list[DatedValue] = []
    for key, entry in raw.items():
        where = f"values.{key}"
        start = _start_date(key, problems, where)
        if not isinstance(entry, Mapping):
            problems.append(f"{where}: must be a mapping with `value` (or `expected`) and `reference`")
            continue
        unknown = set(entry) - _VALUE_KEYS
        if unknown:
            problems.append(f"{where}: unknown keys {sorted(unknown)}")
        has_value, has_expected = "value" in entry, "expected" in entry
        if has_value == has_expected:
            problems.append(f"{where}: give exactly one of `value` and `expected`")
            continue
        value = _check_value(entry["value" if has_value else "expected"], unit, problems, where)
        reference = _reference(entry.get("reference"), problems, where)
        note = _text(entry, "note", problems, required=False, where=where)
        verified = _flag(entry, problems, where)
        if not verified and note is None:
            problems.append(f"{where}: `verified: false` needs a `note` saying what is not confirmed")
        if start is None or reference is None:
            continue
        entries.append(
            DatedValue(
                start=start,
                value=value,
                reference=reference,
                verified=verified,
                note=note,
                expected=has_expected,
            )
        )
    starts = [entry.start for entry in entries]
    if starts != sorted(starts) or len(set(starts)) != len(starts):
        problems.append("dates in `values` must be unique and ascending")
    return tuple(entries)


def parse_parameter_file(data: Any, *, source: str) -> ParameterSpec:
    """Check a parsed parameter file against the schema and return its content.

    Args:
        data: the parsed YAML document.
        source: where it came from (for error messages).

    Returns:
        The parameter's description, unit and dated history.

    Raises:
        ParameterSchemaError: with every problem found.
    """
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise ParameterSchemaError(source, ["a parameter file must be a mapping"])
    unknown = set(data) - _FILE_KEYS
    if unknown:
        problems.append(f"unknown keys {sorted(unknown)}")
    description = _text(data, "description", problems, required=True, where="file")
    if description is not None and not _CJK.search(description):
        problems.append("`description` must be written in Chinese")
    description_en = _text(data, "description_en", problems, required=True, where="file")
    unit = _text(data, "unit", problems, required=True, where="file")
    if unit is not None and unit not in UNITS:
        problems.append(f"unknown unit {unit!r} (known: {', '.join(UNITS)})")
    rounding = _text(data, "rounding", problems, required=False, where="file")
    if rounding is not None and rounding not in ROUNDING_MODES:
        problems.append(f"unknown rounding {rounding!r} (known: {', '.join(ROUNDING_MODES)})")
    note = _text(data, "note", problems, required=False, where="file")
    verified = _flag(data, problems, "file")
    if not verified and note is None:
        problems.append("`verified: false` needs a `note` saying what is not confirmed")
    values = _dated_values(data.get("values"), unit, problems)
    if problems or description is None or description_en is None or unit is None:
        raise ParameterSchemaError(source, problems)
    return ParameterSpec(
        description=description,
        description_en=description_en,
        unit=unit,
        values=values,
        rounding=rounding,
        verified=verified,
        note=note,
    )


def parse_folder_index(data: Any, *, source: str) -> FolderSpec:
    """Check a parsed ``index.yaml`` and return the folder's metadata.

    Args:
        data: the parsed YAML document.
        source: where it came from (for error messages).

    Returns:
        The folder's description and optional reference.

    Raises:
        ParameterSchemaError: with every problem found.
    """
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise ParameterSchemaError(source, ["an index file must be a mapping"])
    unknown = set(data) - _INDEX_KEYS
    if unknown:
        problems.append(f"unknown keys {sorted(unknown)}")
    description = _text(data, "description", problems, required=True, where="index")
    description_en = _text(data, "description_en", problems, required=True, where="index")
    reference = _reference(data["reference"], problems, "index") if "reference" in data else None
    note = _text(data, "note", problems, required=False, where="index")
    if problems or description is None or description_en is None:
        raise ParameterSchemaError(source, problems)
    return FolderSpec(description=description, description_en=description_en, reference=reference, note=note)
