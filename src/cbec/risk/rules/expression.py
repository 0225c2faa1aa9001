"""A tiny, closed condition language for risk rules (parsed here; never ``eval``).

A condition is plain data (a YAML/JSON mapping), one of:

* a comparison ``{"feature": "quota_pressure_7d", "op": ">=", "value": 3}``, where
  ``op`` is one of ``<  <=  >  >=  ==  !=`` and ``value`` a number;
* ``{"all": [cond, …]}`` — every condition holds (at least one item);
* ``{"any": [cond, …]}`` — at least one condition holds (at least one item);
* ``{"not": cond}``.

Nothing else is accepted: unknown keys, operators, feature names (when the
caller gives the list of known features), booleans or strings as values and
nesting deeper than :data:`MAX_DEPTH` raise :class:`ConditionError` at load.

>>> cond = parse_condition({"all": [{"feature": "a", "op": ">=", "value": 3},
...                                 {"feature": "b", "op": "<", "value": 0.5}]})
>>> cond.evaluate({"a": 4.0, "b": 0.1})
True
>>> sorted(cond.fired({"a": 4.0, "b": 0.1}).items())
[('a', 4.0), ('b', 0.1)]
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

__all__ = [
    "MAX_DEPTH",
    "OPERATORS",
    "All",
    "Any_",
    "Comparison",
    "Condition",
    "ConditionError",
    "Not",
    "parse_condition",
]

MAX_DEPTH = 8
"""Deepest nesting of ``all``/``any``/``not`` accepted."""

OPERATORS: Mapping[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
"""The comparison operators of the language."""


class ConditionError(ValueError):
    """A condition is not in the language."""


@dataclass(frozen=True, slots=True)
class Comparison:
    """``feature op value``; false when the feature is missing or not a number."""

    feature: str
    op: str
    value: float

    def evaluate(self, features: Mapping[str, float]) -> bool:
        """Return whether the comparison holds for these feature values."""
        actual = features.get(self.feature)
        if actual is None or math.isnan(actual):
            return False
        return OPERATORS[self.op](actual, self.value)

    def fired(self, features: Mapping[str, float]) -> dict[str, float]:
        """Return the feature value when the comparison holds, else nothing."""
        return {self.feature: features[self.feature]} if self.evaluate(features) else {}

    def features(self) -> set[str]:
        """Return the feature names the condition reads."""
        return {self.feature}

    def describe(self) -> str:
        """Return the condition as text, e.g. ``quota_pressure_7d >= 3``."""
        return f"{self.feature} {self.op} {self.value:g}"


@dataclass(frozen=True, slots=True)
class All:
    """Every item holds."""

    items: tuple[Condition, ...]

    def evaluate(self, features: Mapping[str, float]) -> bool:
        """Return whether every item holds."""
        return all(item.evaluate(features) for item in self.items)

    def fired(self, features: Mapping[str, float]) -> dict[str, float]:
        """Return the feature values of all items when every item holds, else nothing."""
        if not self.evaluate(features):
            return {}
        found: dict[str, float] = {}
        for item in self.items:
            found.update(item.fired(features))
        return found

    def features(self) -> set[str]:
        """Return the feature names the condition reads."""
        return set().union(*(item.features() for item in self.items))

    def describe(self) -> str:
        """Return the condition as text."""
        return "(" + " AND ".join(item.describe() for item in self.items) + ")"


@dataclass(frozen=True, slots=True)
class Any_:  # noqa: N801 - ``Any`` is taken by typing
    """At least one item holds."""

    items: tuple[Condition, ...]

    def evaluate(self, features: Mapping[str, float]) -> bool:
        """Return whether at least one item holds."""
        return any(item.evaluate(features) for item in self.items)

    def fired(self, features: Mapping[str, float]) -> dict[str, float]:
        """Return the feature values of the items that hold."""
        found: dict[str, float] = {}
        for item in self.items:
            found.update(item.fired(features))
        return found

    def features(self) -> set[str]:
        """Return the feature names the condition reads."""
        return set().union(*(item.features() for item in self.items))

    def describe(self) -> str:
        """Return the condition as text."""
        return "(" + " OR ".join(item.describe() for item in self.items) + ")"


@dataclass(frozen=True, slots=True)
class Not:
    """The item does not hold."""

    item: Condition

    def evaluate(self, features: Mapping[str, float]) -> bool:
        """Return whether the item does not hold."""
        return not self.item.evaluate(features)

    def fired(self, features: Mapping[str, float]) -> dict[str, float]:
        """Return the values of the features read, when the negation holds."""
        if not self.evaluate(features):
            return {}
        return {name: features[name] for name in self.item.features() if name in features}

    def features(self) -> set[str]:
        """Return the feature names the condition reads."""
        return self.item.features()

    def describe(self) -> str:
        """Return the condition as text."""
        return f"NOT {self.item.describe()}"


Condition = Comparison | All | Any_ | Not
"""A parsed condition."""


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ConditionError(f"{where}: `value` must be a number, not {value!r}")
    result = float(value)
    if not math.isfinite(result):
        raise ConditionError(f"{where}: `value` must be finite")
    return result


def _parse(data: Any, known: Collection[str] | None, depth: int, where: str) -> Condition:
    if depth > MAX_DEPTH:
        raise ConditionError(f"{where}: nested deeper than {MAX_DEPTH}")
    if not isinstance(data, Mapping):
        raise ConditionError(f"{where}: a condition must be a mapping, not {type(data).__name__}")
    keys = set(data)
    if keys == {"feature", "op", "value"}:
        feature, op = data["feature"], data["op"]
        if not isinstance(feature, str) or not feature.isidentifier():
            raise ConditionError(f"{where}: `feature` must be a feature name, not {feature!r}")
        if known is not None and feature not in known:
            raise ConditionError(f"{where}: unknown feature {feature!r}")
        if not isinstance(op, str) or op not in OPERATORS:
            raise ConditionError(f"{where}: unknown operator {op!r} (known: {' '.join(OPERATORS)})")
        return Comparison(feature, op, _number(data["value"], where))
    if keys in ({"all"}, {"any"}):
        (key,) = keys
        items = data[key]
        if not isinstance(items, list | tuple) or not items:
            raise ConditionError(f"{where}: `{key}` needs a non-empty list of conditions")
        parsed = tuple(_parse(item, known, depth + 1, f"{where}.{key}[{i}]") for i, item in enumerate(items))
        return All(parsed) if key == "all" else Any_(parsed)
    if keys == {"not"}:
        return Not(_parse(data["not"], known, depth + 1, f"{where}.not"))
    raise ConditionError(
        f"{where}: expected {{feature, op, value}}, {{all}}, {{any}} or {{not}}, "
        f"got keys {sorted(map(str, keys))}"
    )


def parse_condition(data: Any, *, known_features: Collection[str] | None = None) -> Condition:
    """Parse a condition from plain data.

    Args:
        data: the mapping (from YAML or JSON).
        known_features: when given, feature names outside it are refused.

    Returns:
        The condition, with ``evaluate(features)``, ``fired(features)`` and ``describe()``.

    Raises:
        ConditionError: the data is not a condition of the language.
    """
    return _parse(data, known_features, 0, "condition")
