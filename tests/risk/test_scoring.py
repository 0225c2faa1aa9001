"""assess: score formula, model blend, action, top features, explanation naming every hit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from cbec.risk.features import AgencySignal, BuyerOrder, ContactOrder, History, SafetyEntry
from cbec.risk.params import load_risk_parameters
from cbec.risk.rules import Action, load_rules
from cbec.risk.scoring import Model, assess, rule_score
from tests.risk.test_rules import NOW, declaration

PARAMS = load_risk_parameters(date(2026, 3, 10))
RULES = load_rules("v1")


class Constant:
    def __init__(self, p: float) -> None:
        self.p = p

    def predict(self, features: Mapping[str, float]) -> float:
        return self.p


def busy_history() -> History:
    ring = tuple(ContactOrder(f"K{i}", NOW - timedelta(days=1), f"b{i}") for i in range(6))
    return History(
        buyer_orders=tuple(
            BuyerOrder(f"S{i}", NOW - timedelta(hours=i + 1), Decimal(4900), "addr-1", "phone-1")
            for i in range(3)
        ),
        address_orders=ring,
        safety_list=(SafetyEntry(reason="recall", barcode="4901234567894"),),
        agency_signals=(AgencySignal(subject="buyer", source="police", code="FRAUD"),),
    )


def test_explanation_names_every_hit_and_action_is_the_strongest() -> None:
    result = assess(declaration(taxable_price=Decimal(4800)), busy_history(), rules=RULES, params=PARAMS)
    assert len(result.hits) >= 4
    for hit in result.hits:
        assert hit.rule_id in result.explanation and hit.rule_id in result.explanation_en
        assert hit.description in result.explanation and hit.description_en in result.explanation_en
        assert hit.evidence
    assert result.action is Action.MUST_INSPECT
    assert result.hits[0].action is Action.MUST_INSPECT
    assert result.score == pytest.approx(rule_score([h.weight for h in result.hits]))
    assert 0 < result.score <= 1
    assert len(result.top_features) <= PARAMS.top_features
    assert result.top_features[0][0] == "product_safety_hits"
    assert result.to_dict()["rule_set"] == "v1"


def test_model_blend_formula() -> None:
    assert isinstance(Constant(0.2), Model)
    plain = assess(declaration(), History(), rules=RULES, params=PARAMS)
    blended = assess(declaration(), History(), rules=RULES, params=PARAMS, model=Constant(0.8))
    alpha = float(PARAMS.model_weight)
    assert blended.model_probability == 0.8
    assert blended.score == pytest.approx((1 - alpha) * plain.rule_score + alpha * 0.8)
    rules_only = replace(PARAMS, model_weight=Decimal(0))
    assert assess(declaration(), History(), rules=RULES, params=rules_only, model=Constant(0.9)).score == 0.0
    with pytest.raises(ValueError, match="outside"):
        assess(declaration(), History(), rules=RULES, params=PARAMS, model=Constant(1.5))


def test_naive_datetimes_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        declaration(declared_at=datetime(2026, 1, 1))  # noqa: DTZ001
    assert declaration().declared_at.tzinfo is UTC
