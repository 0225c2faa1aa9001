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
