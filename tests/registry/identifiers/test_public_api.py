"""Every identifier module offers the same interface."""

from __future__ import annotations

import pytest

import cbec.registry.identifiers as identifiers

INTERFACE = ("compact", "validate", "is_valid", "format_number", "mask")


@pytest.mark.parametrize("name", identifiers.__all__)
def test_module_has_the_stdnum_interface(name: str) -> None:
    module = getattr(identifiers, name)
    for function in INTERFACE:
        assert callable(getattr(module, function)), f"{name}.{function}"
    assert set(INTERFACE) <= set(module.__all__)
