"""Risk rules as versioned data: ``parameters/rules/<version>.yaml``, loaded and checked here.

A version file holds ``version``, ``valid_from``, ``approved_by``, a description and the rules.
Each rule has a stable ``id``, a Chinese ``description`` and an English ``description_en``, a
legal or policy ``reference``, a ``condition`` in the language of :mod:`.expression`, a
``weight`` in [0, 1] and an ``action`` (``score`` < ``alert`` < ``hold`` < ``must_inspect``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from cbec.risk.features import FEATURE_NAMES
from cbec.risk.params import PARAMETERS_DIR
from cbec.risk.rules.expression import Condition, ConditionError, parse_condition
from cbec.rules import load_yaml

__all__ = [
    "RULES_DIR",
    "Action",
    "Rule",
    "RuleSet",
    "RuleSetError",
    "load_rules",
    "parse_rule_set",
    "rule_versions",
]

RULES_DIR = PARAMETERS_DIR / "rules"
"""The folder of rule-set versions."""


class Action(StrEnum):
    """What a rule asks for, in increasing order of severity."""

    NONE = "none"
    SCORE = "score"
    ALERT = "alert"
    HOLD = "hold"
    MUST_INSPECT = "must_inspect"

    @property
    def rank(self) -> int:
        """Severity: the larger, the stronger."""
        return list(Action).index(self)


class RuleSetError(ValueError):
    """A rule-set file is malformed (the message lists every problem)."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One risk rule."""

    id: str
    description: str
    description_en: str
    reference: str
    condition: Condition
    weight: float
    action: Action


@dataclass(frozen=True, slots=True)
class RuleSet:
    """One approved version of the rules."""

    version: str
    valid_from: date
    approved_by: str
    description: str
    rules: tuple[Rule, ...]

    def get(self, rule_id: str) -> Rule:
        """Return the rule with this id.

        Raises:
            KeyError: no such rule.
        """
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def _cite(reference: Any) -> str:
    if isinstance(reference, Mapping):
        parts = [str(reference[key]) for key in ("document", "title", "article") if reference.get(key)]
        return " ".join(parts)
    return str(reference) if reference else ""


def _rule(data: Any, where: str, problems: list[str]) -> Rule | None:
    if not isinstance(data, Mapping):
        problems.append(f"{where}: a rule must be a mapping")
        return None
    required = {"id", "description", "description_en", "reference", "condition", "weight", "action"}
    missing, unknown = required - set(data), set(data) - required
    if missing or unknown:
        problems.append(f"{where}: missing {sorted(missing)}, unknown {sorted(unknown)}")
        return None
    weight = data["weight"]
    if isinstance(weight, bool) or not isinstance(weight, Decimal | int) or not 0 <= weight <= 1:
        problems.append(f"{where}: `weight` must be a number in [0, 1]")
        return None
    try:
        action = Action(data["action"])
    except ValueError:
        problems.append(f"{where}: unknown action {data['action']!r}")
        return None
    if action is Action.NONE:
        problems.append(f"{where}: a rule's action cannot be `none`")
        return None
    try:
        condition = parse_condition(data["condition"], known_features=FEATURE_NAMES)
    except ConditionError as exc:
        problems.append(f"{where}: {exc}")
        return None
    reference = _cite(data["reference"])
    if not reference:
        problems.append(f"{where}: `reference` is empty")
    return Rule(
        id=str(data["id"]),
        description=str(data["description"]),
        description_en=str(data["description_en"]),
        reference=reference,
        condition=condition,
        weight=float(weight),
        action=action,
    )


def parse_rule_set(data: Any, *, source: str) -> RuleSet:
    """Check a parsed rule-set document and return it.

    Raises:
        RuleSetError: with every problem found.
    """
    if not isinstance(data, Mapping):
        raise RuleSetError(f"{source}: a rule set must be a mapping")
    problems: list[str] = []
    for key in ("version", "valid_from", "approved_by", "description", "rules"):
        if not data.get(key):
            problems.append(f"`{key}` is required")
    if data.get("valid_from") and not isinstance(data["valid_from"], date):
        problems.append("`valid_from` must be a date (YYYY-MM-DD)")
    rules: list[Rule] = []
    raw = data.get("rules") or []
    if not isinstance(raw, list):
        problems.append("`rules` must be a list")
        raw = []
    for index, item in enumerate(raw):
        rule = _rule(item, f"rules[{index}]", problems)
        if rule is not None:
            rules.append(rule)
    ids = [rule.id for rule in rules]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        problems.append(f"duplicate rule ids {duplicates}")
    if problems:
        raise RuleSetError(f"{source}: " + "; ".join(problems))
    return RuleSet(
        version=str(data["version"]),
        valid_from=data["valid_from"],
        approved_by=str(data["approved_by"]),
        description=str(data["description"]),
        rules=tuple(rules),
    )


def rule_versions(folder: Path = RULES_DIR) -> tuple[str, ...]:
    """Return the version names available (file stems), sorted."""
    return tuple(sorted(path.stem for path in folder.glob("*.yaml")))


@functools.cache
def _load(path: Path) -> RuleSet:
    rule_set = parse_rule_set(load_yaml(path), source=str(path))
    if rule_set.version != path.stem:
        raise RuleSetError(f"{path}: `version` {rule_set.version!r} differs from the file name")
    return rule_set


def load_rules(version: str | None = None, *, on: date | None = None, folder: Path = RULES_DIR) -> RuleSet:
    """Load a rule set.

    Args:
        version: a version name (``"v1"``); by default the latest version valid on ``on``
            (or the latest ``valid_from`` of all when ``on`` is not given).
        on: the day the rules must be in force (used only without ``version``).
        folder: where the version files are.

    Returns:
        The rule set (loaded once per file).

    Raises:
        RuleSetError: the file is malformed, or no version is in force on ``on``.
        FileNotFoundError: no such version.
    """
    if version is not None:
        path = folder / f"{version}.yaml"
        if not path.is_file():
            raise FileNotFoundError(f"no rule set {version!r} in {folder}")
        return _load(path)
    sets = [_load(folder / f"{name}.yaml") for name in rule_versions(folder)]
    candidates = [s for s in sets if on is None or s.valid_from <= on]
    if not candidates:
        raise RuleSetError(f"no rule set in force on {on}")
    return max(candidates, key=lambda s: (s.valid_from, s.version))
