"""Run the examples in the risk core's docstrings."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

from cbec.risk import features, prices, sampling, scoring
from cbec.risk.rules import expression


@pytest.mark.parametrize(
    "module", [expression, features, prices, scoring, sampling], ids=lambda m: m.__name__
)
def test_docstring_examples(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
