"""The risk engine's dated parameter files (``parameters/``) and their loaders.

Files, all with a description in Chinese and English, an approver and a reference:

* ``scoring.yaml`` — feature windows, robust-statistics settings and the score formula's weights,
  dated (the entry in force on a day applies);
* ``hs_categories.yaml`` — HS prefixes of sensitive categories with a risk level;
* ``rules/<version>.yaml`` — the rule sets (:mod:`cbec.risk.rules`);
* ``sampling.yaml`` — inspection rates (:mod:`cbec.risk.sampling`).

The single-transaction limit is not repeated here: it is read from the tax parameters
(``tax.retail_import.single_transaction_limit``) on the declaration's date.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from cbec.rules import ParameterNode, load_yaml
from cbec.tax import params as tax_params

__all__ = [
    "PARAMETERS_DIR",
    "HsCategory",
    "RiskParameterError",
    "RiskParameters",
    "dated_entry",
    "load_hs_categories",
    "load_risk_parameters",
]

PARAMETERS_DIR = Path(__file__).resolve().parent / "parameters"
"""The folder of the risk engine's YAML files."""

_LIMIT_PATH = "tax.retail_import.single_transaction_limit"


class RiskParameterError(ValueError):
    """A risk parameter file is malformed, or has no entry in force on the day asked for."""


@dataclass(frozen=True, slots=True)
class HsCategory:
    """A sensitive product category by HS prefix.

    Attributes:
        prefix: leading digits of the HS code.
        category: stable category code (``infant_formula``, ``cosmetics`` …).
        label: Chinese label.
        risk: risk level in [0, 1].
    """

    prefix: str
    category: str
    label: str
    risk: float


@dataclass(frozen=True, slots=True)
class RiskParameters:
    """What :func:`cbec.risk.features.features` and :func:`cbec.risk.scoring.assess` read.

    Attributes:
        on: the day the values are in force.
        single_transaction_limit: the CBEC single-transaction limit (CNY), from the tax parameters.
        near_limit_band: an order is "just under the limit" at ``limit × (1 − band) ≤ price ≤ limit``.
        contact_window_days: history window for shared address/phone and consignee counts.
        min_reference_count: reference price statistics with fewer observations are ignored.
        reference_window: the most recent observations per HS6 or SKU a reference price is made of.
        mad_floor_ratio: MAD floor as a share of the median.
        model_weight: weight of the model probability in the combined score (0 = rules only).
        top_features: how many contributing features an assessment lists.
        hs_categories: sensitive categories, longest prefix first.
        reference: where the scoring values come from (one line).
    """

    on: date
    single_transaction_limit: Decimal
    near_limit_band: Decimal = Decimal("0.2")
    contact_window_days: int = 30
    min_reference_count: int = 5
    reference_window: int = 200
    mad_floor_ratio: Decimal = Decimal("0.05")
    model_weight: Decimal = Decimal("0.5")
    top_features: int = 5
    hs_categories: tuple[HsCategory, ...] = ()
    reference: str = ""

    def hs_category(self, hs_code: str) -> HsCategory | None:
        """Return the sensitive category of an HS code (longest matching prefix), None if none."""
        for category in self.hs_categories:
            if hs_code.startswith(category.prefix):
                return category
        return None


def dated_entry(values: Any, on: date, source: str) -> Mapping[str, Any]:
    """Return the entry of a ``values: {date: entry}`` map in force on a day.

    Raises:
        RiskParameterError: the map is malformed or nothing is in force on ``on``.
    """
    if not isinstance(values, Mapping) or not values:
        raise RiskParameterError(f"{source}: `values` must map effective dates to entries")
    current: Mapping[str, Any] | None = None
    for start in sorted(values):
        if not isinstance(start, date):
            raise RiskParameterError(f"{source}: {start!r} is not a date (YYYY-MM-DD)")
        entry = values[start]
        if not isinstance(entry, Mapping) or "reference" not in entry or "approved_by" not in entry:
            raise RiskParameterError(f"{source}: entry {start} needs `reference` and `approved_by`")
        if start <= on:
            current = entry
    if current is None:
        raise RiskParameterError(f"{source}: no entry in force on {on.isoformat()}")
    return current


@functools.cache
def _file(path: Path) -> Any:
    return load_yaml(path)


def dated_file_entry(path: Path, on: date) -> Mapping[str, Any]:
    """The entry in force on ``on`` of a dated parameter file (``values: {date: entry}``), the file
    read once per process."""
    document = _file(path)
    values = document.get("values") if isinstance(document, Mapping) else None
    return dated_entry(values, on, str(path))


def _cite(reference: Any) -> str:
    if isinstance(reference, Mapping):
        return " ".join(str(reference[key]) for key in ("document", "title", "article") if reference.get(key))
    return str(reference)


def _decimal(entry: Mapping[str, Any], key: str, source: str, *, low: Decimal, high: Decimal) -> Decimal:
    value = entry.get(key)
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise RiskParameterError(f"{source}: `{key}` must be a number")
    value = Decimal(value)
    if not low <= value <= high:
        raise RiskParameterError(f"{source}: `{key}` must lie in [{low}, {high}]")
    return value


def _count(entry: Mapping[str, Any], key: str, source: str) -> int:
    value = entry.get(key)
    if isinstance(value, bool) or not isinstance(value, Decimal | int) or value < 1 or value != int(value):
        raise RiskParameterError(f"{source}: `{key}` must be a positive whole number")
    return int(value)


@functools.cache
def load_hs_categories(path: Path = PARAMETERS_DIR / "hs_categories.yaml") -> tuple[HsCategory, ...]:
    """Load the sensitive HS categories, longest prefix first.

    Raises:
        RiskParameterError: the file is malformed.
    """
    data = load_yaml(path)
    items = data.get("categories") if isinstance(data, Mapping) else None
    if not isinstance(items, list) or "reference" not in data or "approved_by" not in data:
        raise RiskParameterError(f"{path}: needs `categories`, `reference` and `approved_by`")
    categories = []
    for item in items:
        prefix = str(item.get("prefix", ""))
        risk = item.get("risk")
        if not prefix.isdigit() or not isinstance(risk, Decimal) or not Decimal(0) <= risk <= Decimal(1):
            raise RiskParameterError(f"{path}: bad category {item!r}")
        categories.append(HsCategory(prefix, str(item["category"]), str(item["label"]), float(risk)))
    return tuple(sorted(categories, key=lambda c: -len(c.prefix)))


def load_risk_parameters(
    on: date,
    *,
    tax: ParameterNode | None = None,
    path: Path = PARAMETERS_DIR / "scoring.yaml",
) -> RiskParameters:
    """Load the risk parameters in force on a day.

    Args:
        on: the declaration's Beijing date.
        tax: the tax parameter tree (the packaged one by default) for the single-transaction limit.
        path: the scoring file (tests, what-if changes).

    Returns:
        The parameters.

    Raises:
        RiskParameterError: a file is malformed or has no entry in force.
    """
    source = str(path)
    data = load_yaml(path)
    if not isinstance(data, Mapping) or "description" not in data or "description_en" not in data:
        raise RiskParameterError(f"{source}: needs `description`, `description_en` and `values`")
    entry = dated_entry(data.get("values"), on, source)
    limit = (tax or tax_params.load_parameters()).at(on).decimal(_LIMIT_PATH)
    return RiskParameters(
        on=on,
        single_transaction_limit=limit,
        near_limit_band=_decimal(entry, "near_limit_band", source, low=Decimal(0), high=Decimal(1)),
        contact_window_days=_count(entry, "contact_window_days", source),
        min_reference_count=_count(entry, "min_reference_count", source),
        reference_window=_count(entry, "reference_window", source),
        mad_floor_ratio=_decimal(entry, "mad_floor_ratio", source, low=Decimal(0), high=Decimal(1)),
        model_weight=_decimal(entry, "model_weight", source, low=Decimal(0), high=Decimal(1)),
        top_features=_count(entry, "top_features", source),
        hs_categories=load_hs_categories(),
        reference=_cite(entry["reference"]),
    )
