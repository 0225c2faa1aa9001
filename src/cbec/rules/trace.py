"""A record of which rules and which parameter values produced a result.

Rules declared with :func:`cbec.rules.registry.rule` open a :class:`TraceStep`
when they run with a traced parameter view; every parameter read through that
view while the step is open is attached to it, with the value, the date it took
effect and its legal reference. The result is an explanation a customs officer
can follow from figure back to law (after OpenFisca's tracer).

>>> trace = Trace()
>>> with trace.scope("line 1"):
...     step = trace.open_step("demo.rule", "演示规则", "none")
...     trace.close_step(step, "42")
>>> [(s.code, s.scope, s.result) for s in trace.steps]
[('demo.rule', 'line 1', '42')]
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from cbec.rules.schema import Reference, Value

__all__ = ["ParameterLookup", "Trace", "TraceStep"]


@dataclass(frozen=True, slots=True)
class ParameterLookup:
    """One parameter value read for a computation.

    Attributes:
        path: dotted path, e.g. ``tax.retail_import.single_transaction_limit``.
        value: the value read.
        unit: the parameter's unit.
        effective_from: the date the value took effect.
        reference: the legal text that set it.
        verified: False when the value (or the whole parameter) is not confirmed.
        note: the file's remark on the value, if any.
    """

    path: str
    value: Value
    unit: str
    effective_from: date
    reference: Reference
    verified: bool = True
    note: str | None = None

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready form (values as strings)."""
        return {
            "parameter": self.path,
            "value": str(self.value),
            "unit": self.unit,
            "effective_from": self.effective_from.isoformat(),
            "reference": self.reference.cite(),
            "link": self.reference.link,
            "verified": self.verified,
            "note": self.note,
        }


@dataclass(slots=True)
class TraceStep:
    """One rule applied: which rule, where, with which parameters, giving what.

    Attributes:
        code: the rule's stable code.
        label: the rule's Chinese label.
        reference: the rule's legal reference.
        scope: what it was applied to (e.g. ``"line 1"``), None for the whole inventory.
        parameters: the parameter values read while the rule ran.
        result: the rule's result as text, set when the rule returns.
    """

    code: str
    label: str
    reference: str
    scope: str | None = None
    parameters: list[ParameterLookup] = field(default_factory=list)
    result: str | None = None

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready form."""
        return {
            "rule": self.code,
            "label": self.label,
            "reference": self.reference,
            "scope": self.scope,
            "result": self.result,
            "parameters": [lookup.to_dict() for lookup in self.parameters],
        }


class Trace:
    """Collects rule steps and parameter lookups, in the order they happen."""

    def __init__(self) -> None:
        self.steps: list[TraceStep] = []
        self.lookups: list[ParameterLookup] = []
        self._open: list[TraceStep] = []
        self._scopes: list[str] = []

    @property
    def current_scope(self) -> str | None:
        """The innermost scope name, None outside any scope."""
        return self._scopes[-1] if self._scopes else None

    @contextmanager
    def scope(self, name: str) -> Iterator[None]:
        """Attach the steps opened inside the block to ``name`` (e.g. ``"line 2"``).

        Args:
            name: what the rules inside the block apply to.

        Yields:
            Nothing.
        """
        self._scopes.append(name)
        try:
            yield
        finally:
            self._scopes.pop()

    def open_step(self, code: str, label: str, reference: str) -> TraceStep:
        """Start recording a rule application.

        Args:
            code: the rule's code.
            label: the rule's label.
            reference: the rule's legal reference.

        Returns:
            The step, to be passed to :meth:`close_step`.
        """
        step = TraceStep(code=code, label=label, reference=reference, scope=self.current_scope)
        self.steps.append(step)
        self._open.append(step)
        return step

    def close_step(self, step: TraceStep, result: str | None) -> None:
        """Finish recording a rule application.

        Args:
            step: the step returned by :meth:`open_step`.
            result: the rule's result as text.
        """
        step.result = result
        if self._open and self._open[-1] is step:
            self._open.pop()
        elif step in self._open:  # pragma: no cover - only when a rule raised inside a nested rule
            self._open.remove(step)

    def record(self, lookup: ParameterLookup) -> None:
        """Record a parameter lookup (and attach it to the innermost open step).

        Args:
            lookup: the value read.
        """
        self.lookups.append(lookup)
        if self._open:
            self._open[-1].parameters.append(lookup)

    def unverified(self) -> list[ParameterLookup]:
        """Return the distinct unverified parameter values used, in first-use order."""
        seen: dict[tuple[str, date], ParameterLookup] = {}
        for lookup in self.lookups:
            if not lookup.verified:
                seen.setdefault((lookup.path, lookup.effective_from), lookup)
        return list(seen.values())
