"""Who belongs to a school on a day D (REPORTS.md): one rule, honoured by every figure.

Pushed through the integration API as a school system sends it: enrolments and posts with past, future and
empty start and end dates, parents of such students, accounts registered on different days. «Today» is fixed
(`BILIM_TODAY`, api.clock) and then moved past start and end dates with no write: the counts move with it.

Class 5А, year 2026–2027; today T = 05.12.2026, a past report date P = 01.10.2026:

| who | dates | on P | on T | on 12.01.2027 | on 01.06.2027 |
|---|---|---|---|---|---|
| s1 (parent par1) | 01.09.2026 – 31.05.2027 (end sent in advance) | ✓ | ✓ | ✓ | – |
| s2 | 01.09.2026 – open | ✓ | ✓ | ✓ | ✓ |
| s3 (parent par3) | 12.01.2027 – 31.05.2027 (after the winter holidays) | – | – | ✓ | – |
| s4 (parent par4) | 01.09.2026 – 20.11.2026 (left) | ✓ | – | – | – |
| s5 | 01.11.2026 – open | – | ✓ | ✓ | ✓ |
| t1 teacher, expert | 01.09.2020 – 30.06.2027 (a contract) | ✓ | ✓ | ✓ | ✓ |
| t2 deputy | open – open | ✓ | ✓ | ✓ | ✓ |
| t3 teacher | 10.01.2027 – open (starts in January) | – | – | ✓ | ✓ |
| t4 teacher, pedagogue | 01.09.2026 – 31.10.2026 | ✓ | – | – | – |
| t5 psychologist | 15.11.2026 – open | – | ✓ | ✓ | ✓ |

Accounts: s1 (registered 05.09.2026), par1 (10.09.2026), t2 (10.11.2026), s3 (05.09.2026).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from api.config import get_settings
from api.services.integration import tokens
from api.services.reports.aggregates import differences
from tests import factories as fx

SYSTEM = "school-sys"
URL = "/api/v1/integration"
T = dt.date(2026, 12, 5)
P = dt.date(2026, 10, 1)


async def push(client: httpx.AsyncClient, headers: dict[str, str], kind: str, items: list[dict[str, Any]]) -> None:
    r = await client.post(f"{URL}/{kind}", json={"items": items}, headers=headers)
    assert r.status_code == 200, (kind, r.text)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Set «today» (BILIM_TODAY)."""

    def set_today(day: dt.date) -> None:
        monkeypatch.setattr(get_settings(), "today", day)

    set_today(T)
    return set_today


async def school(client: httpx.AsyncClient, db: AsyncSession) -> dict[str, Any]:
    w = await fx.world(db)
    w.school_a.external_system, w.school_a.external_id = SYSTEM, "sch"
    year = await fx.academic_year(db)
    await db.flush()
    _, token = await tokens.create_token(
        db, name="t", organization_id=w.body_a.id, external_system=SYSTEM, kinds=list(tokens.KINDS), created_by=None
    )
    h = {"X-API-Token": token}
    names = ["s1", "s2", "s3", "s4", "s5", "par1", "par3", "par4", "t1", "t2", "t3", "t4", "t5"]
    await push(client, h, "persons", [{"external_id": x, "surname": x.upper(), "first_name": "Тест"} for x in names])
    cls = {"external_id": "c", "organization_external_id": "sch", "academic_year": year.name, "grade": 5}
    await push(client, h, "classes", [cls | {"letter": "А"}])
    enrolments = {
        "s1": ("2026-09-01", "2027-05-31"),
        "s2": ("2026-09-01", None),
        "s3": ("2027-01-12", "2027-05-31"),
        "s4": ("2026-09-01", "2026-11-20"),
        "s5": ("2026-11-01", None),
    }
    await push(
        client,
        h,
        "enrolments",
        [
            {"external_id": f"e-{s}", "class_external_id": "c", "student_external_id": s}
            | {"starts_on": start, "ends_on": end}
            for s, (start, end) in enrolments.items()
        ],
    )
    await push(
        client,
        h,
        "parent-links",
        [
            {"external_id": f"pl-{s}", "parent_external_id": f"par{s[1]}", "child_external_id": s}
            for s in ("s1", "s3", "s4")
        ],
    )
    posts = {
        "t1": ("teacher", "expert", "2020-09-01", "2027-06-30"),
        "t2": ("deputy", "none", None, None),
        "t3": ("teacher", "none", "2027-01-10", None),
        "t4": ("teacher", "pedagogue", "2026-09-01", "2026-10-31"),
        "t5": ("psychologist", "none", "2026-11-15", None),
    }
    await push(
        client,
        h,
        "staff-posts",
        [
            {"external_id": f"p-{t}", "organization_external_id": "sch", "person_external_id": t, "position": role}
            | {"role_kind": role, "category": cat, "started_on": start, "ended_on": end}
            for t, (role, cat, start, end) in posts.items()
        ],
    )
    accounts = {"s1": "2026-09-05", "par1": "2026-09-10", "t2": "2026-11-10", "s3": "2026-09-05"}
    await push(
        client,
        h,
        "users",
        [
            {"external_id": f"u-{p}", "person_external_id": p, "organization_external_id": "sch"}
            | {"registered_at": f"{day}T06:00:00Z"}
            for p, day in accounts.items()
        ],
    )
    for table in ("rpt_person_org", "rpt_org_people"):
        assert await differences(db, table) == [], table
    return {"w": w, "region": await fx.app_user(db, w.regional_body), "body": await fx.app_user(db, w.body_a)}


# By hand, per day: students, parents, staff; registered students, parents, staff; persons and users.
ON_P = {"students": 3, "parents": 2, "staff": 3, "student_users": 1, "parent_users": 1, "staff_users": 0}
ON_T = {"students": 3, "parents": 1, "staff": 3, "student_users": 1, "parent_users": 1, "staff_users": 1}
ON_JAN = {"students": 4, "parents": 2, "staff": 4, "student_users": 2, "parent_users": 1, "staff_users": 1}
ON_JUNE = {"students": 2, "parents": 0, "staff": 4, "student_users": 0, "parent_users": 0, "staff_users": 1}
PERSONS = {P: (8, 2), T: (7, 3), dt.date(2027, 1, 12): (10, 4), dt.date(2027, 6, 1): (6, 1)}


async def get(client: httpx.AsyncClient, user: Any, report_id: str, **params: Any) -> dict[str, Any]:
    r = await client.get(f"/api/v1/reports/{report_id}", params=params, headers=fx.auth_headers(user))
    assert r.status_code == 200, r.text
    return r.json()


async def activity(client: httpx.AsyncClient, s: dict[str, Any], **params: Any) -> dict[str, Any]:
    body = await get(client, s["region"], "activity", view="all", **params)
    rows = [r for r in body["rows"] if r["persons"]]
    assert len(rows) == 1 and rows[0]["name"] == s["w"].school_a.name_ru
    row = rows[0]
    assert {k: row[v] for k, v in KEYS.items()} == {k: body["totals"][v] for k, v in KEYS.items()}
    return {k: row[v] for k, v in KEYS.items()} | {"persons": row["persons"], "users": row["registered"]}


KEYS = {
    "students": "students_total",
    "parents": "parents_total",
    "staff": "staff_total",
    "student_users": "student_users",
    "parent_users": "parent_users",
    "staff_users": "staff_users",
}


def expected(counts: dict[str, int], day: dt.date) -> dict[str, int]:
    persons, users = PERSONS[day]
    return counts | {"persons": persons, "users": users}


async def test_activity_counts_members_on_the_report_date(
    client: httpx.AsyncClient, db: AsyncSession, clock: Any
) -> None:
    s = await school(client, db)
    assert await activity(client, s) == expected(ON_T, T)  # the report date defaults to today
    assert await activity(client, s, date=P.isoformat()) == expected(ON_P, P)
    body = await get(client, s["region"], "activity", view="all", date=P.isoformat())
    assert [r["pct"] for r in body["rows"] if r["persons"]] == [2 * 100 // 8]

    # the school's own activity report, by role, on the same days
    for day, counts in ((T, ON_T), (P, ON_P)):
        body = await get(
            client, s["region"], "school.activity", organization_id=s["w"].school_a.id, date=day.isoformat()
        )
        got = {r["_id"]: (r["persons"], r["users"]) for r in body["rows"]}
        assert got == {
            "staff": (counts["staff"], counts["staff_users"]),
            "students": (counts["students"], counts["student_users"]),
            "parents": (counts["parents"], counts["parent_users"]),
        }
        assert (body["totals"]["persons"], body["totals"]["users"]) == PERSONS[day]


async def test_staff_about_and_profile_count_members_today(
    client: httpx.AsyncClient, db: AsyncSession, clock: Any
) -> None:
    s = await school(client, db)
    oid = s["w"].school_a.id
    body = await get(client, s["region"], "staff.composition", view="all", organization_id=oid)
    (row,) = body["rows"]
    # t1 teacher (expert), t2 deputy, t5 psychologist; t3 not started, t4 ended
    assert (row["staff"], row["r_teacher"], row["r_deputy"], row["r_psychologist"]) == (3, 1, 1, 1)
    assert (row["c_expert"], row["c_pedagogue"], row["c_none"], row["pct_category"]) == (1, 0, 2, 33)

    body = await get(client, s["region"], "school.about", organization_id=oid)
    v = {r["indicator"]: r["value"] for r in body["rows"]}
    assert (v["Классов"], v["Учеников"], v["— 5–9 классы"]) == (1, 3, 3)
    assert (v["Сотрудников"], v["— Учитель"], v["— Психолог"], v["Родителей"]) == (3, 1, 1, 1)
    assert (v["Всего персон"], v["Зарегистрированных пользователей"], v["% зарегистрированных"]) == (7, 3, 42)

    async def people(category: str) -> int:
        r = await client.get(
            f"/api/v1/organizations/{s['w'].body_a.id}/people",
            params={"category": category},
            headers=fx.auth_headers(s["body"]),
        )
        assert r.status_code == 200, r.text
        return int(r.json()["total"])

    assert (await people("students"), await people("parents"), await people("school_staff")) == (3, 1, 3)


async def test_counts_move_when_the_day_passes_a_date(client: httpx.AsyncClient, db: AsyncSession, clock: Any) -> None:
    s = await school(client, db)
    oid = s["w"].school_a.id
    assert await activity(client, s) == expected(ON_T, T)
    jan, june = dt.date(2027, 1, 12), dt.date(2027, 6, 1)
    clock(jan)  # s3 and t3 start, par3 with s3: nothing was written
    assert await activity(client, s) == expected(ON_JAN, jan)
    clock(june)  # past the end of s1's and s3's enrolments: their parents go too
    assert await activity(client, s) == expected(ON_JUNE, june)
    body = await get(client, s["region"], "staff.composition", view="all", organization_id=oid)
    assert body["rows"][0]["staff"] == 4
    body = await get(client, s["region"], "school.about", organization_id=oid)
    v = {r["indicator"]: r["value"] for r in body["rows"]}
    assert (v["Учеников"], v["Родителей"], v["Всего персон"]) == (2, 0, 6)
    r = await client.get(
        f"/api/v1/organizations/{s['w'].body_a.id}/people",
        params={"category": "students"},
        headers=fx.auth_headers(s["body"]),
    )
    assert r.json()["total"] == 2


async def test_reports_without_a_date_filter_count_on_a_past_day_when_the_clock_stands_there(
    client: httpx.AsyncClient, db: AsyncSession, clock: Any
) -> None:
    # staff.composition, «Об организации» and the profile count on «today»: with the clock at P they show P's people.
    s = await school(client, db)
    oid = s["w"].school_a.id
    clock(P)
    body = await get(client, s["region"], "staff.composition", view="all", organization_id=oid)
    (row,) = body["rows"]
    # t1 teacher (expert), t2 deputy, t4 teacher (pedagogue); t3 and t5 not started yet
    assert (row["staff"], row["r_teacher"], row["r_deputy"], row["r_psychologist"]) == (3, 2, 1, 0)
    assert (row["c_expert"], row["c_pedagogue"], row["c_none"], row["pct_category"]) == (1, 1, 1, 66)
    body = await get(client, s["region"], "school.about", organization_id=oid)
    v = {r["indicator"]: r["value"] for r in body["rows"]}
    assert (v["Учеников"], v["Сотрудников"], v["— Учитель"], v["— Психолог"], v["Родителей"]) == (3, 3, 2, 0, 2)
    assert (v["Всего персон"], v["Зарегистрированных пользователей"], v["% зарегистрированных"]) == (8, 2, 25)
    assert await activity(client, s) == expected(ON_P, P)
    for category, n in (("students", 3), ("parents", 2), ("school_staff", 3)):
        r = await client.get(
            f"/api/v1/organizations/{s['w'].body_a.id}/people",
            params={"category": category},
            headers=fx.auth_headers(s["body"]),
        )
        assert r.status_code == 200, r.text
        assert r.json()["total"] == n, category
