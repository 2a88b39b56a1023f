"""The JWT signing key: never a constant of the source; generated once per data folder; explicit in prod."""

from __future__ import annotations

import stat
import threading
import time
from pathlib import Path

import httpx
import pytest
from jose import jwt
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.config import SECRET_KEY_FILE, Settings, load_or_create_secret_key
from api.main import create_app
from tests import factories as f

# The constant that api/config.py used to sign with on every install that did not set BILIM_SECRET_KEY.
OLD_SOURCE_CONSTANT = "dev-only-secret-change-me-0123456789abcdef"


def _default_install(monkeypatch: pytest.MonkeyPatch, data_dir: Path, environment: str = "dev") -> Settings:
    """Settings as a default install reads them: no BILIM_SECRET_KEY."""
    monkeypatch.delenv("BILIM_SECRET_KEY", raising=False)
    monkeypatch.setenv("BILIM_ENVIRONMENT", environment)
    monkeypatch.setenv("BILIM_DATA_DIR", str(data_dir))
    return Settings()


async def test_a_token_signed_with_the_old_source_constant_is_refused(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    db: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    database_url: str,
) -> None:
    settings = _default_install(monkeypatch, tmp_path)
    app = create_app(settings=settings, database_url=database_url)
    app.state.sessionmaker = sessionmaker
    w = await f.world(db)
    user = await f.app_user(db, w.body_a, role="admin")
    now = int(time.time())
    claims = {"sub": str(user.id), "ver": user.token_version, "typ": "access", "iat": now, "exp": now + 600}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        forged = jwt.encode(claims, OLD_SOURCE_CONSTANT, algorithm="HS256")
        r = await c.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {forged}"})
        assert r.status_code == 401, r.text
        genuine = jwt.encode(claims, settings.secret_key, algorithm="HS256")
        assert (await c.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {genuine}"})).status_code == 200


def test_without_a_key_one_is_generated_in_the_data_folder_and_reused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first = _default_install(monkeypatch, tmp_path / "a")
    key_file = tmp_path / "a" / SECRET_KEY_FILE
    assert key_file.is_file() and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first.secret_key == key_file.read_text().strip() and len(first.secret_key) >= 32
    assert first.secret_key != OLD_SOURCE_CONSTANT
    assert _default_install(monkeypatch, tmp_path / "a").secret_key == first.secret_key  # another worker, same key
    assert _default_install(monkeypatch, tmp_path / "b").secret_key != first.secret_key  # another install
    assert [p.name for p in (tmp_path / "a").iterdir()] == [SECRET_KEY_FILE]  # no temporary file left behind


def test_workers_starting_at_once_agree_on_one_key(tmp_path: Path) -> None:
    start = threading.Barrier(8)
    keys: list[str] = []

    def worker() -> None:
        start.wait()
        keys.append(load_or_create_secret_key(tmp_path))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(keys) == 8 and len(set(keys)) == 1
    assert keys[0] == (tmp_path / SECRET_KEY_FILE).read_text().strip()


def test_an_explicit_key_is_used_and_no_file_is_written(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BILIM_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("BILIM_DATA_DIR", str(tmp_path))
    assert Settings().secret_key == "k" * 40
    assert not (tmp_path / SECRET_KEY_FILE).exists()


def test_prod_refuses_to_start_without_a_long_enough_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="BILIM_SECRET_KEY must be set in prod"):
        _default_install(monkeypatch, tmp_path, environment="prod")
    assert not (tmp_path / SECRET_KEY_FILE).exists()
    monkeypatch.setenv("BILIM_SECRET_KEY", "short-secret")
    with pytest.raises(ValidationError, match="at least 32 characters"):
        Settings()
    monkeypatch.setenv("BILIM_SECRET_KEY", "x" * 32)
    assert Settings().environment == "prod"
