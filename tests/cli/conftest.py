"""Fixtures of the CLI tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cbec.config import Settings
from cbec.logging import configure_logging


@pytest.fixture(autouse=True)
def _logging_back_on_stderr() -> Iterator[None]:
    """The CLI points the logs at the runner's stderr, which is closed after the test: point them back,
    so that a later test that logs does not write to a closed file."""
    yield
    configure_logging(Settings())
