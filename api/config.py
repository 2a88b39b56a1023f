"""Application settings, read from the environment only."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET = "dev-only-secret-change-me-0123456789abcdef"


class Settings(BaseSettings):
    """All settings of the app; `BILIM_` variables, plus `DATABASE_URL`, `HOST`, `PORT`."""

    model_config = SettingsConfigDict(env_prefix="BILIM_", extra="ignore")

    environment: Literal["dev", "test", "prod"] = "dev"
    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    data_dir: Path = PROJECT_ROOT / ".data"
    host: str = Field(default="127.0.0.1", validation_alias="HOST")
    port: int = Field(default=8000, validation_alias="PORT")
    # `python -m api serve`: uvicorn worker processes (one per core; each has its own pool of db_pool_size +
    # db_max_overflow connections, keep workers × that below the server's max_connections).
    workers: int = Field(default=2, ge=1)
    # The app migrates the database at startup unless `serve` has done it once before starting its workers.
    migrate_on_startup: bool = True

    secret_key: str = DEV_SECRET
    jwt_algorithm: Literal["HS256"] = "HS256"
    access_token_ttl_seconds: int = 15 * 60
    refresh_token_ttl_seconds: int = 14 * 24 * 3600
    trusted_proxies: list[str] = []

    db_pool_size: int = 10
    db_max_overflow: int = 10
    db_pool_timeout_seconds: float = 5.0
    db_pool_recycle_seconds: int = 1800
    db_statement_timeout_ms: int = 15000
    # Reports get a stricter limit: a report that needs longer should read aggregates instead.
    db_report_statement_timeout_ms: int = 8000
    # Fixes «today» (the region's calendar day, api.clock.today) for a demo shown as of a day, and for tests.
    today: date | None = None

    @model_validator(mode="after")
    def _reject_default_secret(self) -> Settings:
        if self.environment == "prod" and self.secret_key == DEV_SECRET:
            raise ValueError("BILIM_SECRET_KEY must be set to a real secret outside dev and test")
        return self


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings."""
    return Settings()
