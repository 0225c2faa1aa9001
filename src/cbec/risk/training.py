"""Learning from the platform's own inspection outcomes (查验结果反馈).

Every decided import declaration keeps its full feature vector with its risk assessment. When
customs concludes an inspection the declaration gets a label: found (sent back 700 or detained 50x)
= 1, clean (800) = 0. ``cbec risk train --platform`` fits the model on the older 80 % of the
labelled declarations and validates on the newest 20 %; ``cbec risk evaluate --platform`` reports
Precision/Recall@5 % and @10 % of a model and of the rules alone on that held-out period.

Caveat (said, not hidden): labels exist only for inspected declarations. Targeted and mandatory
inspections over-represent what the rules already suspect; the always-on random sample is the
unbiased part, which is why sampling keeps it. ``paths`` restricts training to some paths (e.g.
``random`` only) once there are enough of them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cbec.clearance.enums import ClearanceState
from cbec.clearance.models import ClearanceOrder
from cbec.risk import model as risk_model
from cbec.risk.benchmark.metrics import AtN, at_n

#: States that mean the inspection found something (700 sent back, 50x detained).
FOUND = frozenset({ClearanceState.sent_back.value, ClearanceState.detained.value})
#: Share of the labelled declarations (oldest first) used for training; the rest validate.
TRAIN_SHARE = 0.8
RATES = (5.0, 10.0)


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled declaration."""

    key: str
    declared_at: datetime
    features: dict[str, float]
    rule_score: float
    path: str
    label: int


def examples(session: Session, *, paths: Collection[str] | None = None) -> list[Example]:
    """Declarations whose inspection has concluded and whose features were kept, oldest first."""
    query = (
        select(ClearanceOrder)
        .where(
            ClearanceOrder.inspection_path.is_not(None),
            ClearanceOrder.state != ClearanceState.inspecting.value,
        )
        .order_by(ClearanceOrder.created_at, ClearanceOrder.id)
    )
    if paths:
        query = query.where(ClearanceOrder.inspection_path.in_(sorted(paths)))
    found: list[Example] = []
    for order in session.scalars(query):
        risk: dict[str, Any] = (order.assessment or {}).get("risk") or {}
        values = risk.get("features")
        if not isinstance(values, dict) or not values:
            continue  # decided before features were kept
        found.append(
            Example(
                key=f"{order.ebp_code}|{order.order_no}",
                declared_at=order.created_at,
                features={str(k): float(v) for k, v in values.items()},
                rule_score=float(risk.get("rule_score") or 0.0),
                path=str(order.inspection_path),
                label=int(order.state in FOUND),
            )
        )
    return found


def split(rows: Sequence[Example]) -> tuple[Sequence[Example], Sequence[Example]]:
    """Older ``TRAIN_SHARE`` for training, the newest rest for validation (time order, no leakage)."""
    cut = max(1, int(len(rows) * TRAIN_SHARE))
    return rows[:cut], rows[cut:]


class NotEnoughDataError(ValueError):
    """Too few labelled declarations, or only one class among them."""


def train(rows: Sequence[Example]) -> risk_model.RiskModel:
    """Fit the model on the older part, early-stopping on the newer part.

    Raises:
        NotEnoughDataError: fewer than 20 examples, or the training part has a single class.
    """
    if len(rows) < 20:  # noqa: PLR2004 - below this a model is noise; say so instead of fitting
        raise NotEnoughDataError(f"only {len(rows)} concluded inspections with features; need at least 20")
    fit, valid = split(rows)
    if len({r.label for r in fit}) < 2:  # noqa: PLR2004 - two classes
        raise NotEnoughDataError("the training period has only one outcome (no findings, or nothing clean)")
    return risk_model.train(
        [r.features for r in fit],
        [r.label for r in fit],
        valid=([r.features for r in valid], [r.label for r in valid]) if valid else None,
    )


def evaluate(model: risk_model.RiskModel | None, rows: Sequence[Example]) -> dict[str, dict[float, AtN]]:
    """Precision/Recall@n % on the held-out newest part: the model (if any) and the rules alone."""
    _, held_out = split(rows)
    if not held_out:
        raise NotEnoughDataError("no held-out period (too few examples)")
    labels = [r.label for r in held_out]
    keys = [r.key for r in held_out]
    scored: dict[str, Sequence[float]] = {"rules": [r.rule_score for r in held_out]}
    if model is not None:
        scored["model"] = model.predict_many([r.features for r in held_out])
    return {name: {n: at_n(scores, labels, keys, n) for n in RATES} for name, scores in scored.items()}
