"""Load the code tables and parameters of the CEB field rules from ``codes/*.csv``.

Each CSV starts with ``#`` lines naming its source (ceb.md §8, regulation.md §7 and
the third-party repositories they cite); the header row follows. The files are the
only place where code values, limits and tolerances live: the rules in
:mod:`cbec.messages.ceb.checks` read them through :func:`load_code_tables`.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from types import MappingProxyType

__all__ = ["CodeTables", "LineRule", "load_code_tables"]


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("cbec.messages.ceb").joinpath(f"codes/{name}").read_text(encoding="utf-8")
    body = "\n".join(line for line in text.splitlines() if line and not line.startswith("#"))
    reader = csv.reader(io.StringIO(body))
    header = next(reader)
    rows = []
    for raw in reader:
        # A trailing free-text column may contain commas: join the overflow back into it.
        values = [*raw[: len(header) - 1], ",".join(raw[len(header) - 1 :])]
        rows.append(dict(zip(header, values, strict=True)))
    return rows


def _codes(name: str) -> frozenset[str]:
    return frozenset(row["code"] for row in _rows(name))


@dataclass(frozen=True, slots=True)
class LineRule:
    """Line rules of one list element of one message type (``line_rules.csv``).

    Attributes:
        gnum: ``"sequential"`` (1..n in order) or ``"unique"``.
        max_lines: maximum number of lines per record, None = no limit.
    """

    gnum: str
    max_lines: int | None


@dataclass(frozen=True)
class CodeTables:
    """All code lists and parameters used by the field rules.

    Attributes:
        currency: customs currency codes (``currency.csv``).
        country: customs country/region codes (``country.csv``).
        unit: customs unit codes (``unit.csv``).
        traf_mode: transport mode codes (``traf_mode.csv``).
        wrap_type: package type codes (``wrap_type.csv``).
        spec_codes: rows of ``ceb_codes.csv`` per table name: ``(code, applies_to)``.
        parameters: ``parameters.csv`` as ``name → value`` (strings).
        line_rules: ``(message type, list element) → LineRule``.
    """

    currency: frozenset[str]
    country: frozenset[str]
    unit: frozenset[str]
    traf_mode: frozenset[str]
    wrap_type: frozenset[str]
    spec_codes: Mapping[str, tuple[tuple[str, str], ...]]
    parameters: Mapping[str, str]
    line_rules: Mapping[tuple[str, str], LineRule]
    _allowed: dict[tuple[str, str, str], frozenset[str]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def allowed(self, table: str, message_type: str, direction: str) -> frozenset[str]:
        """Return the values of a ``ceb_codes.csv`` table that apply to a message.

        Rows naming the message type win; else rows naming its direction; else the
        rows that apply to every message.

        Args:
            table: table name, e.g. ``"appType"``.
            message_type: e.g. ``"CEB623Message"``.
            direction: ``"import"`` or ``"export"``.

        Returns:
            The allowed codes.
        """
        key = (table, message_type, direction)
        cached = self._allowed.get(key)
        if cached is not None:
            return cached
        rows = self.spec_codes.get(table, ())
        for scope in (message_type, direction, ""):
            codes = frozenset(code for code, applies_to in rows if applies_to == scope)
            if codes:
                break
        self._allowed[key] = codes
        return codes

    def parameter(self, name: str) -> str:
        """Return a parameter's value as written in ``parameters.csv``.

        Args:
            name: parameter name.

        Returns:
            The value string.
        """
        return self.parameters[name]

    def decimal(self, name: str) -> Decimal:
        """Return a numeric parameter as a Decimal.

        Args:
            name: parameter name.

        Returns:
            The value.
        """
        return Decimal(self.parameters[name])


@functools.cache
def load_code_tables() -> CodeTables:
    """Load (once) every CSV of ``codes/``.

    Returns:
        The tables.
    """
    spec_codes: dict[str, list[tuple[str, str]]] = {}
    for row in _rows("ceb_codes.csv"):
        spec_codes.setdefault(row["table"], []).append((row["code"], row["applies_to"]))
    line_rules = {
        (row["message_type"], row["list_element"]): LineRule(
            gnum=row["gnum"], max_lines=int(row["max_lines"]) if row["max_lines"] else None
        )
        for row in _rows("line_rules.csv")
    }
    return CodeTables(
        currency=_codes("currency.csv"),
        country=_codes("country.csv"),
        unit=_codes("unit.csv"),
        traf_mode=_codes("traf_mode.csv"),
        wrap_type=_codes("wrap_type.csv"),
        spec_codes=MappingProxyType({table: tuple(rows) for table, rows in spec_codes.items()}),
        parameters=MappingProxyType({row["name"]: row["value"] for row in _rows("parameters.csv")}),
        line_rules=MappingProxyType(line_rules),
    )
