"""Fixtures of the clearance integration tests."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from cbec.config import Settings
from tests.clearance.support import Zone
from tests.factories import Factory


@pytest.fixture
def zone(factory: Factory, client: TestClient, settings: Settings) -> Zone:
    """Four filed enterprises, a guarantee, a customs key; no random inspection."""
    return Zone(factory, client, settings)
