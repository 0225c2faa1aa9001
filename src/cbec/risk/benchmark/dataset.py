"""Load the KCS synthetic import declarations (Jeong et al. 2022, MIT) shipped with the repository.

The CSVs live in ``data/customs-synthetic/`` at the repository root (with their LICENSE and SOURCES.md).
``load_kcs()`` looks for them, in order: the ``data_dir`` argument; the ``CBEC_KCS_DATA_DIR`` environment
variable; ``data/customs-synthetic`` under the current directory; the same path relative to this source
file in a source checkout (``src/cbec/risk/benchmark`` -> repository root). The data is not part of the
installed wheel: an installed package must be given a directory.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

__all__ = [
    "ENV_VAR",
    "SPLIT_FILES",
    "KcsRow",
    "KcsSplits",
    "default_data_dir",
    "load_kcs",
    "read_mapped_csv",
    "read_split",
]

ENV_VAR = "CBEC_KCS_DATA_DIR"
SPLIT_FILES = {
    "train": "df_syn_train_eng.csv",
    "valid": "df_syn_valid_eng.csv",
    "test": "df_syn_test_eng.csv",
}
_RELATIVE = Path("data") / "customs-synthetic"


@dataclass(frozen=True, slots=True)
class KcsRow:
    """One KCS declaration line. IDs and codes are strings (HS6 keeps its leading zeros); empty = ``""``."""

    declaration_id: str
    date: str
    office_id: str
    process_type: str
    import_type: str
    import_use: str
    payment_type: str
    mode_of_transport: str
    declarant_id: str
    importer_id: str
    seller_id: str
    courier_id: str
    hs6: str
    country_of_departure: str
    country_of_origin: str
    tax_rate: float
    tax_type: str
    origin_indicator: str
    net_mass: float
    item_price: float
    fraud: int
    critical_fraud: int


class KcsSplits(NamedTuple):
    train: list[KcsRow]
    valid: list[KcsRow]
    test: list[KcsRow]


def _candidates() -> list[Path]:
    found: list[Path] = []
    env = os.environ.get(ENV_VAR)
    if env:
        found.append(Path(env))
    found.append(Path.cwd() / _RELATIVE)
    # src/cbec/risk/benchmark/dataset.py -> parents[4] is the repository root in a source checkout
    here = Path(__file__).resolve()
    if len(here.parents) > 4:
        found.append(here.parents[4] / _RELATIVE)
    return found


def default_data_dir() -> Path:
    """The first candidate directory holding the three split files (see the module docstring)."""
    candidates = _candidates()
    for path in candidates:
        if all((path / name).is_file() for name in SPLIT_FILES.values()):
            return path
    tried = ", ".join(str(p) for p in candidates)
    raise FileNotFoundError(f"KCS dataset not found (tried {tried}); pass data_dir or set {ENV_VAR}")


def _row(rec: dict[str, str]) -> KcsRow:
    return KcsRow(
        declaration_id=rec["Declaration ID"],
        date=rec["Date"],
        office_id=rec["Office ID"],
        process_type=rec["Process Type"],
        import_type=rec["Import Type"],
        import_use=rec["Import Use"],
        payment_type=rec["Payment Type"],
        mode_of_transport=rec["Mode of Transport"],
        declarant_id=rec["Declarant ID"],
        importer_id=rec["Importer ID"],
        seller_id=rec["Seller ID"],
        courier_id=rec["Courier ID"],
        hs6=rec["HS6 Code"],
        country_of_departure=rec["Country of Departure"],
        country_of_origin=rec["Country of Origin"],
        tax_rate=float(rec["Tax Rate"]),
        tax_type=rec["Tax Type"],
        origin_indicator=rec["Country of Origin Indicator"],
        net_mass=float(rec["Net Mass"]),
        item_price=float(rec["Item Price"]),
        fraud=int(rec["Fraud"]),
        critical_fraud=int(rec["Critical Fraud"]),
    )


def read_split(path: Path, *, limit: int | None = None) -> list[KcsRow]:
    """Read one split file (all columns as strings first, so codes keep their leading zeros)."""
    rows: list[KcsRow] = []
    with path.open(newline="", encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            if limit is not None and len(rows) >= limit:
                break
            rows.append(_row(rec))
    return rows


def load_kcs(data_dir: Path | str | None = None, *, limit: int | None = None) -> KcsSplits:
    """Train / valid / test rows of the KCS benchmark, in file (date) order.

    ``limit`` keeps the first ``limit`` rows of each split (for fast tests and smoke runs).
    """
    base = Path(data_dir) if data_dir is not None else default_data_dir()
    parts: Sequence[list[KcsRow]] = [read_split(base / SPLIT_FILES[s], limit=limit) for s in SPLIT_FILES]
    return KcsSplits(*parts)


_FIELDS = {
    "declaration_id": "Declaration ID",
    "date": "Date",
    "office_id": "Office ID",
    "process_type": "Process Type",
    "import_type": "Import Type",
    "import_use": "Import Use",
    "payment_type": "Payment Type",
    "mode_of_transport": "Mode of Transport",
    "declarant_id": "Declarant ID",
    "importer_id": "Importer ID",
    "seller_id": "Seller ID",
    "courier_id": "Courier ID",
    "hs6": "HS6 Code",
    "country_of_departure": "Country of Departure",
    "country_of_origin": "Country of Origin",
    "tax_rate": "Tax Rate",
    "tax_type": "Tax Type",
    "origin_indicator": "Country of Origin Indicator",
    "net_mass": "Net Mass",
    "item_price": "Item Price",
    "fraud": "Fraud",
    "critical_fraud": "Critical Fraud",
}
_REQUIRED = ("declaration_id", "date", "hs6", "net_mass", "item_price", "fraud")
_NUMERIC_DEFAULTS = {"tax_rate": "0", "net_mass": "0", "item_price": "0", "critical_fraud": "0"}


def read_mapped_csv(path: Path, mapping: dict[str, str]) -> list[KcsRow]:
    """Rows of a platform export whose columns are named by ``mapping`` (``KcsRow`` field -> CSV column).

    Unmapped fields are empty (numbers 0); ``hs6`` keeps the first 6 characters of the mapped code
    (a 10-digit ``gcode`` works). ``fraud`` must be 0/1 (inspection found a discrepancy).
    """
    unknown = set(mapping) - set(_FIELDS)
    missing = [f for f in _REQUIRED if f not in mapping]
    if unknown or missing:
        raise ValueError(f"mapping: unknown fields {sorted(unknown)}, missing fields {missing}")
    rows: list[KcsRow] = []
    with path.open(newline="", encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            kcs = {col: _NUMERIC_DEFAULTS.get(f, "") for f, col in _FIELDS.items()}
            for f, column in mapping.items():
                kcs[_FIELDS[f]] = (rec.get(column) or _NUMERIC_DEFAULTS.get(f, "")).strip()
            kcs["HS6 Code"] = kcs["HS6 Code"][:6]
            rows.append(_row(kcs))
    return rows
