"""The domain experts' cases (``cases/*.yaml``): each names a date, an inventory, the expected
decision and amounts exact to the fen, and the law it illustrates."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from cbec.rules import load_yaml
from cbec.tax import TaxAssessment, assess, load_parameters, load_tariff

from .support import inventory_from_case

CASES_DIR = Path(__file__).parent / "cases"
HEAD_AMOUNTS = (
    "taxable_price",
    "counted_toward_annual_limit",
    "customs_duty",
    "vat",
    "consumption_tax",
    "total",
)
LINE_AMOUNTS = ("taxable_price", "customs_duty", "vat", "consumption_tax", "total")
CASE_KEYS = {"name", "reference", "date", "annual_used", "input", "output"}
OUTPUT_KEYS = {"decision", "refusal_code", "issues", "lines", *HEAD_AMOUNTS}


def _cases() -> list[Any]:
    found = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for case in load_yaml(path):
            found.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return found


CASES = _cases()


def test_there_are_cases_for_every_part_of_the_law() -> None:
    assert len(CASES) >= 30
    for param in CASES:
        case = param.values[0]
        assert set(case) <= CASE_KEYS
        assert set(case["output"]) <= OUTPUT_KEYS, case["name"]
        assert case["reference"], case["name"]


def _check(result: TaxAssessment, expected: dict[str, Any]) -> None:
    got = result.to_dict()
    assert got["decision"] == expected["decision"]
    if "refusal_code" in expected:
        assert got["refusal_code"] == expected["refusal_code"]
    for key in HEAD_AMOUNTS:
        if key in expected:
            assert got[key] == expected[key], key
    if "issues" in expected:
        assert [issue["code"] for issue in got["issues"]] == expected["issues"]  # type: ignore[attr-defined]
    if "lines" in expected:
        lines = {line["gnum"]: line for line in got["lines"]}  # type: ignore[attr-defined]
        for want in expected["lines"]:
            have = lines[want["gnum"]]
            for key in LINE_AMOUNTS:
                if key in want:
                    assert have[key] == want[key], (want["gnum"], key)


@pytest.mark.parametrize("case", CASES)
def test_case(case: dict[str, Any]) -> None:
    result = assess(
        inventory_from_case(case),
        params=load_parameters(),
        tariff=load_tariff(),
        annual_used=Decimal(str(case.get("annual_used", 0))),
    )
    _check(result, case["output"])
