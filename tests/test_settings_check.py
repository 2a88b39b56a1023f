"""`python -m api check`: what is unsafe or missing in the settings; non-zero in prod when something is unsafe."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from api.__main__ import main
from api.config import SECRET_KEY_FILE
from api.services.settings_check import UNSAFE, collect, read_settings

KEY = "a-real-installation-key-" + "x" * 24


def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **values: str | None) -> None:
    for name in ("BILIM_SECRET_KEY", "DATABASE_URL", "BILIM_TRUSTED_PROXIES", "BILIM_WORKERS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BILIM_DATA_DIR", str(tmp_path / "data"))
    for name, value in values.items():
        if value is not None:
            monkeypatch.setenv(name, value)


def _backups(tmp_path: Path) -> Path:
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "bilim-app-20261205T0000Z.tar").write_bytes(b"archive")
    return folder


def test_prod_with_everything_set_is_safe(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _env(monkeypatch, tmp_path, BILIM_ENVIRONMENT="prod", BILIM_SECRET_KEY=KEY, DATABASE_URL=database_url)
    code = main(["check", "--backups", str(_backups(tmp_path))])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "UNSAFE" not in out and "no unsafe setting" in out
    assert "max_connections" in out and "BILIM_TRUSTED_PROXIES" in out  # the figures and the proxy note


def test_prod_without_a_secret_or_a_database_exits_non_zero_and_names_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _env(monkeypatch, tmp_path, BILIM_ENVIRONMENT="prod")
    code = main(["check", "--backups", str(tmp_path / "none")])
    out = capsys.readouterr().out
    assert code == 1
    assert "UNSAFE BILIM_SECRET_KEY" in out and "UNSAFE DATABASE_URL" in out
    assert "WARN   backups" in out
    # Checking writes nothing: no key was generated.
    assert not (tmp_path / "data" / SECRET_KEY_FILE).exists()


def test_outside_prod_the_same_findings_do_not_fail(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _env(monkeypatch, tmp_path, BILIM_ENVIRONMENT="dev")
    assert main(["check", "--backups", str(tmp_path / "none")]) == 0
    assert "WARN   BILIM_ENVIRONMENT" in capsys.readouterr().out


def test_a_short_key_in_prod_is_unsafe(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _env(monkeypatch, tmp_path, BILIM_ENVIRONMENT="prod", BILIM_SECRET_KEY="short")
    assert main(["check"]) == 1
    assert "at least 32 characters" in capsys.readouterr().out


def test_more_connections_than_the_server_allows_is_unsafe(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _env(monkeypatch, tmp_path, BILIM_ENVIRONMENT="prod", BILIM_SECRET_KEY=KEY, BILIM_WORKERS="8")
    settings, problems = read_settings(dict(os.environ))
    assert settings is not None and problems == []
    # 8 workers × (10 + 10) = 160 connections against a server of 100.
    found = collect(settings, dict(os.environ), max_connections=100, backups_dir=_backups(tmp_path))
    assert [f.setting for f in found if f.level == UNSAFE] == ["DATABASE_URL", "BILIM_WORKERS"]
    fine = collect(settings, dict(os.environ), max_connections=500, backups_dir=tmp_path / "backups")
    assert [f.setting for f in fine if f.level == UNSAFE] == ["DATABASE_URL"]
