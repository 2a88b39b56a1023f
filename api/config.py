"""Application settings, read from the environment only."""

from __future__ import annotations

import json
import os
import secrets
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY_FILE = "secret_key"  # in data_dir: the signing key generated when BILIM_SECRET_KEY is not set
MIN_SECRET_KEY_LENGTH = 32
MiB = 1024 * 1024


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

    # Signs the JWTs (and keys the feedback form's per-IP limit). Not set: a random key generated once and kept in
    # data_dir/secret_key (mode 0600), shared by every worker using that data_dir; `prod` demands an explicit one.
    secret_key: str = ""
    jwt_algorithm: Literal["HS256"] = "HS256"
    access_token_ttl_seconds: int = 15 * 60
    refresh_token_ttl_seconds: int = 14 * 24 * 3600
    trusted_proxies: list[str] = []
    # Request bodies are refused with 413 beyond these (before they are read): JSON everywhere, the integration
    # batches (10,000 items), uploads (api.services.profile.uploads.MAX_UPLOAD_BYTES plus the multipart framing).
    max_body_bytes: int = Field(default=1 * MiB, ge=1024)
    max_integration_body_bytes: int = Field(default=64 * MiB, ge=1024)

    db_pool_size: int = 10
    db_max_overflow: int = 10
    db_pool_timeout_seconds: float = 5.0
    db_pool_recycle_seconds: int = 1800
    db_statement_timeout_ms: int = 15000
    # How the server plans the app's prepared statements: a generic plan made once per connection, or a custom plan
    # per execution ("auto" chooses). Planning a statement over every school-year partition costs more than running
    # it: a one-mark integration request took 4.6 ms of database CPU with "auto", 1.1 ms with generic plans.
    db_plan_cache_mode: Literal["auto", "force_generic_plan", "force_custom_plan"] = "force_generic_plan"
    # Reports get a stricter limit: a report that needs longer should read aggregates instead.
    db_report_statement_timeout_ms: int = 8000
    # School reports: the homework norm in minutes per school day by grade (JSON {grade: minutes}; a grade not named
    # keeps the recommended norm, api.services.reports.school.common.DEFAULT_HOMEWORK_NORMS), and how many days after
    # its lesson a mark still counts as entered on time.
    homework_norms: dict[Annotated[int, Field(ge=0, le=12)], Annotated[int, Field(ge=0, le=600)]] = {}
    journal_on_time_days: int = Field(default=3, ge=0, le=60)
    # Fixes «today» (the region's calendar day, api.clock.today) for a demo shown as of a day, and for tests.
    today: date | None = None
    # Reports and exports at once, per worker process (api/services/limits.py): per user (over it: 429) and in
    # all (the rest wait up to report_queue_seconds, then 503). Print pages count as exports.
    report_concurrency_per_user: int = Field(default=4, ge=1)
    report_concurrency_total: int = Field(default=8, ge=1)
    export_concurrency_per_user: int = Field(default=2, ge=1)
    export_concurrency_total: int = Field(default=3, ge=1)
    report_queue_seconds: float = Field(default=2.0, gt=0)
    # "pgbouncer": DATABASE_URL (and the replica URLs) point at PgBouncer in transaction mode: no prepared statement
    # cache, unique statement names, and statement_timeout set per transaction instead of as a startup parameter.
    db_pooler: Literal["none", "pgbouncer"] = "none"
    # Streaming standbys (comma-separated or a JSON list of postgresql:// URLs): reports, filter options, the people
    # search and anonymous profile reads are served by a healthy one (api/replicas.py); empty: all on the primary.
    read_replica_urls: Annotated[list[str], NoDecode] = []
    # A standby further behind than this (seconds of replay) is skipped until it catches up.
    replica_max_lag_s: float = Field(default=30.0, gt=0)
    # How often the standbys' health and lag are checked (one small query per standby, not one per request).
    replica_check_interval_s: float = Field(default=1.0, gt=0)

    @field_validator("read_replica_urls", mode="before")
    @classmethod
    def _split_urls(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [u.strip() for u in text.split(",") if u.strip()]
        return value

    @model_validator(mode="after")
    def _signing_key(self) -> Settings:
        if not self.secret_key:
            if self.environment == "prod":
                raise ValueError("BILIM_SECRET_KEY must be set in prod (at least 32 random characters)")
            self.secret_key = load_or_create_secret_key(Path(self.data_dir))
        elif len(self.secret_key) < MIN_SECRET_KEY_LENGTH:
            raise ValueError(f"BILIM_SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters")
        return self


def load_or_create_secret_key(data_dir: Path) -> str:
    """The key in data_dir/secret_key, generated on first use (mode 0600).

    Created atomically: the key is written to a private temporary file that is then hard-linked into place, which
    fails if another process got there first; every process then reads the one file that won, complete.
    """
    path = data_dir / SECRET_KEY_FILE
    if not path.exists():
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = data_dir / f".{SECRET_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(48))
                out.flush()
                os.fsync(out.fileno())
            try:
                os.link(temporary, path)
            except FileExistsError:
                pass  # another worker created it first: use theirs
        finally:
            temporary.unlink(missing_ok=True)
    key = path.read_text().strip()
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise ValueError(f"{path}: the signing key is shorter than {MIN_SECRET_KEY_LENGTH} characters")
    return key


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings."""
    return Settings()
