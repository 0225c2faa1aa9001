"""Each package exports exactly what its __all__ lists."""

from __future__ import annotations

import inspect
from types import ModuleType

import pytest

import cbec.rules
import cbec.tax
import cbec.tax.tariff


@pytest.mark.parametrize("package", [cbec.rules, cbec.tax, cbec.tax.tariff], ids=lambda m: m.__name__)
def test_all_lists_the_public_names(package: ModuleType) -> None:
    public = {
        name
        for name in dir(package)
        if not name.startswith("_") and not inspect.ismodule(getattr(package, name)) and name != "annotations"
    }
    assert set(package.__all__) == public


def test_assess_signature() -> None:
    parameters = inspect.signature(cbec.tax.assess).parameters
    assert list(parameters) == ["inventory", "params", "tariff", "annual_used"]
    assert all(
        parameters[name].kind is inspect.Parameter.KEYWORD_ONLY
        for name in ("params", "tariff", "annual_used")
    )
