"""The migrations build the schema the models describe, on the test database."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from cbec.config import Settings
from cbec.store.models import metadata
from cbec.store.session import get_engine


def test_models_and_migrations_agree(settings: Settings) -> None:
    with get_engine(settings).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_the_alembic_metadata_holds_every_table_without_other_imports() -> None:
    """``alembic`` imports only ``cbec.store.models``: it must pull in every context's tables."""
    import subprocess
    import sys

    code = "from cbec.store.models import metadata; print(' '.join(sorted(metadata.tables)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert {"clearance_orders", "quota_ledger", "guarantees", "receipts", "enterprises"} <= set(out)
