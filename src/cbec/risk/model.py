"""The learned part of the risk engine: a LightGBM classifier over a risk-feature dict.

``train(rows, labels, valid=(rows, labels), params=...)`` fits a binary model on ``Mapping[str, float]``
feature rows (missing features are NaN; the feature set is the sorted union of the training rows' keys).
Training is reproducible: fixed seeds, ``deterministic=True``, row-wise histograms, a fixed number of
threads and no bagging by default. Early stopping looks at the validation set only; there is no test
set here, so nothing can be tuned on it.

``RiskModel.predict(features)`` returns the fraud probability and implements the ``Model`` protocol of
``cbec.risk.scoring``; ``contributions`` gives the per-declaration top feature contributions
(LightGBM ``pred_contrib``, in log-odds) used to explain a score. ``save``/``load`` use LightGBM's text
format, which carries the feature names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np

__all__ = [
    "DEFAULT_PARAMS",
    "Contribution",
    "RiskModel",
    "load",
    "train",
]

DEFAULT_PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 63,
    "min_data_in_leaf": 20,
    "feature_fraction": 0.9,
    "bagging_fraction": 1.0,
    "bagging_freq": 0,
    "lambda_l2": 1.0,
    "seed": 20220802,
    "bagging_seed": 1,
    "feature_fraction_seed": 2,
    "data_random_seed": 3,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 4,
    "verbosity": -1,
}
DEFAULT_ROUNDS = 2000
DEFAULT_EARLY_STOPPING = 100


@dataclass(frozen=True, slots=True)
class Contribution:
    feature: str
    value: float  # the feature's value in this declaration (NaN when missing)
    contribution: float  # its SHAP-style contribution to the raw score (log-odds)


def _matrix(rows: Sequence[Mapping[str, float]], names: Sequence[str]) -> np.ndarray[Any, Any]:
    out = np.full((len(rows), len(names)), np.nan, dtype=np.float64)
    index = {n: j for j, n in enumerate(names)}
    for i, row in enumerate(rows):
        for name, value in row.items():
            j = index.get(name)
            if j is not None and value is not None:
                out[i, j] = float(value)
    return out


class RiskModel:
    """A trained booster and the ordered feature names it expects."""

    def __init__(self, booster: lgb.Booster) -> None:
        self.booster = booster
        self.feature_names: list[str] = list(booster.feature_name())

    @property
    def best_iteration(self) -> int:
        return int(self.booster.best_iteration or self.booster.current_iteration())

    def _iterations(self) -> int | None:
        best = self.booster.best_iteration
        return int(best) if best and best > 0 else None

    def predict_many(self, rows: Sequence[Mapping[str, float]]) -> list[float]:
        if not rows:
            return []
        raw = self.booster.predict(
            _matrix(rows, self.feature_names), num_iteration=self._iterations(), num_threads=1
        )
        return [float(x) for x in raw]

    def predict(self, features: Mapping[str, float]) -> float:
        """Fraud probability of one declaration (``cbec.risk.scoring.Model``)."""
        return self.predict_many([features])[0]

    def contributions(self, features: Mapping[str, float], *, top: int = 5) -> list[Contribution]:
        """The ``top`` features with the largest absolute contribution to this declaration's score."""
        x = _matrix([features], self.feature_names)
        contrib = self.booster.predict(x, num_iteration=self._iterations(), pred_contrib=True, num_threads=1)
        values = contrib[0][: len(self.feature_names)]  # the last column is the expected value (bias)
        order = sorted(range(len(values)), key=lambda j: (-abs(float(values[j])), self.feature_names[j]))
        return [
            Contribution(self.feature_names[j], float(x[0, j]), float(values[j]))
            for j in order[:top]
            if float(values[j]) != 0.0
        ]

    def save(self, path: Path | str) -> None:
        Path(path).write_text(
            self.booster.model_to_string(num_iteration=self._iterations()), encoding="utf-8"
        )


def load(path: Path | str) -> RiskModel:
    """A model written by ``RiskModel.save``."""
    return RiskModel(lgb.Booster(model_str=Path(path).read_text(encoding="utf-8")))


def train(
    rows: Sequence[Mapping[str, float]],
    labels: Sequence[int],
    *,
    valid: tuple[Sequence[Mapping[str, float]], Sequence[int]] | None = None,
    params: Mapping[str, Any] | None = None,
    num_boost_round: int = DEFAULT_ROUNDS,
    early_stopping_rounds: int = DEFAULT_EARLY_STOPPING,
) -> RiskModel:
    """Fit the model; with ``valid``, stop early on its log-loss and keep the best iteration.

    Without ``valid`` all ``num_boost_round`` rounds are kept. ``params`` override ``DEFAULT_PARAMS``.
    """
    if len(rows) != len(labels):
        raise ValueError("rows and labels differ in length")
    if not rows:
        raise ValueError("no training rows")
    names = sorted({name for row in rows for name in row})
    merged = {**DEFAULT_PARAMS, **(params or {})}
    merged.setdefault("metric", "binary_logloss")
    y = np.asarray(labels, dtype=np.float64)
    dtrain = lgb.Dataset(_matrix(rows, names), label=y, feature_name=names, free_raw_data=True)
    callbacks: list[Any] = []
    valid_sets: list[Any] = []
    if valid is not None:
        vrows, vlabels = valid
        dvalid = lgb.Dataset(
            _matrix(vrows, names), label=np.asarray(vlabels, dtype=np.float64), reference=dtrain
        )
        valid_sets = [dvalid]
        callbacks.append(lgb.early_stopping(early_stopping_rounds, first_metric_only=True, verbose=False))
    booster = lgb.train(
        merged,
        dtrain,
        num_boost_round=num_boost_round,
        valid_sets=valid_sets or None,
        valid_names=["valid"] if valid_sets else None,
        callbacks=callbacks,
    )
    return RiskModel(booster)
