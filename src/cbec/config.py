"""Settings: one validated object, read from ``CBEC_`` environment variables.

Nothing else in the package reads ``os.environ`` (STYLE.md convention 10).
"""

from __future__ import annotations

import base64
import binascii
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The development data key.  It is public (it is in the source), so the platform refuses to start
#: with it outside development and testing.
DEVELOPMENT_DATA_KEY = base64.b64encode(b"cbec-development-key-not-secret!").decode()


class Environment(StrEnum):
    """Where the platform runs."""

    development = "development"
    testing = "testing"
    production = "production"


class Settings(BaseSettings):
    """Platform settings (``CBEC_`` prefix, e.g. ``CBEC_DATABASE_URL``)."""

    model_config = SettingsConfigDict(env_prefix="CBEC_", extra="ignore")

    environment: Environment = Environment.development
    #: SQLite file in the working directory by default (the embedded default); PostgreSQL in
    #: production, e.g. ``postgresql+psycopg://user@host/cbec``.
    database_url: str = "sqlite:///cbec.db"
    #: Message bus; empty = in-process bus (embedded default).
    bus_url: str | None = None
    #: Run a clearance worker inside ``cbec serve`` (embedded default, no bus URL).
    embedded_worker: bool = True
    #: How long an inventory waits for its order, payment and waybill (seconds; the demo shortens it).
    match_wait_seconds: int = Field(default=86_400, ge=0)
    #: Forces the inspection rate (tests, drills); empty = differentiated sampling by risk and credit.
    inspection_rate: Decimal | None = Field(default=None, ge=0, le=1)
    #: Score each inventory with the risk engine (off only to measure its cost: bench/clearance.py).
    risk_scoring: bool = True
    #: Seed of the random inspection sample.
    sample_seed: int = 20260101
    #: A model written by ``cbec risk train`` (LightGBM text), combined with the rules; empty = rules only.
    risk_model: Path | None = None
    #: Events per clearance batch.
    worker_batch_size: int = Field(default=500, gt=0)
    #: AES-256-GCM key (Base64 of 32 bytes) for personal data and raw payloads at rest.
    data_key: str = DEVELOPMENT_DATA_KEY
    #: Identifier of ``data_key``, stored beside every ciphertext so keys can be rotated.
    data_key_id: str = "dev1"
    #: Largest accepted message body (bytes).
    max_message_bytes: int = Field(default=10_000_000, gt=0)
    #: Default page size of list endpoints and of the receipt feed.
    page_size: int = Field(default=100, gt=0, le=1000)
    log_level: str = "INFO"
    #: JSON log lines (production) instead of the console renderer.
    log_json: bool = False
    #: Language of user-facing text: zh (default) or en.
    language: str = "zh"
    #: Serve /dashboard/public without login: the zone's figures without enterprise names.
    public_dashboard: bool = False

    @field_validator("data_key")
    @classmethod
    def _data_key_is_32_bytes(cls, value: str) -> str:
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError("CBEC_DATA_KEY must be Base64") from exc
        if len(raw) != 32:  # noqa: PLR2004 - AES-256 key size
            raise ValueError("CBEC_DATA_KEY must be 32 bytes (AES-256) in Base64")
        return value

    @model_validator(mode="after")
    def _no_development_secrets_in_production(self) -> Settings:
        if self.environment is Environment.production and self.data_key == DEVELOPMENT_DATA_KEY:
            raise ValueError("CBEC_DATA_KEY must be set to a secret key in production")
        return self

    @property
    def data_key_bytes(self) -> bytes:
        return base64.b64decode(self.data_key)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests clear the cache to override)."""
    return Settings()
