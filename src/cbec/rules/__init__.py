"""Rules as code: dated parameters with references, named rules, traces.

A small in-house toolkit after OpenFisca's formats, with no domain content:

* :mod:`.schema` — what a dated YAML parameter file must contain;
* :mod:`.parameters` — load a folder of them into a tree and read it at a date;
* :mod:`.registry` — ``@rule(code=…, label=…, reference=…)`` and the rule catalogue;
* :mod:`.trace` — which rules and parameter values produced a result.

Domain packages (``cbec.tax`` …) keep their parameter files and rule functions
themselves and use this toolkit to load, read and explain them.
"""

from __future__ import annotations

from cbec.rules.parameters import (
    Parameter,
    ParameterError,
    ParameterNode,
    ParameterNotFoundError,
    ParameterNotInForceError,
    ParametersAt,
    load_parameter_tree,
)
from cbec.rules.registry import RULES, RuleInfo, catalogue, rule
from cbec.rules.schema import (
    ROUNDING_MODES,
    UNITS,
    DatedValue,
    FolderSpec,
    ParameterSchemaError,
    ParameterSpec,
    Reference,
    Value,
    load_yaml,
    parse_folder_index,
    parse_parameter_file,
)
from cbec.rules.trace import ParameterLookup, Trace, TraceStep

__all__ = [
    "ROUNDING_MODES",
    "RULES",
    "UNITS",
    "DatedValue",
    "FolderSpec",
    "Parameter",
    "ParameterError",
    "ParameterLookup",
    "ParameterNode",
    "ParameterNotFoundError",
    "ParameterNotInForceError",
    "ParameterSchemaError",
    "ParameterSpec",
    "ParametersAt",
    "Reference",
    "RuleInfo",
    "Trace",
    "TraceStep",
    "Value",
    "catalogue",
    "load_parameter_tree",
    "load_yaml",
    "parse_folder_index",
    "parse_parameter_file",
    "rule",
]
