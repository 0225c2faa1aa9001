"""Run the KCS benchmark: our model and the §5 baselines, full test set and novel (HS6, net mass) subset.

Protocol (risk-benchmark.md §7): history profiles and the model are fitted on train only, valid is used
for early stopping only, and the test split is scored once. Selection is the exact top-k of
``cbec.risk.benchmark.metrics`` (k = ⌈n % · N⌉, ties broken by declaration ID).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cbec.risk import model as risk_model
from cbec.risk.benchmark.adapter import KcsProfile, train_features
from cbec.risk.benchmark.baselines import baselines, pair, seen_pairs
from cbec.risk.benchmark.dataset import KcsRow, KcsSplits
from cbec.risk.benchmark.metrics import RATES, AtN, at_n
from cbec.risk.benchmark.platform import PlatformScorer

__all__ = [
    "ADAPTED",
    "OURS",
    "RULES_ONLY",
    "PUBLISHED",
    "Report",
    "Scores",
    "evaluate",
    "fit_model",
    "format_report",
    "last_line",
    "score_rows",
]

OURS = "ours: scoring.assess (rules + model)"
ADAPTED = "LightGBM on adapted KCS features"
RULES_ONLY = "scoring.assess (rules only)"
RULES_ON = date(2026, 1, 1)  # the shipped rule set and scoring parameters are valid from this day
PUBLISHED: dict[str, dict[int, float]] = {
    "published LightGBM (Jeong et al. 2022)": {5: 0.762, 10: 0.641},
    "published XGBoost (Jeong et al. 2022)": {5: 0.675, 10: 0.579},
}


@dataclass(frozen=True, slots=True)
class Scores:
    """Metrics of one scorer on one subset, by inspection rate."""

    name: str
    at: dict[int, AtN]


@dataclass
class Report:
    full: list[Scores] = field(default_factory=list)
    novel: list[Scores] = field(default_factory=list)
    n_test: int = 0
    n_novel: int = 0
    best_iteration: int = 0
    seconds: float = 0.0
    scorer: str = OURS


def fit_model(
    train: Sequence[KcsRow], valid: Sequence[KcsRow], *, params: Mapping[str, Any] | None = None
) -> tuple[risk_model.RiskModel, KcsProfile]:
    """Train the model on train (out-of-fold history features), early-stopping on valid."""
    profile = KcsProfile.fit(train)
    model = risk_model.train(
        train_features(train),
        [r.fraud for r in train],
        valid=([profile.features(r) for r in valid], [r.fraud for r in valid]),
        params=params,
    )
    return model, profile


def score_rows(model: risk_model.RiskModel, profile: KcsProfile, rows: Sequence[KcsRow]) -> list[float]:
    return model.predict_many([profile.features(r) for r in rows])


def _metrics(name: str, scores: Sequence[float], rows: Sequence[KcsRow]) -> Scores:
    labels = [r.fraud for r in rows]
    keys = [r.declaration_id for r in rows]
    return Scores(name, {n: at_n(scores, labels, keys, n) for n in RATES})


def evaluate(splits: KcsSplits, *, params: Mapping[str, Any] | None = None) -> Report:
    started = time.perf_counter()
    model, profile = fit_model(splits.train, splits.valid, params=params)
    test = splits.test
    seen = seen_pairs(splits.train)
    novel_idx = [i for i, r in enumerate(test) if pair(r) not in seen]
    novel = [test[i] for i in novel_idx]
    platform = PlatformScorer(splits.train, splits.valid, on=RULES_ON)
    scorers: dict[str, list[float]] = {
        OURS: platform.scores(test),
        RULES_ONLY: platform.scores(test, with_model=False),
        ADAPTED: score_rows(model, profile, test),
    }
    for name, baseline in baselines(splits.train).items():
        scorers[name] = baseline(test)
    report = Report(n_test=len(test), n_novel=len(novel), best_iteration=platform.model.best_iteration)
    for name, scores in scorers.items():
        report.full.append(_metrics(name, scores, test))
        report.novel.append(_metrics(name, [scores[i] for i in novel_idx], novel))
    report.seconds = time.perf_counter() - started
    return report


def _ours(scores: list[Scores]) -> Scores:
    return next(s for s in scores if s.name == OURS)


def last_line(report: Report) -> str:
    full, novel = _ours(report.full), _ours(report.novel)
    return (
        f"p5={full.at[5].precision:.3f} p10={full.at[10].precision:.3f} "
        f"novel_p5={novel.at[5].precision:.3f} novel_p10={novel.at[10].precision:.3f}"
    )


def _table(title: str, scores: list[Scores], n: int, *, published: bool) -> list[str]:
    width = max(len(s.name) for s in scores)
    width = max(width, *(len(p) for p in PUBLISHED)) if published else width
    head = " ".join(f"{'P@' + str(r) + '%':>7} {'R@' + str(r) + '%':>7}" for r in RATES)
    lines = [f"{title} (N={n}, k={'/'.join(str(scores[0].at[r].k) for r in RATES)})", f"{'':<{width}} {head}"]
    for s in scores:
        cells = " ".join(f"{s.at[r].precision:>7.3f} {s.at[r].recall:>7.3f}" for r in RATES)
        lines.append(f"{s.name:<{width}} {cells}")
    if published:
        for name, values in PUBLISHED.items():
            cells = " ".join(
                f"{values[r]:>7.3f} {'-':>7}" if r in values else f"{'-':>7} {'-':>7}" for r in RATES
            )
            lines.append(f"{name:<{width}} {cells}")
    return lines


def format_report(report: Report) -> str:
    """The comparison table; its last line is ``p5=… p10=… novel_p5=… novel_p10=…``."""
    lines = [
        f"scorer: {report.scorer} (best iteration {report.best_iteration}); {report.seconds:.1f} s",
        *_table("full test", report.full, report.n_test, published=True),
        "",
        *_table("novel (HS6, net mass) pairs", report.novel, report.n_novel, published=False),
        "",
        last_line(report),
    ]
    return "\n".join(lines)
