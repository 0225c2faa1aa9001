"""``@rule`` stores a rule's label and reference in the catalogue and traces its calls."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cbec.rules import RULES, ParametersAt, Trace, catalogue, load_parameter_tree, rule

from .conftest import RATE_FILE, WriteFile


@rule(code="test.vat", label="测试增值税", reference="测试依据", label_en="test VAT")
def vat_on(p: ParametersAt, base: Decimal) -> Decimal:
    rate: Decimal = p.tax.standard_rate
    return base * rate


@rule(code="test.outer", label="外层", reference="测试依据")
def outer(p: ParametersAt, base: Decimal) -> Decimal:
    return vat_on(p, base) + vat_on(p, base)


class _Described:
    def summary(self) -> str:
        return "described"


@rule(code="test.described", label="说明", reference="测试依据")
def described(trace: Trace) -> _Described:
    return _Described()


@rule(code="test.other", label="其他", reference="测试依据")
def other(trace: Trace) -> list[int]:
    return [1]


@pytest.fixture
def view(write: WriteFile, tmp_path: Path) -> ParametersAt:
    write("tax/standard_rate.yaml", RATE_FILE)
    return load_parameter_tree(tmp_path).at(date(2019, 6, 1), trace=Trace())


def test_the_decorator_stores_metadata_in_the_catalogue() -> None:
    info = RULES["test.vat"]
    assert (info.label, info.reference, info.label_en) == ("测试增值税", "测试依据", "test VAT")
    assert info.function.endswith("test_registry.vat_on")
    codes = [entry.code for entry in catalogue()]
    assert codes == sorted(codes)
    assert "test.vat" in codes


def test_a_traced_call_records_a_step_with_parameters_and_result(view: ParametersAt) -> None:
    assert vat_on(view, Decimal(100)) == Decimal("13.00")
    assert view.trace is not None
    (step,) = view.trace.steps
    assert (step.code, step.label, step.result) == ("test.vat", "测试增值税", "13.00")
    assert [lookup.path for lookup in step.parameters] == ["tax.standard_rate"]
    assert step.to_dict()["parameters"][0]["effective_from"] == "2019-04-01"  # type: ignore[index]


def test_nested_rules_get_their_own_steps_in_scope(view: ParametersAt) -> None:
    assert view.trace is not None
    with view.trace.scope("line 1"):
        outer(view, Decimal(100))
    assert [step.code for step in view.trace.steps] == ["test.outer", "test.vat", "test.vat"]
    assert {step.scope for step in view.trace.steps} == {"line 1"}
    assert view.trace.steps[0].parameters == []
    assert view.trace.current_scope is None


def test_results_are_summarised() -> None:
    trace = Trace()
    described(trace)
    other(trace)
    assert [step.result for step in trace.steps] == ["described", "[1]"]


def test_an_untraced_call_just_runs(write: WriteFile, tmp_path: Path) -> None:
    write("tax/standard_rate.yaml", RATE_FILE)
    plain = load_parameter_tree(tmp_path).at(date(2019, 6, 1))
    assert vat_on(plain, Decimal(10)) == Decimal("1.30")


def test_a_code_cannot_be_reused_by_another_function() -> None:
    with pytest.raises(ValueError, match="already used"):

        @rule(code="test.vat", label="重复", reference="x")
        def duplicate() -> None:
            return None
