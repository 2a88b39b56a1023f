"""/api/v1/tree/registry-import: the registry of schools from .xlsx/.csv — preview, confirm (all or nothing)."""

from __future__ import annotations

import datetime as dt
import io

import httpx
import openpyxl
import xlsxwriter
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import Organization
from api.models.audit import AuditEvent
from tests import factories as f

URL = "/api/v1/tree/registry-import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(rows: list[list[object]]) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet()
    for i, row in enumerate(rows):
        ws.write_row(i, 0, row)
    wb.close()
    return buf.getvalue()


async def _post(
    client: httpx.AsyncClient, h: dict[str, str], data: bytes, name: str = "r.xlsx", confirm: str | None = None
) -> httpx.Response:
    form = {"confirm_hash": confirm} if confirm else {}
    return await client.post(URL, headers=h, files={"file": (name, data, XLSX)}, data=form)


async def _schools(db: AsyncSession) -> int:
    return int(await db.scalar(select(func.count()).where(Organization.kind == "school")) or 0)


async def test_registry_round_trip_export_import_no_change(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    w.school_a.postal_address = "г. Город, ул. 1"
    w.school_a.building_address = "ул. 2"
    w.school_a.phones = "8 700 111"
    w.school_a.email = "a@school.kz"
    w.school_a.license_number = "№ 1307"
    w.school_a.license_date = dt.date(2020, 1, 2)
    w.school_a.license_issuer = "Комитет"
    w.school_a.accreditation_number = "A-1"
    w.school_a.accreditation_date = dt.date(2019, 5, 6)
    w.school_a.accreditation_valid_until = dt.date(2021, 1, 1)  # expired: the export writes «(истекло)»
    await f.organization(db, "school", w.body_a, type_id=w.school_type.id, name_ru="Школа Ёлочка")
    await db.flush()
    admin = await f.app_user(db, w.regional_body, role="admin")
    h = f.auth_headers(admin)
    for lang in ("ru", "kk", "en"):
        x = await client.get(f"/api/v1/reports/registry/export?format=xlsx&lang={lang}", headers=h)
        assert x.status_code == 200, x.text
        ws = openpyxl.load_workbook(io.BytesIO(x.content)).active
        assert any("Школа А" in str(c) for row in ws.iter_rows(values_only=True) for c in row if c)
        r = await _post(client, h, x.content)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["problems"] == [], (lang, body["problems"])
        assert (body["creates"], body["changes"], body["unchanged"]) == ([], [], 3), lang
    assert not body["applied"]


async def test_created_and_changed_then_confirm_writes_all_with_audit(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    w = await f.world(db)
    admin = await f.app_user(db, w.body_a, role="admin")
    h = f.auth_headers(admin)
    type_name = w.school_type.name_ru.upper().replace("Е", "Ё")  # case and «ё» tolerant
    data = _xlsx(
        [
            ["НАИМЕНОВАНИЕ  ОУ", "тип оу", "Адрес", "Контакты", "Район"],
            ["школа а", w.school_type.name_ru, "ул. Новая 5", "Телефон: 123\nE-mail: a@b.kz", None],
            ["Школа Новая", type_name, None, None, w.district_a.name_ru.lower()],
        ]
    )
    r = await _post(client, h, data)
    assert r.status_code == 200, r.text
    p = r.json()
    assert p["problems"] == []
    assert [c["name"] for c in p["creates"]] == ["Школа Новая"]
    assert p["creates"][0]["parent_id"] == w.body_a.id and p["creates"][0]["district_id"] == w.district_a.id
    (change,) = p["changes"]
    assert change["organization_id"] == w.school_a.id and change["row"] == 2
    assert {(d["field"], d["old"], d["new"]) for d in change["fields"]} == {
        ("postal_address", None, "ул. Новая 5"),
        ("phones", None, "123"),
        ("email", None, "a@b.kz"),
    }
    before = await _schools(db)
    assert await _schools(db) == before  # the preview wrote nothing
    # A confirm with another file's hash is refused.
    r = await _post(client, h, data, confirm="0" * 64)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "file_hash"
    r = await _post(client, h, data, confirm=p["file_hash"])
    assert r.status_code == 200 and r.json()["applied"], r.text
    assert await _schools(db) == before + 1
    await db.refresh(w.school_a)
    assert (w.school_a.postal_address, w.school_a.phones, w.school_a.email) == ("ул. Новая 5", "123", "a@b.kz")
    new = await db.scalar(select(Organization).where(Organization.name_ru == "Школа Новая"))
    assert new is not None and new.parent_id == w.body_a.id and new.type_id == w.school_type.id
    event = await db.scalar(select(AuditEvent).where(AuditEvent.action == "registry.import"))
    assert event is not None and event.details["created"] == [new.id]
    assert event.details["changed"] == [w.school_a.id]
    # The same file again: no change.
    again = (await _post(client, h, data)).json()
    assert (again["creates"], again["changes"], again["unchanged"]) == ([], [], 2)


async def test_problems_name_row_and_column_and_nothing_is_written(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    admin = await f.app_user(db, w.body_a, role="admin")
    h = f.auth_headers(admin)
    rows: list[list[object]] = [["Наименование", "Тип", "Информация о лицензии"]]
    rows += [[f"Школа {i}", w.school_type.name_ru, None] for i in range(1, 6)]
    rows[3][1] = "Нет такого типа"  # row 4
    rows[5][2] = "Номер: 1\nДата: 31.02.2020"  # row 6
    data = _xlsx(rows)
    p = (await _post(client, h, data)).json()
    assert {(x["row"], x["column"], x["code"]) for x in p["problems"]} == {
        (4, "Тип", "unknown_type"),
        (6, "Информация о лицензии", "bad_date"),
    }
    before = await _schools(db)
    r = await _post(client, h, data, confirm=p["file_hash"])
    assert r.status_code == 422
    assert {(d["index"], d["field"]) for d in r.json()["error"]["details"]} == {
        (4, "Тип"),
        (6, "Информация о лицензии"),
    }
    assert await _schools(db) == before
    assert await db.scalar(select(AuditEvent).where(AuditEvent.action == "registry.import")) is None


async def test_csv_with_bom_and_commas(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    admin = await f.app_user(db, w.body_a, role="admin")
    text = f"Name,Type\nШкола CSV,{w.school_type.name_ru}\n"
    r = await client.post(
        URL, headers=f.auth_headers(admin), files={"file": ("r.csv", "\ufeff".encode() + text.encode(), "text/csv")}
    )
    assert r.status_code == 200, r.text
    assert [c["name"] for c in r.json()["creates"]] == ["Школа CSV"]


async def test_scope_another_bodys_admin_cannot_touch_outside_the_subtree(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    w = await f.world(db)
    admin_b = await f.app_user(db, w.body_b, role="admin")
    h = f.auth_headers(admin_b)
    data = _xlsx(
        [
            ["Наименование", "Тип", "Адрес", "Орган управления"],
            ["Школа А", w.school_type.name_ru, "x", "Отдел образования А"],
        ]
    )
    p = (await _post(client, h, data)).json()
    # Школа А (body A) is not matched — body B's admin doesn't see it — and body A is not a parent they may use.
    assert p["changes"] == []
    assert [(x["row"], x["column"], x["code"]) for x in p["problems"]] == [(2, "Орган управления", "unknown_parent")]
    r = await _post(client, h, data, confirm=p["file_hash"])
    assert r.status_code == 422
    await db.refresh(w.school_a)
    assert w.school_a.postal_address is None
    # Employees don't import.
    employee = await f.app_user(db, w.body_a)
    assert (await _post(client, f.auth_headers(employee), data)).status_code == 403


async def test_limits_size_and_kind(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    h = f.auth_headers(await f.app_user(db, w.body_a, role="admin"))
    r = await _post(client, h, b"<html>x</html>", name="r.csv")
    assert r.status_code in (415, 422)
    r = await _post(client, h, b"x" * (10 * 1024 * 1024 + 1), name="r.csv")
    assert r.status_code == 413


async def test_a_change_of_type_or_district_is_shown_by_name(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    gymnasium = await f.org_type(db, name_ru="Гимназия")
    await db.commit()
    admin = await f.app_user(db, w.body_a, role="admin")
    data = _xlsx([["Наименование ОУ", "Тип ОУ", "Район"], ["Школа А", "гимназия", w.district_a.name_ru]])
    r = await _post(client, f.auth_headers(admin), data)
    assert r.status_code == 200, r.text
    (change,) = r.json()["changes"]
    fields = {d["field"]: (d["old"], d["new"]) for d in change["fields"]}
    assert fields["type_id"] == (w.school_type.name_ru, gymnasium.name_ru)
