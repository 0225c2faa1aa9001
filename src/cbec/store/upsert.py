"""Portable ``INSERT … ON CONFLICT DO NOTHING`` (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session


def insert_ignore(session: Session, model: Any, conflict_columns: list[str]) -> Any:
    """An insert statement for ``model`` that skips rows whose ``conflict_columns`` already exist."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return pg_insert(model).on_conflict_do_nothing(index_elements=conflict_columns)
    return sqlite_insert(model).on_conflict_do_nothing(index_elements=conflict_columns)
