"""Fixtures of the web tests: the clearance zone (four filed enterprises and a customs key)."""

from __future__ import annotations

from tests.clearance.conftest import zone

__all__ = ["zone"]
