"""Precision/Recall@n % select exactly k = ⌈n % · N⌉ rows, ties broken by the key."""

from __future__ import annotations

import pytest

from cbec.risk.benchmark.metrics import at_n, select_top_k, top_k_size


@pytest.mark.parametrize(
    ("n", "total", "k"),
    [(1, 8481, 85), (2, 8481, 170), (5, 8481, 425), (10, 8481, 849), (10, 10, 1), (5, 10, 1), (10, 0, 0)],
)
def test_k_is_the_ceiling_of_n_percent(n: int, total: int, k: int) -> None:
    assert top_k_size(n, total) == k


def test_ties_are_broken_by_key_whatever_the_input_order() -> None:
    scores = [0.5, 0.9, 0.5, 0.5, 0.1]
    keys = ["d", "a", "b", "c", "e"]
    assert select_top_k(scores, keys, 3) == [1, 2, 3]  # 0.9, then the 0.5s keyed "b" and "c"
    order = [4, 3, 2, 1, 0]
    picked = select_top_k([scores[i] for i in order], [keys[i] for i in order], 3)
    assert sorted(keys[order[i]] for i in picked) == ["a", "b", "c"]


def test_precision_and_recall_on_exactly_k_rows() -> None:
    scores = [float(20 - i) for i in range(20)]  # row 0 is the riskiest
    labels = [1, 0, 1, 1] + [0] * 14 + [1, 1]
    keys = [f"{i:02d}" for i in range(20)]
    ten = at_n(scores, labels, keys, 10)  # k = 2: rows 0 and 1
    assert (ten.k, ten.hits, ten.positives) == (2, 1, 5)
    assert ten.precision == 0.5
    assert ten.recall == 0.2
    assert ten.ties_at_cut == 1
    five = at_n(scores, labels, keys, 5)  # k = ⌈1.0⌉ = 1
    assert (five.k, five.precision, five.recall) == (1, 1.0, 0.2)


def test_all_tied_scores_fall_back_to_the_key() -> None:
    result = at_n([0.0] * 10, [0] * 9 + [1], [str(9 - i) for i in range(10)], 10)
    assert (result.k, result.hits, result.ties_at_cut) == (1, 1, 10)  # key "0" is the last row, a fraud


def test_lengths_must_match() -> None:
    with pytest.raises(ValueError, match="differ"):
        at_n([1.0], [1, 0], ["a"], 10)
