"""``@rule``: name a rule function, give it a label and a legal reference.

Every rule in a rules-as-code module is a small function decorated with
:func:`rule`. The decorator stores the rule's metadata in a catalogue (for the
rule pages and ``cbec rules`` commands) and, when the function is called with a
traced parameter view (any argument whose ``trace`` attribute is a
:class:`~cbec.rules.trace.Trace`), records the call as a step of the trace:
which rule ran, in which scope, the parameters it read and its result.

>>> @rule(code="demo.double", label="加倍", reference="none")
... def double(x: int) -> int:
...     return 2 * x
>>> double(21), RULES["demo.double"].label
(42, '加倍')
>>> _ = RULES.pop("demo.double")
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import ParamSpec, TypeVar

from cbec.rules.trace import Trace

__all__ = ["RULES", "RuleInfo", "catalogue", "rule"]

_P = ParamSpec("_P")
_R = TypeVar("_R")


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """A rule's metadata.

    Attributes:
        code: stable code, e.g. ``tax.retail_import.import_vat``.
        label: Chinese label (the legal term).
        reference: the legal text the rule implements, or a statement that it is our own choice.
        label_en: English label.
        function: the implementing function's qualified name.
    """

    code: str
    label: str
    reference: str
    label_en: str
    function: str


RULES: dict[str, RuleInfo] = {}
"""Every rule declared so far, by code."""


def _find_trace(args: tuple[object, ...], kwargs: dict[str, object]) -> Trace | None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, Trace):
            return value
        trace = getattr(value, "trace", None)
        if isinstance(trace, Trace):
            return trace
    return None


def _summary(result: object) -> str | None:
    if result is None:
        return None
    if isinstance(result, Decimal | str | bool | int):
        return str(result)
    summary = getattr(result, "summary", None)
    if callable(summary):
        return str(summary())
    return repr(result)


def rule(
    *, code: str, label: str, reference: str, label_en: str = ""
) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Declare a rule: store its metadata and trace its calls.

    Args:
        code: stable, unique code.
        label: Chinese label.
        reference: the legal text, or "our choice" with the reason.
        label_en: English label.

    Returns:
        The decorator.

    Raises:
        ValueError: the code is already used by another function.
    """

    def decorate(function: Callable[_P, _R]) -> Callable[_P, _R]:
        qualname = f"{function.__module__}.{function.__qualname__}"
        existing = RULES.get(code)
        if existing is not None and existing.function != qualname:
            raise ValueError(f"rule code {code!r} is already used by {existing.function}")
        RULES[code] = RuleInfo(
            code=code, label=label, reference=reference, label_en=label_en, function=qualname
        )

        @functools.wraps(function)
        def traced(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            trace = _find_trace(args, kwargs)
            if trace is None:
                return function(*args, **kwargs)
            step = trace.open_step(code, label, reference)
            result = function(*args, **kwargs)
            trace.close_step(step, _summary(result))
            return result

        return traced

    return decorate


def catalogue() -> tuple[RuleInfo, ...]:
    """Return every declared rule, sorted by code."""
    return tuple(RULES[code] for code in sorted(RULES))
