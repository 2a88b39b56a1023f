"""Accounts in bulk: an .xlsx of people → preview → all-or-nothing creation → the passwords .xlsx, once."""

from __future__ import annotations

import io
from typing import Any

import httpx
import xlsxwriter
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import Person, StaffPost, User
from api.models.audit import AuditEvent
from api.services import accounts_bulk
from tests import factories as f

BULK = "/api/v1/accounts/bulk"
LOGIN = "/api/v1/auth/login"
ME = "/api/v1/auth/me"
PASSWORD = "/api/v1/auth/password"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    ws = wb.add_worksheet()
    ws.write_row(0, 0, header or ["ФАМИЛИЯ", "Имя", "Отчество", "Орган", "Должность", "Роль", "Логин (необязательно)"])
    for i, row in enumerate(rows, start=1):
        ws.write_row(i, 0, row)
    wb.close()
    return out.getvalue()


def upload(content: bytes) -> dict[str, Any]:
    return {"file": ("people.xlsx", content, XLSX)}


async def count_users(db: AsyncSession) -> int:
    return int(await db.scalar(select(func.count()).select_from(User)) or 0)


async def test_preview_then_create_then_passwords_work_once_and_force_a_change(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    w = await f.world(db)
    admin = await f.app_user(db, w.regional_body, role="admin", username="reg.admin")
    h = f.auth_headers(admin)
    await f.app_user(db, w.body_a, username="ivanov.ai")  # the generated login must step around it
    content = workbook(
        [
            ["Иванов", "Асхат", "Ильич", "отдел образования а", "Методист", "сотрудник", ""],
            ["Төлеуова", "Әлия", "", "Отдел образования Б", "", "Администратор", ""],
            ["Петров", "Пётр", "", "Управление образования", "Специалист", "", "Petrov.P"],
        ],
    )
    before = await count_users(db)
    r = await client.post(f"{BULK}/preview", headers=h, files=upload(content))
    assert r.status_code == 200, r.text
    preview = r.json()
    assert preview["problems"] == []
    got = [(x["row"], x["username"], x["organization_id"], x["role"]) for x in preview["rows"]]
    assert got == [
        (2, "ivanov.ai2", w.body_a.id, "employee"),
        (3, "toleuova.a", w.body_b.id, "admin"),
        (4, "petrov.p", w.regional_body.id, "employee"),
    ]
    assert await count_users(db) == before  # the preview writes nothing

    r = await client.post(BULK, headers=h, files=upload(content))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == XLSX and r.headers["cache-control"] == "no-store"
    sheet = load_workbook(io.BytesIO(r.content), read_only=True).worksheets[0]
    lines = list(sheet.iter_rows(values_only=True))
    assert [line[5] for line in lines[1:]] == ["ivanov.ai2", "toleuova.a", "petrov.p"]
    passwords = {str(line[5]): str(line[6]) for line in lines[1:]}
    assert all(len(p) == 12 for p in passwords.values())
    assert await count_users(db) == before + 3

    users = {u.username: u for u in (await db.scalars(select(User).where(User.username.in_(passwords)))).all()}
    for username, password in passwords.items():
        user = users[username]
        assert user.must_change_password is True
        assert user.password_hash is not None and user.password_hash.startswith("$argon2id$")
        assert password not in user.password_hash
    assert users["toleuova.a"].app_role == "admin" and users["toleuova.a"].organization_id == w.body_b.id
    person = await db.get(Person, users["toleuova.a"].person_id)
    assert person is not None and (person.surname, person.first_name, person.patronymic) == ("Төлеуова", "Әлия", None)
    post = await db.scalar(select(StaffPost).where(StaffPost.person_id == users["ivanov.ai2"].person_id))
    assert post is not None and (post.organization_id, post.position) == (w.body_a.id, "Методист")
    events = (
        await db.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "account.change", AuditEvent.target_id.in_([str(u.id) for u in users.values()])
            )
        )  # fmt: skip
    ).all()
    assert sorted(e.details["via"] for e in events) == ["bulk"] * 3

    # The one-time password logs in, must be changed first, and then no longer works.
    login = await client.post(LOGIN, json={"username": "petrov.p", "password": passwords["petrov.p"]})
    assert login.status_code == 200, login.text
    hh = {"Authorization": f"Bearer {login.json()['access_token']}"}
    assert (await client.get(ME, headers=hh)).json()["must_change_password"] is True
    blocked = await client.get("/api/v1/inform/inbox", headers=hh)
    assert blocked.status_code == 403 and blocked.json()["error"]["code"] == "password_change_required"
    changed = await client.post(
        PASSWORD, headers=hh, json={"current_password": passwords["petrov.p"], "new_password": "my-own-pass-1"}
    )
    assert changed.status_code == 200, changed.text
    again = await client.post(LOGIN, json={"username": "petrov.p", "password": passwords["petrov.p"]})
    assert again.status_code == 401

    # The same file again: every login is now taken, so nothing is created (and no new passwords are given).
    r = await client.post(BULK, headers=h, files=upload(content))
    assert r.status_code == 422
    details = r.json()["error"]["details"]
    assert [(d["index"], d["field"], d["code"]) for d in details] == [(4, "username", "login_taken")]


async def test_problems_name_row_and_column_and_nothing_is_written(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    admin = await f.app_user(db, w.body_a, role="admin")
    h = f.auth_headers(admin)
    content = workbook(
        [
            ["Сидоров", "Иван", "", "Отдел образования А", "", "", "sidorov"],
            ["", "Анна", "", "Отдел образования А", "", "", ""],  # no surname
            ["Ким", "Олег", "", "Отдел образования Б", "", "", ""],  # a body outside the subtree
            ["Ли", "Мария", "", "Управление образования", "", "", ""],  # the body above
            ["Ан", "Юрий", "", "Отдел образования А", "", "директор", ""],  # unknown role
            ["Цой", "Виктор", "", "Отдел образования А", "", "", "Sidorov"],  # login repeated
            ["Пак", "Ольга", "", "Отдел образования А", "", "", "no spaces!"],  # login invalid
        ],
        header=["Тегі", "Аты", "Әкесінің аты", "Body", "Position", "Role", "Login"],
    )
    before = await count_users(db)
    r = await client.post(f"{BULK}/preview", headers=h, files=upload(content))
    assert r.status_code == 200, r.text
    problems = [(p["row"], p["column"], p["column_letter"], p["code"]) for p in r.json()["problems"]]
    assert problems == [
        (3, "surname", "A", "required"),
        (4, "body", "D", "unknown_body"),
        (5, "body", "D", "unknown_body"),
        (6, "role", "F", "unknown_role"),
        (7, "username", "G", "login_repeated"),
        (8, "username", "G", "login_invalid"),
    ]
    r = await client.post(BULK, headers=h, files=upload(content))
    assert r.status_code == 422
    error = r.json()["error"]
    assert [(d["index"], d["field"]) for d in error["details"]] == [(p[0], p[1]) for p in problems]
    assert await count_users(db) == before  # not even the good first row
    assert await db.scalar(select(func.count()).select_from(Person).where(Person.surname == "Сидоров")) == 0


async def test_an_employee_cannot_and_an_admin_gives_no_role_above_own(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    w = await f.world(db)
    employee = await f.app_user(db, w.regional_body, role="employee")
    content = workbook([["Ким", "Олег", "", "Отдел образования Б", "", "", ""]])
    r = await client.post(f"{BULK}/preview", headers=f.auth_headers(employee), files=upload(content))
    assert r.status_code == 403
    r = await client.post(BULK, headers=f.auth_headers(employee), files=upload(content))
    assert r.status_code == 403


async def test_the_file_is_checked_as_a_whole(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    admin = await f.app_user(db, w.regional_body, role="admin")
    h = f.auth_headers(admin)
    r = await client.post(f"{BULK}/preview", headers=h, files=upload(b"not a workbook at all"))
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "file"
    r = await client.post(f"{BULK}/preview", headers=h, files=upload(workbook([["a", "b"]], header=["Фамилия", "x"])))
    codes = [(p["column"], p["code"]) for p in r.json()["problems"]]
    assert codes == [("first_name", "missing_column"), ("body", "missing_column")]
    too_many = workbook([["Ким", "Олег", "", "Отдел образования Б"]] * (accounts_bulk.MAX_ROWS + 1))
    r = await client.post(f"{BULK}/preview", headers=h, files=upload(too_many))
    assert [p["code"] for p in r.json()["problems"]] == ["too_many_rows"]
    big = b"x" * (accounts_bulk.MAX_BYTES + 1)
    r = await client.post(f"{BULK}/preview", headers=h, files=upload(big))
    assert r.status_code == 413


def test_transliteration() -> None:
    assert accounts_bulk.translit("Төлеуова Әлия") == "toleuovaaliya"
    assert accounts_bulk.translit("Щукин-Ёлкин") == "schukinelkin"
