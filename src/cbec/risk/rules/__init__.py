"""Risk rules as versioned data: a safe condition language and the rule-set loader."""

from __future__ import annotations

from cbec.risk.rules.catalogue import (
    RULES_DIR,
    Action,
    Rule,
    RuleSet,
    RuleSetError,
    load_rules,
    parse_rule_set,
    rule_versions,
)
from cbec.risk.rules.expression import Condition, ConditionError, parse_condition

__all__ = [
    "RULES_DIR",
    "Action",
    "Condition",
    "ConditionError",
    "Rule",
    "RuleSet",
    "RuleSetError",
    "load_rules",
    "parse_condition",
    "parse_rule_set",
    "rule_versions",
]
