"""`python -m api init`: the first body and administrator of a real install, on an empty database only."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from api.__main__ import main
from api.config import SECRET_KEY_FILE, Settings, get_settings
from api.main import create_app
from api.models import AcademicYear, Organization, OrganizationStructure, OrganizationType, Period, Region, User
from api.models.audit import AuditEvent

PASSWORD = "first-admin-pass-1"
NEW_PASSWORD = "my-own-better-pass-2"


@pytest.fixture
def fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def _counts(url: str) -> tuple[int, int, int, int]:
    eng = create_async_engine(url, poolclass=NullPool)
    try:
        async with eng.connect() as conn:
            return (
                int(await conn.scalar(select(func.count()).select_from(Organization)) or 0),
                int(await conn.scalar(select(func.count()).select_from(User)) or 0),
                int(await conn.scalar(select(func.count()).select_from(Region)) or 0),
                int(await conn.scalar(select(func.count()).select_from(AuditEvent)) or 0),
            )
    finally:
        await eng.dispose()


def _init(monkeypatch: pytest.MonkeyPatch, url: str, *args: str) -> int:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("BILIM_NEW_PASSWORD", PASSWORD)
    get_settings.cache_clear()
    return main(["init", *args])


async def test_init_creates_the_ministry_and_an_admin_who_must_change_the_password(
    own_database_url: str, monkeypatch: pytest.MonkeyPatch, fresh_settings: None, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--kind", "ministry", "--name-ru", "Министерство просвещения", "--name-kk", "Оқу-ағарту министрлігі"]
    code = await asyncio.to_thread(_init, monkeypatch, own_database_url, *argv, "--username", "root.admin")
    assert code == 0, capsys.readouterr().err
    assert "root.admin" in capsys.readouterr().out
    assert (await _counts(own_database_url))[:3] == (1, 1, 0)

    eng = create_async_engine(own_database_url, poolclass=NullPool)
    async with eng.connect() as conn:
        org = (await conn.execute(select(Organization))).one()
        user = (await conn.execute(select(User))).one()
    await eng.dispose()
    assert (org.kind, org.parent_id, org.name_ru, org.name_kk) == (
        "ministry",
        None,
        "Министерство просвещения",
        "Оқу-ағарту министрлігі",
    )
    assert (user.organization_id, user.app_role, user.must_change_password) == (org.id, "admin", True)

    app = create_app(settings=Settings(environment="test"), database_url=own_database_url)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("198.51.100.16", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            r = await c.post("/api/v1/auth/login", json={"username": "root.admin", "password": PASSWORD})
            assert r.status_code == 200, r.text
            headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
            me = await c.get("/api/v1/auth/me", headers=headers)
            assert me.status_code == 200 and me.json()["must_change_password"] is True
            # Nothing else until the password is changed.
            assert (await c.get("/api/v1/accounts", headers=headers)).status_code == 403
            r = await c.post(
                "/api/v1/auth/password",
                headers=headers,
                json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
            )
            assert r.status_code == 200, r.text
            headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
            assert (await c.get("/api/v1/accounts", headers=headers)).status_code == 200

    # A second init refuses and writes nothing.
    before = await _counts(own_database_url)
    code = await asyncio.to_thread(_init, monkeypatch, own_database_url, *argv, "--username", "second.admin")
    assert code == 3
    assert "already has organizations" in capsys.readouterr().err
    assert await _counts(own_database_url) == before


async def test_init_of_a_regional_install_creates_the_region_and_its_body(
    own_database_url: str, monkeypatch: pytest.MonkeyPatch, fresh_settings: None, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "--kind",
        "region_body",
        "--region-name-ru",
        "Абайская область",
        "--region-name-kk",
        "Абай облысы",
        "--name-ru",
        "Управление образования Абайской области",
        "--name-kk",
        "Абай облысының білім басқармасы",
        "--username",
        "abai.admin",
    ]
    assert await asyncio.to_thread(_init, monkeypatch, own_database_url, *argv) == 0, capsys.readouterr().err
    eng = create_async_engine(own_database_url, poolclass=NullPool)
    async with eng.connect() as conn:
        region = (await conn.execute(select(Region))).one()
        org = (await conn.execute(select(Organization))).one()
        user = (await conn.execute(select(User))).one()
    await eng.dispose()
    assert (region.name_ru, region.kind) == ("Абайская область", "oblast")
    assert (org.kind, org.parent_id, org.region_id) == ("regional_body", None, region.id)
    assert (user.region_id, user.must_change_password) == (region.id, True)


async def test_init_refuses_bad_input_by_field_and_writes_nothing(
    own_database_url: str, monkeypatch: pytest.MonkeyPatch, fresh_settings: None, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--name-ru", "Управление", "--name-kk", "Басқарма", "--username", "admin.one"]
    # A regional body without its region: refused by name (not a raw ck_organizations_body_has_region).
    code = await asyncio.to_thread(_init, monkeypatch, own_database_url, "--kind", "region_body", *base)
    assert code == 2
    assert "region_name_ru: must not be blank" in capsys.readouterr().err
    monkeypatch.setenv("BILIM_NEW_PASSWORD", "short")
    monkeypatch.setenv("DATABASE_URL", own_database_url)
    assert await asyncio.to_thread(main, ["init", "--kind", "ministry", *base]) == 2
    assert "password:" in capsys.readouterr().err
    assert await _counts(own_database_url) == (0, 0, 0, 0)


async def test_init_generates_the_secret_key_when_none_is_configured(
    own_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    fresh_settings: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("BILIM_SECRET_KEY", raising=False)
    monkeypatch.setenv("BILIM_ENVIRONMENT", "dev")
    monkeypatch.setenv("BILIM_DATA_DIR", str(tmp_path))
    argv = ["--kind", "ministry", "--name-ru", "Министерство", "--name-kk", "Министрлік", "--username", "key.admin"]
    assert await asyncio.to_thread(_init, monkeypatch, own_database_url, *argv) == 0
    key_file = tmp_path / SECRET_KEY_FILE
    assert key_file.is_file() and len(key_file.read_text().strip()) >= 32
    assert str(key_file) in capsys.readouterr().out


@pytest.mark.parametrize(
    ("today", "year", "first_quarter"),
    [
        ("2026-12-05", "2026-2027", ("2026-09-01", "2026-10-25")),
        ("2027-08-01", "2027-2028", ("2027-09-01", "2027-10-25")),
    ],
)
async def test_init_creates_the_current_school_year_and_the_reference_lists(
    own_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    fresh_settings: None,
    today: str,
    year: str,
    first_quarter: tuple[str, str],
) -> None:
    # A class is pushed into a named academic year: an empty install has one from the start (from August, the
    # coming one), with the four quarters and the year the reports' period list offers.
    monkeypatch.setenv("BILIM_TODAY", today)
    argv = ["--kind", "ministry", "--name-ru", "Министерство", "--name-kk", "Министрлік", "--username", "root.admin"]
    assert await asyncio.to_thread(_init, monkeypatch, own_database_url, *argv) == 0
    eng = create_async_engine(own_database_url, poolclass=NullPool)
    try:
        async with eng.connect() as conn:
            years = (await conn.execute(select(AcademicYear.name))).scalars().all()
            types = (await conn.execute(select(OrganizationType.name_ru).order_by(OrganizationType.sort_order))).all()
            structures = set((await conn.execute(select(OrganizationStructure.code))).scalars())
            periods = (
                await conn.execute(
                    select(Period.kind, Period.number, Period.name_ru, Period.starts_on, Period.ends_on).order_by(
                        Period.kind, Period.number
                    )
                )
            ).all()
    finally:
        await eng.dispose()
    assert years == [year]
    # The registry import matches «Тип ОУ» and «Орг. структура» against these lists: an empty install has them.
    assert [t.name_ru for t in types][:2] == ["Общеобразовательная организация", "Дошкольная организация"]
    assert len(types) == 6 and structures == {"independent", "branch", "subdivision"}
    assert [(p.kind, p.number, p.name_ru) for p in periods] == [
        ("quarter", 1, "1 четверть"),
        ("quarter", 2, "2 четверть"),
        ("quarter", 3, "3 четверть"),
        ("quarter", 4, "4 четверть"),
        ("year", 1, "Учебный год"),
    ]
    assert (periods[0].starts_on.isoformat(), periods[0].ends_on.isoformat()) == first_quarter
