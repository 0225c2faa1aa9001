"""Run the examples written in the CEB modules' docstrings."""

from __future__ import annotations

import doctest

from cbec.messages.ceb import receipts


def test_receipts_examples() -> None:
    result = doctest.testmod(receipts, raise_on_error=False, verbose=False)
    assert result.attempted >= 2
    assert result.failed == 0
