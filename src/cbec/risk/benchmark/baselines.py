"""Baselines of risk-benchmark.md §5, fitted on train and scoring test rows (higher = riskier)."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Sequence

from cbec.risk.benchmark.adapter import KcsProfile
from cbec.risk.benchmark.dataset import KcsRow

__all__ = ["Baseline", "baselines", "pair", "seen_pairs"]

Baseline = Callable[[Sequence[KcsRow]], list[float]]


def pair(row: KcsRow) -> tuple[str, float]:
    """The (HS6, Net Mass) pair that drives the near-duplication of the dataset."""
    return (row.hs6, row.net_mass)


def seen_pairs(rows: Sequence[KcsRow]) -> set[tuple[str, float]]:
    return {pair(r) for r in rows}


def _lookup(train: Sequence[KcsRow]) -> Baseline:
    n: dict[tuple[str, float], int] = defaultdict(int)
    f: dict[tuple[str, float], int] = defaultdict(int)
    for r in train:
        n[pair(r)] += 1
        f[pair(r)] += r.fraud
    base = sum(r.fraud for r in train) / len(train) if train else 0.0

    def score(rows: Sequence[KcsRow]) -> list[float]:
        return [f[pair(r)] / n[pair(r)] if pair(r) in n else base for r in rows]

    return score


def _random(seed: int) -> Baseline:
    def score(rows: Sequence[KcsRow]) -> list[float]:
        rng = random.Random(seed)  # noqa: S311 - a reproducible baseline, not a secret
        return [rng.random() for _ in rows]

    return score


def baselines(train: Sequence[KcsRow], *, seed: int = 0) -> dict[str, Baseline]:
    """Name -> scorer: lookup table, random, price, duty, importer and declarant history rules."""
    profile = KcsProfile.fit(train)
    return {
        "lookup (HS6, net mass)": _lookup(train),
        "random (seeded)": _random(seed),
        "rule: highest price": lambda rows: [r.item_price for r in rows],
        "rule: highest duty": lambda rows: [r.item_price * r.tax_rate for r in rows],
        "rule: importer history": lambda rows: [profile.rate("importer", r.importer_id) for r in rows],
        "rule: declarant history": lambda rows: [profile.rate("declarant", r.declarant_id) for r in rows],
    }
