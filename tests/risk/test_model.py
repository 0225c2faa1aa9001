"""The LightGBM risk model: reproducible training, save/load, contributions."""

from __future__ import annotations

from pathlib import Path

import pytest

from cbec.risk import model as risk_model
from cbec.risk.benchmark.adapter import KcsProfile, train_features
from cbec.risk.benchmark.dataset import load_kcs

PARAMS = {"num_leaves": 15, "learning_rate": 0.1}


@pytest.fixture(scope="module")
def sample() -> tuple[list[dict[str, float]], list[int], list[dict[str, float]], list[int]]:
    splits = load_kcs(limit=600)
    profile = KcsProfile.fit(splits.train)
    return (
        train_features(splits.train),
        [r.fraud for r in splits.train],
        [profile.features(r) for r in splits.valid[:300]],
        [r.fraud for r in splits.valid[:300]],
    )


def test_training_is_reproducible(
    sample: tuple[list[dict[str, float]], list[int], list[dict[str, float]], list[int]],
) -> None:
    rows, labels, vrows, vlabels = sample
    a = risk_model.train(rows, labels, valid=(vrows, vlabels), params=PARAMS, num_boost_round=200)
    b = risk_model.train(rows, labels, valid=(vrows, vlabels), params=PARAMS, num_boost_round=200)
    assert a.best_iteration == b.best_iteration
    assert a.predict_many(vrows) == b.predict_many(vrows)
    assert all(0.0 <= p <= 1.0 for p in a.predict_many(vrows))


def test_predict_save_load_and_explain(
    sample: tuple[list[dict[str, float]], list[int], list[dict[str, float]], list[int]], tmp_path: Path
) -> None:
    rows, labels, vrows, _ = sample
    model = risk_model.train(rows, labels, params=PARAMS, num_boost_round=30)
    path = tmp_path / "model.txt"
    model.save(path)
    loaded = risk_model.load(path)
    assert loaded.feature_names == model.feature_names == sorted(rows[0])
    assert [loaded.predict(r) for r in vrows[:20]] == model.predict_many(vrows[:20])
    assert model.predict({}) == pytest.approx(model.predict({"unknown": 1.0}))  # missing features are NaN
    top = model.contributions(vrows[0], top=3)
    assert 0 < len(top) <= 3
    assert all(c.feature in model.feature_names for c in top)
    assert abs(top[0].contribution) >= abs(top[-1].contribution)


def test_rows_and_labels_must_match() -> None:
    with pytest.raises(ValueError, match="differ"):
        risk_model.train([{"a": 1.0}], [0, 1])
