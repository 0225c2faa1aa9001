"""Run the examples written in the rules and tax modules' docstrings."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

from cbec.rules import registry, schema, trace
from cbec.tax import params, units
from cbec.tax.tariff import table


@pytest.mark.parametrize("module", [registry, schema, trace, units, params, table], ids=lambda m: m.__name__)
def test_examples(module: ModuleType) -> None:
    result = doctest.testmod(module, raise_on_error=False, verbose=False)
    assert result.attempted >= 1
    assert result.failed == 0
