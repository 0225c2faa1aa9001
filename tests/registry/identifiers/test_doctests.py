"""Run the doctests embedded in the identifier modules (their examples are part of the spec)."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

from cbec.registry.identifiers import customs_code, enterprise_code, ric, uscc


@pytest.mark.parametrize("module", [uscc, customs_code, ric, enterprise_code], ids=lambda m: m.__name__)
def test_module_doctests_pass(module: ModuleType) -> None:
    result = doctest.testmod(module, raise_on_error=False, verbose=False)
    assert result.attempted > 0
    assert result.failed == 0
