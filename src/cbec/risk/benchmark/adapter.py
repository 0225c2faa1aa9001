"""Adapter from a KCS benchmark row to the platform's risk features (risk-benchmark.md §6).

A KCS row is read as one CEB621 inventory line: Declarant ID -> ``agentCode`` (declaring enterprise),
Seller ID -> ``ebcCode`` (e-commerce enterprise), Courier ID -> ``logisticsCode``, Importer ID -> the buyer,
HS6 -> ``gcode[:6]``, Net Mass -> ``netWeight``, Item Price -> ``totalPrice``, Office ID -> ``customsCode``.
Labels (Fraud, Critical Fraud) are never turned into features of the row itself.

History-based features (the platform's "risk profiles" and pseudo-credit of enterprises) come from a
``KcsProfile`` fitted on the **train** split only: the smoothed past fraud rate
``(fraud + m · base) / (count + m)`` and the past count of each subject (enterprises, buyer, goods at
HS6/HS4/HS2, HS6 × origin, countries, office, tax treatment) and the unit price relative to the HS6 median.
Training rows get out-of-fold values (``train_features``) so that a row never sees its own label.

The exact (HS6, Net Mass) pair is deliberately *not* a feature: that pair is the lookup-table baseline
(near-duplicates, §5) and would turn the model into a memoriser.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from cbec.risk.benchmark.dataset import KcsRow

__all__ = [
    "PROFILE_KEYS",
    "SMOOTHING",
    "KcsProfile",
    "declaration_fields",
    "row_features",
    "train_features",
]

SMOOTHING = 10.0
FOLDS = 5

PROFILE_KEYS: dict[str, Callable[[KcsRow], str]] = {
    "declarant": lambda r: r.declarant_id,
    "importer": lambda r: r.importer_id,
    "seller": lambda r: r.seller_id,
    "courier": lambda r: r.courier_id,
    "hs6": lambda r: r.hs6,
    "hs4": lambda r: r.hs6[:4],
    "hs2": lambda r: r.hs6[:2],
    "hs6_origin": lambda r: f"{r.hs6}|{r.country_of_origin}",
    "origin": lambda r: r.country_of_origin,
    "departure": lambda r: r.country_of_departure,
    "office": lambda r: r.office_id,
    "tax_type": lambda r: r.tax_type,
    "import_type": lambda r: r.import_type,
}


def _code(text: str) -> float:
    """Numeric codes stay numbers (HS6, office, import type…); others get NaN (they are profiled)."""
    try:
        return float(text)
    except ValueError:
        return float("nan")


def _unit_price(row: KcsRow) -> float:
    return row.item_price / row.net_mass if row.net_mass > 0 else float("nan")


def row_features(row: KcsRow) -> dict[str, float]:
    """Features of the declaration alone (no history)."""
    return {
        "hs6_code": _code(row.hs6),
        "hs4_code": _code(row.hs6[:4]),
        "hs2_code": _code(row.hs6[:2]),
        "net_mass": row.net_mass,
        "item_price": row.item_price,
        "tax_rate": row.tax_rate,
        "duty": row.item_price * row.tax_rate / 100.0,
        "unit_price": _unit_price(row),
        "office_code": _code(row.office_id),
        "import_type_code": _code(row.import_type),
        "import_use_code": _code(row.import_use),
        "payment_type_code": _code(row.payment_type),
        "transport_code": _code(row.mode_of_transport),
        "has_seller": 1.0 if row.seller_id else 0.0,
        "has_courier": 1.0 if row.courier_id else 0.0,
        "origin_is_departure": 1.0 if row.country_of_origin == row.country_of_departure else 0.0,
    }


@dataclass
class KcsProfile:
    """Inspection history: counts and frauds per subject, fitted on past (train) rows only."""

    base_rate: float = 0.0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    frauds: dict[str, dict[str, int]] = field(default_factory=dict)
    hs6_unit_price: dict[str, float] = field(default_factory=dict)

    @classmethod
    def fit(cls, rows: Sequence[KcsRow]) -> KcsProfile:
        counts: dict[str, dict[str, int]] = {k: defaultdict(int) for k in PROFILE_KEYS}
        frauds: dict[str, dict[str, int]] = {k: defaultdict(int) for k in PROFILE_KEYS}
        prices: dict[str, list[float]] = defaultdict(list)
        for row in rows:
            for name, key in PROFILE_KEYS.items():
                value = key(row)
                if value:
                    counts[name][value] += 1
                    frauds[name][value] += row.fraud
            unit = _unit_price(row)
            if unit == unit:  # not NaN
                prices[row.hs6].append(unit)
        base = sum(r.fraud for r in rows) / len(rows) if rows else 0.0
        return cls(
            base_rate=base,
            counts={k: dict(v) for k, v in counts.items()},
            frauds={k: dict(v) for k, v in frauds.items()},
            hs6_unit_price={hs: statistics.median(v) for hs, v in prices.items()},
        )

    def rate(self, name: str, value: str) -> float:
        n = self.counts[name].get(value, 0) if value else 0
        f = self.frauds[name].get(value, 0) if value else 0
        return (f + SMOOTHING * self.base_rate) / (n + SMOOTHING)

    def history_features(self, row: KcsRow) -> dict[str, float]:
        out: dict[str, float] = {}
        for name, key in PROFILE_KEYS.items():
            value = key(row)
            out[f"rate_{name}"] = self.rate(name, value)
            out[f"count_{name}"] = float(self.counts[name].get(value, 0)) if value else 0.0
        ref = self.hs6_unit_price.get(row.hs6)
        unit = _unit_price(row)
        out["unit_price_vs_hs6"] = unit / ref if ref and unit == unit else float("nan")
        return out

    def features(self, row: KcsRow) -> dict[str, float]:
        """All risk features of one declaration given this history."""
        return {**row_features(row), **self.history_features(row)}


def train_features(rows: Sequence[KcsRow], *, folds: int = FOLDS) -> list[dict[str, float]]:
    """Out-of-fold features of the training rows: each row is profiled on the other folds only.

    Folds are assigned by position (``i % folds``), so the result is deterministic.
    """
    out: list[dict[str, float]] = [{} for _ in rows]
    for fold in range(folds):
        history = KcsProfile.fit([r for i, r in enumerate(rows) if i % folds != fold])
        for i in range(fold, len(rows), folds):
            out[i] = history.features(rows[i])
    return out


def declaration_fields(row: KcsRow) -> dict[str, str]:
    """The CEB621-style fields a KCS row maps to (§6); country codes stay ISO alpha-2."""
    return {
        "copNo": row.declaration_id,
        "gnum": "1",
        "declTime": row.date.replace("-", ""),
        "customsCode": row.office_id,
        "tradeMode": "9610",
        "trafMode": row.mode_of_transport,
        "agentCode": row.declarant_id,
        "ebcCode": row.seller_id,
        "logisticsCode": row.courier_id,
        "buyerIdNumber": row.importer_id,
        "gcode": row.hs6,
        "country": row.country_of_origin,
        "departureCountry": row.country_of_departure,
        "netWeight": repr(row.net_mass),
        "totalPrice": repr(row.item_price),
        "taxRate": repr(row.tax_rate),
        "taxType": row.tax_type,
    }
