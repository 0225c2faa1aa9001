"""The rule condition language: what it accepts, how it evaluates, and that it refuses anything else."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from cbec.risk.rules.expression import MAX_DEPTH, ConditionError, parse_condition

VALUES = {"a": 3.0, "b": 0.2, "c": float("nan")}


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [(">=", 3, True), (">", 3, False), ("<=", 3, True), ("<", 3, False), ("==", 3, True), ("!=", 3, False)],
)
def test_comparison_operators(op: str, value: int, expected: bool) -> None:
    assert parse_condition({"feature": "a", "op": op, "value": value}).evaluate(VALUES) is expected


def test_combinators_and_evidence() -> None:
    cond = parse_condition(
        {
            "any": [
                {
                    "all": [
                        {"feature": "a", "op": ">=", "value": 3},
                        {"feature": "b", "op": "<", "value": 0.5},
                    ]
                },
                {"not": {"feature": "b", "op": "<", "value": 1}},
            ]
        }
    )
    assert cond.evaluate(VALUES)
    assert cond.fired(VALUES) == {"a": 3.0, "b": 0.2}
    assert "AND" in cond.describe() and "OR" in cond.describe()


def test_missing_or_nan_feature_is_false() -> None:
    assert not parse_condition({"feature": "zzz", "op": ">=", "value": 0}).evaluate(VALUES)
    assert not parse_condition({"feature": "c", "op": ">=", "value": 0}).evaluate(VALUES)


def test_decimal_value_accepted() -> None:
    assert parse_condition({"feature": "b", "op": "==", "value": Decimal("0.2")}).evaluate(VALUES)


def _nested(depth: int) -> dict[str, Any]:
    cond: dict[str, Any] = {"feature": "a", "op": ">", "value": 0}
    for _ in range(depth):
        cond = {"not": cond}
    return cond


@pytest.mark.parametrize(
    "data",
    [
        "a >= 3",  # text is not parsed
        "__import__('os').system('true')",
        {"feature": "a", "op": ">=", "value": "3"},  # strings are not numbers
        {"feature": "a", "op": ">=", "value": True},  # nor are booleans
        {"feature": "a", "op": ">=", "value": float("inf")},
        {"feature": "a", "op": "in", "value": 3},
        {"feature": "a", "op": "lambda", "value": 3},
        {"feature": "a.__class__", "op": ">=", "value": 3},
        {"feature": "a", "op": ">=", "value": 3, "extra": 1},
        {"feature": "a", "op": ">="},
        {"all": []},
        {"any": "a"},
        {"all": [{"feature": "a", "op": ">", "value": 0}], "any": []},
        {"eval": "1"},
        [{"feature": "a", "op": ">", "value": 0}],
        None,
        _nested(MAX_DEPTH + 1),
    ],
)
def test_refuses_anything_else(data: Any) -> None:
    with pytest.raises(ConditionError):
        parse_condition(data)


def test_unknown_feature_refused_when_features_known() -> None:
    with pytest.raises(ConditionError, match="unknown feature"):
        parse_condition({"feature": "zzz", "op": ">", "value": 0}, known_features=("a", "b"))
    assert parse_condition(_nested(MAX_DEPTH)).evaluate(VALUES) is True  # an even number of NOTs
