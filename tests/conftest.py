"""Test settings: a real database built by the Alembic migrations (SQLite by default, PostgreSQL
when ``CBEC_TEST_DATABASE_URL`` is set), emptied after every test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from cbec.api.app import create_app
from cbec.auth import service as auth
from cbec.auth.enums import CallerRole
from cbec.config import Environment, Settings, get_settings
from cbec.store import migrate
from cbec.store.models import metadata
from cbec.store.session import get_engine, session_factory
from tests.factories import Factory


def _prepare_postgres(url: str) -> None:
    engine = get_engine(Settings(database_url=url))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("CBEC_TEST_DATABASE_URL")
    if url:
        _prepare_postgres(url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    migrate.upgrade(Settings(database_url=url))
    return url


@pytest.fixture
def settings(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    monkeypatch.setenv("CBEC_DATABASE_URL", database_url)
    monkeypatch.setenv("CBEC_ENVIRONMENT", "testing")
    get_settings.cache_clear()
    yield Settings(database_url=database_url, environment=Environment.testing, embedded_worker=False)
    get_settings.cache_clear()
    engine = get_engine(Settings(database_url=database_url))
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def operator_key(settings: Settings) -> str:
    session = session_factory(settings)()
    try:
        _row, key = auth.create_key(
            session, name="zone operator", role=CallerRole.operator, created_by="test"
        )
        session.commit()
    finally:
        session.close()
    return key


@pytest.fixture
def factory(client: TestClient, operator_key: str) -> Factory:
    return Factory(client, operator_key)


@pytest.fixture
def fixtures_dir() -> Path:
    return Path(__file__).parent / "messages" / "ceb" / "fixtures"
