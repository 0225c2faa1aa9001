"""Combine the rules (and optionally a model) into one risk assessment of a declaration.

Formula (weights in ``parameters/scoring.yaml`` and the rule set)::

    rule_score = 1 − Π (1 − weight_r)            over the rules r that fired (noisy-OR, in [0, 1])
    score      = rule_score                                               without a model
    score      = (1 − model_weight) × rule_score + model_weight × p       with a model (p = model probability)

The action is the strongest action of the rules that fired (``none`` when none fired).
A feature's contribution is the sum of the weights of the fired rules that read it.

:func:`assess` is the one entry point used by the clearance worker and the benchmark.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from cbec.risk.features import Declaration, History, features
from cbec.risk.params import RiskParameters
from cbec.risk.rules import Action, Rule, RuleSet

__all__ = ["Model", "RiskAssessment", "RuleHit", "Signal", "assess", "rule_score"]


@runtime_checkable
class Model(Protocol):
    """A trained model: the probability that a declaration is a violation."""

    def predict(self, features: Mapping[str, float]) -> float:
        """Return a probability in [0, 1] from the features of :func:`cbec.risk.features.features`."""
        ...


@dataclass(frozen=True, slots=True)
class RuleHit:
    """A rule that fired, with the feature values that made it fire.

    Attributes:
        rule_id: the rule's stable id.
        description: Chinese description.
        description_en: English description.
        reference: the rule's legal or policy reference.
        weight: its weight in the rule score.
        action: what it asks for.
        evidence: the feature values that fired.
    """

    rule_id: str
    description: str
    description_en: str
    reference: str
    weight: float
    action: Action
    evidence: Mapping[str, float]

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready form."""
        return {
            "rule": self.rule_id,
            "description": self.description,
            "description_en": self.description_en,
            "reference": self.reference,
            "weight": self.weight,
            "action": self.action.value,
            "evidence": dict(self.evidence),
        }


Signal = RuleHit
"""STYLE.md §3.3 calls an indicator's result a Signal; here a signal is a rule hit."""


@dataclass(frozen=True, slots=True)
class RiskAssessment:
    """The risk of one declaration.

    Attributes:
        key: the declaration key.
        score: combined score in [0, 1].
        rule_score: the rules' part (noisy-OR of the fired weights).
        model_probability: the model's probability, None without a model.
        action: the strongest action of the fired rules.
        hits: the rules that fired, strongest action first then weight.
        top_features: (feature, contribution) pairs, largest first.
        features: every feature value.
        rule_set: the rule-set version used.
        explanation: Chinese text naming every hit.
        explanation_en: English text naming every hit.
    """

    key: str
    score: float
    rule_score: float
    model_probability: float | None
    action: Action
    hits: tuple[RuleHit, ...]
    top_features: tuple[tuple[str, float], ...]
    features: Mapping[str, float] = field(repr=False)
    rule_set: str
    explanation: str
    explanation_en: str

    @property
    def must_inspect(self) -> bool:
        """Whether a rule requires inspection."""
        return self.action is Action.MUST_INSPECT

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready form (stored with the clearance decision)."""
        return {
            "key": self.key,
            "score": self.score,
            "rule_score": self.rule_score,
            "model_probability": self.model_probability,
            "action": self.action.value,
            "rule_set": self.rule_set,
            "hits": [hit.to_dict() for hit in self.hits],
            "top_features": [list(pair) for pair in self.top_features],
            "explanation": self.explanation,
            "explanation_en": self.explanation_en,
        }


def rule_score(weights: list[float]) -> float:
    """Noisy-OR of rule weights: ``1 − Π(1 − w)``.

    >>> round(rule_score([0.5, 0.5]), 2)
    0.75
    >>> rule_score([])
    0.0
    """
    remaining = 1.0
    for weight in weights:
        remaining *= 1.0 - weight
    return 1.0 - remaining


def _hit(rule: Rule, values: Mapping[str, float]) -> RuleHit | None:
    if not rule.condition.evaluate(values):
        return None
    return RuleHit(
        rule_id=rule.id,
        description=rule.description,
        description_en=rule.description_en,
        reference=rule.reference,
        weight=rule.weight,
        action=rule.action,
        evidence=rule.condition.fired(values),
    )


def _evidence(hit: RuleHit) -> str:
    return ", ".join(f"{name}={value:g}" for name, value in hit.evidence.items())


def _explain(hits: tuple[RuleHit, ...], score: float, action: Action, model: float | None) -> tuple[str, str]:
    model_zh = f"，模型概率{model:.2f}" if model is not None else ""
    model_en = f", model probability {model:.2f}" if model is not None else ""
    if not hits:
        return (
            f"风险评分{score:.2f}{model_zh}；未触发任何风险规则。",
            f"Risk score {score:.2f}{model_en}; no risk rule fired.",
        )
    zh = [f"风险评分{score:.2f}{model_zh}，处置：{action.value}。触发规则："]
    en = [f"Risk score {score:.2f}{model_en}, action: {action.value}. Rules fired:"]
    for hit in hits:
        evidence, weight, ref = _evidence(hit), f"{hit.weight:g}", hit.reference
        zh.append(f"- {hit.rule_id} {hit.description}（权重{weight}；{evidence}；依据：{ref}）")
        en.append(f"- {hit.rule_id} {hit.description_en} (weight {weight}; {evidence}; basis: {ref})")
    return "\n".join(zh), "\n".join(en)


def assess(
    declaration: Declaration,
    history: History,
    *,
    rules: RuleSet,
    params: RiskParameters,
    model: Model | None = None,
) -> RiskAssessment:
    """Assess a declaration: compute its features, evaluate every rule, combine with the model.

    Args:
        declaration: the declaration.
        history: what the caller loaded around it.
        rules: the rule set (:func:`cbec.risk.rules.load_rules`).
        params: the risk parameters on the declaration's date (:func:`cbec.risk.params.load_risk_parameters`).
        model: an optional trained model.

    Returns:
        The assessment (score, hits, action, top features, explanations).

    Raises:
        ValueError: the model returned something outside [0, 1].
    """
    values = features(declaration, history, params)
    found = [hit for rule in rules.rules if (hit := _hit(rule, values)) is not None]
    hits = tuple(sorted(found, key=lambda h: (-h.action.rank, -h.weight, h.rule_id)))
    rules_part = rule_score([hit.weight for hit in hits])
    probability: float | None = None
    score = rules_part
    if model is not None:
        probability = float(model.predict(values))
        if not 0.0 <= probability <= 1.0:
            raise ValueError(f"model probability {probability} outside [0, 1]")
        alpha = float(params.model_weight)
        score = (1.0 - alpha) * rules_part + alpha * probability
    score = min(1.0, max(0.0, score))
    action = max((hit.action for hit in hits), key=lambda a: a.rank, default=Action.NONE)
    contributions: dict[str, float] = {}
    for hit in hits:
        for name in hit.evidence:
            contributions[name] = contributions.get(name, 0.0) + hit.weight
    top = tuple(sorted(contributions.items(), key=lambda kv: (-kv[1], kv[0]))[: params.top_features])
    explanation, explanation_en = _explain(hits, score, action, probability)
    return RiskAssessment(
        key=declaration.key,
        score=score,
        rule_score=rules_part,
        model_probability=probability,
        action=action,
        hits=hits,
        top_features=top,
        features=values,
        rule_set=rules.version,
        explanation=explanation,
        explanation_en=explanation_en,
    )
