"""The tariff table as data (``tariff_lines.csv``) and its loader."""

from __future__ import annotations

from cbec.tax.tariff.table import (
    TARIFF_CSV,
    Mark,
    MatchKind,
    TariffError,
    TariffLine,
    TariffMatch,
    TariffTable,
    VatClass,
    load_tariff,
    parse_tariff_csv,
)

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
