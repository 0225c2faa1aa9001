"""The packaged parameter tree of the tax rules (``parameters/``) and its loader."""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path

from cbec.rules import ParameterNode, load_parameter_tree

__all__ = ["PARAMETERS_DIR", "annual_period", "load_parameters"]

PARAMETERS_DIR = Path(__file__).resolve().parent / "parameters"
"""The folder of dated YAML parameter files (``parameters/tax/…``)."""

_CALENDAR_YEAR = "calendar_year"


@functools.cache
def _packaged() -> ParameterNode:
    return load_parameter_tree(PARAMETERS_DIR)


def load_parameters(root: Path | None = None) -> ParameterNode:
    """Load the parameter tree (the packaged one by default, loaded once).

    Args:
        root: another folder in the same layout (tests, what-if reforms).

    Returns:
        The root node; read it with ``.at(day)``, e.g. ``params.at(day).tax.vat.standard_rate``.

    Raises:
        cbec.rules.ParameterSchemaError: a file is malformed.
    """
    return _packaged() if root is None else load_parameter_tree(root)


def annual_period(params: ParameterNode, on: date) -> tuple[date, date]:
    """Return the first and last day of the year over which the annual limit is counted.

    The law does not define the year; the parameter ``tax.retail_import.annual_limit_period``
    says ``calendar_year`` (unverified, see the file).

    Args:
        params: the parameter tree.
        on: a Beijing date inside the period.

    Returns:
        (first day, last day), both inclusive.

    Raises:
        ValueError: the parameter names a period this code does not know.

    Examples:
        >>> annual_period(load_parameters(), date(2024, 6, 18))
        (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    """
    kind = params.at(on).text("tax.retail_import.annual_limit_period")
    if kind != _CALENDAR_YEAR:
        raise ValueError(f"unknown annual period {kind!r}")
    return date(on.year, 1, 1), date(on.year, 12, 31)
