"""cbec.tax.export exports exactly what its __all__ lists; the modules' examples run."""

from __future__ import annotations

import doctest
import inspect
from types import ModuleType

import pytest

import cbec.exports.calendar
import cbec.exports.summary
import cbec.tax.export
from cbec.tax.export import income_tax, qualification, register


def test_all_lists_the_public_names() -> None:
    package = cbec.tax.export
    public = {
        name
        for name in dir(package)
        if not name.startswith("_") and not inspect.ismodule(getattr(package, name)) and name != "annotations"
    }
    assert set(package.__all__) == public


@pytest.mark.parametrize(
    "module",
    [income_tax, qualification, register, cbec.exports.summary, cbec.exports.calendar],
    ids=lambda m: m.__name__,
)
def test_every_name_in_all_exists(module: ModuleType) -> None:
    assert all(hasattr(module, name) for name in module.__all__)


@pytest.mark.parametrize("module", [income_tax, register], ids=lambda m: m.__name__)
def test_examples(module: ModuleType) -> None:
    result = doctest.testmod(module, raise_on_error=False, verbose=False)
    assert result.attempted >= 1
    assert result.failed == 0


def test_signatures() -> None:
    assert list(inspect.signature(cbec.tax.export.qualifies).parameters) == [
        "line",
        "trade_mode",
        "params",
        "rebate_cancelled_codes",
    ]
    assert list(inspect.signature(cbec.tax.export.deemed_income_tax_base).parameters) == [
        "revenue",
        "on",
        "params",
    ]
    assert list(inspect.signature(cbec.exports.summary.summarize).parameters) == [
        "inventories",
        "summary_flag",
        "item_name_flag",
        "params",
    ]
