"""Precision@n % and Recall@n % with an exact top-k selection (risk-benchmark.md §3).

Selection: k = ceil(n % · N) rows, ranked by score descending; ties are broken by the secondary key
(ascending — the declaration ID in the benchmark), so a run is reproducible whatever the input order.
The number of rows tied with the last selected score (inside and outside the selection) is reported.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["RATES", "AtN", "at_n", "select_top_k", "top_k_size"]

RATES: tuple[int, ...] = (1, 2, 5, 10)


@dataclass(frozen=True, slots=True)
class AtN:
    n: float  # inspection rate in %
    k: int  # rows selected
    hits: int  # positives among the selected
    positives: int  # positives in the whole set
    precision: float
    recall: float
    ties_at_cut: int  # rows whose score equals the k-th score


def top_k_size(n_percent: float, total: int) -> int:
    """k = ⌈n % · N⌉ (exact rational arithmetic for integer rates, so 5 % of 8,481 is 425)."""
    if total <= 0:
        return 0
    if float(n_percent).is_integer():
        return min(total, -(-int(n_percent) * total // 100))
    return min(total, math.ceil(n_percent * total / 100))


def select_top_k(scores: Sequence[float], keys: Sequence[str], k: int) -> list[int]:
    """Indices of the k highest scores; ties broken by ``keys`` ascending, then by position."""
    if len(scores) != len(keys):
        raise ValueError("scores and keys differ in length")
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], keys[i], i))
    return order[:k]


def at_n(scores: Sequence[float], labels: Sequence[int], keys: Sequence[str], n_percent: float) -> AtN:
    """Precision and recall when the top n % of the rows are inspected."""
    if not len(scores) == len(labels) == len(keys):
        raise ValueError("scores, labels and keys differ in length")
    k = top_k_size(n_percent, len(scores))
    chosen = select_top_k(scores, keys, k)
    hits = sum(1 for i in chosen if labels[i])
    positives = sum(1 for y in labels if y)
    ties = 0
    if chosen:
        cut = scores[chosen[-1]]
        ties = sum(1 for s in scores if s == cut)
    return AtN(
        n=n_percent,
        k=k,
        hits=hits,
        positives=positives,
        precision=hits / k if k else 0.0,
        recall=hits / positives if positives else 0.0,
        ties_at_cut=ties,
    )
