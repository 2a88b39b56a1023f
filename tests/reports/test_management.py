"""Management reports on small crafted data: every figure hand-computed (see the comments)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import openpyxl
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import Absence, AcademicYear, Organization, Person, User, Visit
from api.schemas.reports import ReportBody
from api.services.reports.aggregates import differences
from tests import factories as fx

D = date(2026, 10, 15)  # the report date of the activity report


@dataclass
class Crafted:
    w: fx.World
    a1: Organization
    a2: Organization
    b: Organization
    period_q1: int
    region_user: User
    district_a_user: User
    classes: dict[str, Any]  # "a1", "a2", "b"
    subjects: dict[str, Any]  # "math", "lang"


async def _user(db: AsyncSession, p: Person, org: Organization) -> User:
    # registered before the report date: a user counts from the day the account was registered
    registered = datetime(2026, 9, 1, 6, tzinfo=UTC)
    return await fx.add(
        db,
        User(
            person_id=p.id, organization_id=org.id, region_id=org.region_id, status="active", registered_at=registered
        ),
    )


async def _visit(db: AsyncSession, u: User, org: Organization, day: date) -> None:
    at = datetime(day.year, day.month, day.day, 7, 0, tzinfo=UTC)  # 12:00 in Astana
    await fx.add(db, Visit(user_id=u.id, organization_id=org.id, region_id=org.region_id, visited_at=at))


async def crafted(db: AsyncSession) -> Crafted:
    """District A: schools A1 («Школа А») and A2; district B: school B («Школа Б»)."""
    w = await fx.world(db)
    a1, b = w.school_a, w.school_b
    a2 = await fx.organization(db, "school", w.body_a, type_id=w.school_type.id, name_ru="Школа А2")
    year = await fx.academic_year(db, 2026)
    q1 = await db.scalar(
        text("SELECT id FROM periods WHERE academic_year_id = :y AND number = 1 AND kind = 'quarter'"), {"y": year.id}
    )
    adult = date(1985, 5, 5)
    t1 = await fx.person(db, "Учитель", "Первый", birth_date=adult)  # teacher in A1 and parent in B
    d1 = await fx.person(db, "Завуч", "Один", birth_date=adult)  # deputy + teacher in A1
    t2 = await fx.person(db, "Учитель", "Второй", birth_date=adult)  # teacher in A1 and A2
    t3 = await fx.person(db, "Психолог", "Третий", birth_date=adult)  # psychologist in B
    p1 = await fx.person(db, "Родитель", "Один", birth_date=adult)  # parent of S1 and S2 (A1)
    s1, s2, s3, s4 = [await fx.person(db, "Ученик", f"S{i}") for i in range(1, 5)]

    await fx.staff_post(db, a1, t1, "teacher", "expert")
    await fx.staff_post(db, a1, d1, "deputy", "master")
    await fx.staff_post(db, a1, d1, "teacher", "moderator")
    await fx.staff_post(db, a1, t2, "teacher", "none")
    await fx.staff_post(db, a2, t2, "teacher", "pedagogue")
    await fx.staff_post(db, b, t3, "psychologist", "pedagogue")
    await fx.staff_post(db, a1, t1, "teacher", "expert", ended_on=date(2026, 8, 31), started_on=date(2020, 9, 1))

    c_a1 = await fx.school_class(db, a1, year, 5, "А")
    c_a2 = await fx.school_class(db, a2, year, 6, "Б")
    c_b = await fx.school_class(db, b, year, 7, "В")
    await fx.enrol(db, c_a1, s1)
    await fx.enrol(db, c_a1, s2)
    await fx.enrol(db, c_a2, s4)
    await fx.enrol(db, c_b, s3, starts_on=date(2026, 9, 10))
    for parent, child in ((p1, s1), (p1, s2), (t1, s3)):
        await db.execute(
            text("INSERT INTO parent_links (parent_person_id, child_person_id, relation) VALUES (:p, :c, 'other')"),
            {"p": parent.id, "c": child.id},
        )

    users = {}
    for p, org in ((t1, a1), (s1, a1), (p1, a1), (t2, a1), (s3, b), (t3, b)):
        users[p.id] = await _user(db, p, org)
    # Visits, report date D.
    await _visit(db, users[t1.id], a1, D)
    await _visit(db, users[t1.id], b, D - timedelta(days=3))
    await _visit(db, users[s1.id], a1, D - timedelta(days=10))
    await _visit(db, users[s1.id], a1, D - timedelta(days=10))
    await _visit(db, users[p1.id], a1, D - timedelta(days=40))
    await _visit(db, users[t2.id], a2, D - timedelta(days=1))
    await _visit(db, users[t2.id], a1, D - timedelta(days=20))
    await _visit(db, users[s3.id], b, D)

    # Quarter marks (Q1): S1 5,5 · S2 4,3 · S4 2,5 · S3 н/а,4; a current «2» of S1 is ignored.
    math, lang = await fx.subject(db, "Математика"), await fx.subject(db, "Язык")
    asg_a1 = await fx.assignment(db, c_a1, math, t1)
    asg_a2 = await fx.assignment(db, c_a2, math, t2)
    asg_b = await fx.assignment(db, c_b, math, t3)
    for cls, teacher in ((c_a1, t1), (c_a2, t2), (c_b, t3)):  # both subjects are taught in every class
        await fx.assignment(db, cls, lang, teacher)

    async def mark(cls: Any, student: Person, subj: Any, value: int | None, kind: str = "quarter", **kw: Any) -> None:
        on = date(2026, 10, 25)
        await fx.add(
            db, fx.mark_of(cls, subj, student, on, kind, value, period_id=q1, not_attested=value is None, **kw)
        )

    await mark(c_a1, s1, math, 5)
    await mark(c_a1, s1, lang, 5)
    await mark(c_a1, s2, math, 4)
    await mark(c_a1, s2, lang, 3)
    await mark(c_a2, s4, math, 2)
    await mark(c_a2, s4, lang, 5)
    await mark(c_b, s3, math, None)
    await mark(c_b, s3, lang, 4)

    # Lessons and absences in September.
    l1 = await fx.lesson(db, asg_a1, date(2026, 9, 2))
    l2 = await fx.lesson(db, asg_a1, date(2026, 9, 3))
    await fx.lesson(db, asg_a1, date(2026, 9, 4), status="cancelled", substitute_person_id=None)
    await mark(c_a1, s1, math, 2, kind="current", lesson_id=l1.id)
    l3 = await fx.lesson(db, asg_a2, date(2026, 9, 2))
    await fx.lesson(db, asg_a2, date(2026, 10, 5))
    await fx.lesson(db, asg_b, date(2026, 9, 5))
    await fx.lesson(db, asg_b, date(2026, 9, 12))
    for lesson, student, reason in ((l1, s1, "illness"), (l2, s2, "late"), (l3, s4, "unexcused")):
        await fx.add(
            db,
            Absence(
                organization_id=lesson.organization_id,
                region_id=lesson.region_id,
                class_id=lesson.class_id,
                lesson_id=lesson.id,
                student_person_id=student.id,
                date=lesson.date,
                reason=reason,
            ),
        )
    region_user = await fx.app_user(db, w.regional_body)
    district_a_user = await fx.app_user(db, w.body_a)
    classes = {"a1": c_a1, "a2": c_a2, "b": c_b}
    return Crafted(w, a1, a2, b, q1, region_user, district_a_user, classes, {"math": math, "lang": lang})


def _strip(row: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    return {k: row.get(k) for k in keys}


ACT = [
    "name",
    "persons",
    "registered",
    "pct",
    "staff_total",
    "staff_users",
    "students_total",
    "student_users",
    "parents_total",
    "parent_users",
    "visits_day",
    "visits_week",
    "visits_month",
]


async def _get(client: httpx.AsyncClient, user: User, url: str) -> dict[str, Any]:
    r = await client.get(url, headers=fx.auth_headers(user))
    assert r.status_code == 200, r.text
    return r.json()


async def test_activity_by_district(client: httpx.AsyncClient, db: AsyncSession) -> None:
    c = await crafted(db)
    body = await _get(client, c.region_user, f"/api/v1/reports/activity?date={D}")
    assert body["count_label"] == "Всего 2 муниципалитета"
    a, b = body["rows"]
    # District A: T1, D1, S1, S2, P1, T2 (A1 and A2: once), S4 → 7 persons; users T1, S1, P1, T2 → 4; 4/7 → 57.
    # Visits: day T1; week T1, T2; month T1, S1, T2 (T2 visited A1 and A2: once).
    assert _strip(a, ACT) == dict(zip(ACT, [c.w.district_a.name_ru, 7, 4, 57, 3, 2, 3, 1, 1, 1, 1, 2, 3], strict=True))
    # District B: S3, T3, T1 (as parent) → 3 persons, all registered. Visits: day S3; week S3, T1; month the same.
    assert _strip(b, ACT) == dict(zip(ACT, [c.w.district_b.name_ru, 3, 3, 100, 1, 1, 1, 1, 1, 1, 1, 2, 2], strict=True))
    # Totals over distinct people: 9 persons (T1 once although in both districts), 6 users → 66 (66.7 truncated);
    # roles 4 + 4 + 2 = 10 > 9 because T1 is both a teacher and a parent. Visits: day T1, S3; week T1, T2, S3;
    # month T1, S1, T2, S3.
    assert _strip(body["totals"], ACT) == dict(zip(ACT, ["Всего", 9, 6, 66, 4, 3, 4, 2, 2, 2, 2, 3, 4], strict=True))
    ReportBody.model_validate(body)
    cols = body["columns"]
    assert [c_["id"] for c_ in cols] == ["no", "name", "users", "visits"]
    users_col = cols[2]
    assert [c_["id"] for c_ in users_col["children"]] == [
        "persons",
        "registered",
        "pct",
        "staff",
        "students",
        "parents",
    ]
    assert [c_["title"] for c_ in users_col["children"][3]["children"]] == ["Всего", "Польз."]


async def test_activity_all_organizations(client: httpx.AsyncClient, db: AsyncSession) -> None:
    c = await crafted(db)
    body = await _get(client, c.region_user, f"/api/v1/reports/activity?view=all&date={D}")
    assert body["count_label"] == "Всего 3 ОУ"
    rows = {r["name"]: _strip(r, ACT[1:]) for r in body["rows"]}
    # A1: T1, D1, S1, S2, P1, T2 → 6; users T1, S1, P1, T2 → 4 → 66 (66.7 truncated). Visits: day T1; week T1;
    # month T1, S1, T2 (P1's visit is 40 days old).
    assert rows["Школа А"] == dict(zip(ACT[1:], [6, 4, 66, 3, 2, 2, 1, 1, 1, 1, 1, 3], strict=True))
    assert rows["Школа А2"] == dict(zip(ACT[1:], [2, 1, 50, 1, 1, 1, 0, 0, 0, 0, 1, 1], strict=True))
    assert rows["Школа Б"] == dict(zip(ACT[1:], [3, 3, 100, 1, 1, 1, 1, 1, 1, 1, 2, 2], strict=True))
    assert _strip(body["totals"], ACT[1:]) == dict(zip(ACT[1:], [9, 6, 66, 4, 3, 4, 2, 2, 2, 2, 3, 4], strict=True))
    assert body["rows"][0]["_links"]["name"].startswith("/organizations/")


async def test_activity_scope_of_a_district_employee(client: httpx.AsyncClient, db: AsyncSession) -> None:
    c = await crafted(db)
    body = await _get(client, c.district_a_user, f"/api/v1/reports/activity?view=all&date={D}")
    assert {r["name"] for r in body["rows"]} == {"Школа А", "Школа А2"}
    # Only A1 and A2: T1's parent role and visit in B are outside the scope.
    assert _strip(body["totals"], ACT[1:]) == dict(zip(ACT[1:], [7, 4, 57, 3, 2, 3, 1, 1, 1, 1, 2, 3], strict=True))
    h = fx.auth_headers(c.district_a_user)
    r = await client.get(f"/api/v1/reports/activity?district_id={c.w.district_b.id}", headers=h)
    assert r.status_code == 404 and r.json()["error"]["message"].startswith("district_id")
    opts = (await client.get("/api/v1/reports/activity/options", headers=h)).json()
    assert [d["id"] for d in opts["districts"]] == [c.w.district_a.id]
    x = await client.get(f"/api/v1/reports/activity/export?format=xlsx&date={D}", headers=h)
    ws = openpyxl.load_workbook(io.BytesIO(x.content)).active
    values = [v for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert c.w.district_b.name_ru not in values and "Школа Б" not in values
    assert 7 in values and 9 not in values


async def test_activity_export_has_merged_three_row_header(client: httpx.AsyncClient, db: AsyncSession) -> None:
    c = await crafted(db)
    x = await client.get(f"/api/v1/reports/activity/export?date={D}", headers=fx.auth_headers(c.region_user))
    assert x.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(x.content)).active
    merged = {str(m) for m in ws.merged_cells.ranges}
    cells = {cell.coordinate: cell.value for row in ws.iter_rows() for cell in row if cell.value is not None}
    by_value = {v: k for k, v in cells.items()}
    users_at = by_value["Пользователи"]
    visits_at = by_value["Визиты"]
    header_row = int(users_at[1:])
    # «Пользователи» spans 9 leaves (C..K), «Визиты» 3 (L..N), «№» and the name span three header rows.
    assert f"C{header_row}:K{header_row}" in merged and visits_at == f"L{header_row}"
    assert f"L{header_row}:N{header_row}" in merged
    assert f"A{header_row}:A{header_row + 2}" in merged and f"B{header_row}:B{header_row + 2}" in merged
    assert f"F{header_row + 1}:G{header_row + 1}" in merged  # Сотрудники: Всего, Польз.
    assert ws.freeze_panes == f"A{header_row + 3}"
    totals = [cell.value for cell in next(r for r in ws.iter_rows() if r[1].value == "Всего" and r[2].value == 9)]
    assert totals[1:] == ["Всего", 9, 6, 66, 4, 3, 4, 2, 2, 2, 2, 3, 4]
    assert isinstance(totals[2], int | float)


STAFF = ["staff", "r_head", "r_deputy", "r_teacher", "r_psychologist", "c_master", "c_researcher", "c_expert"]
STAFF += ["c_moderator", "c_pedagogue", "c_none", "pct_category"]


async def test_staff_composition(client: httpx.AsyncClient, db: AsyncSession) -> None:
    c = await crafted(db)
    body = await _get(client, c.region_user, "/api/v1/reports/staff.composition?view=all")
    rows = {r["name"]: _strip(r, STAFF) for r in body["rows"]}
    # A1: T1 (teacher, expert), D1 (deputy + teacher: category master, the highest), T2 (teacher, none); T1's
    # ended post is not counted. With a category: T1, D1 → 2/3 → 66.
    assert rows["Школа А"] == dict(zip(STAFF, [3, 0, 1, 3, 0, 1, 0, 1, 0, 0, 1, 66], strict=True))
    assert rows["Школа А2"] == dict(zip(STAFF, [1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 100], strict=True))
    assert rows["Школа Б"] == dict(zip(STAFF, [1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 100], strict=True))
    # Totals: T2 works in A1 and A2 → counted once as staff and teacher; categories per school (none in A1,
    # pedagogue in A2); with a category somewhere: T1, D1, T2, T3 → 100.
    assert _strip(body["totals"], STAFF) == dict(zip(STAFF, [4, 0, 1, 3, 1, 1, 0, 1, 0, 2, 1, 100], strict=True))
    districts = await _get(client, c.region_user, "/api/v1/reports/staff.composition")
    a = districts["rows"][0]
    assert (a["staff"], a["r_teacher"], a["pct_category"]) == (3, 3, 100)


PERF = ["students", "excellent", "good", "one_three", "failing", "not_attested", "pct_success", "pct_quality"]
PERF += ["sou", "avg"]


async def test_performance_organizations(client: httpx.AsyncClient, db: AsyncSession) -> None:
    c = await crafted(db)
    url = f"/api/v1/reports/performance.organizations?view=all&period_id={c.period_q1}"
    body = await _get(client, c.region_user, url)
    rows = {r["name"]: _strip(r, PERF) for r in body["rows"]}
    # A1: S1 5,5 (excellent), S2 4,3 (one «3»); SOU (100·2 + 64 + 36)/4 = 75; average 17/4 = 4.25.
    assert rows["Школа А"] == dict(zip(PERF, [2, 1, 0, 1, 0, 0, 100, 50, 75.0, 4.25], strict=True))
    # A2: S4 2,5 → failing; SOU (16 + 100)/2 = 58; average 3.5.
    assert rows["Школа А2"] == dict(zip(PERF, [1, 0, 0, 0, 1, 0, 0, 0, 58.0, 3.5], strict=True))
    # B: S3 н/а, 4 → not attested; no attested students → % has no data.
    assert rows["Школа Б"] == dict(zip(PERF, [1, 0, 0, 0, 0, 1, None, None, 64.0, 4.0], strict=True))
    # Totals: attested 3, failing 1 → (3-1)/3 = 66 (66.7 truncated); quality 1/3 → 33; SOU 480/7 = 68.57;
    # average 28/7 = 4.00.
    assert _strip(body["totals"], PERF) == dict(zip(PERF, [4, 1, 0, 1, 1, 1, 66, 33, 68.57, 4.0], strict=True))
    assert any(f["id"] == "period_id" for f in body["filters"])
    x = await client.get(url.replace("?", "/export?"), headers=fx.auth_headers(c.region_user))
    ws = openpyxl.load_workbook(io.BytesIO(x.content)).active
    b_row = next(r for r in ws.iter_rows(values_only=True) if r[1] == "Школа Б")
    assert b_row[8] == "нет данных" and b_row[9] == "нет данных" and b_row[10] == 64


async def test_performance_default_period_is_the_latest_started_with_marks(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    """On 4 December the 2nd quarter has started but has no quarter marks yet: the default is the 1st quarter."""
    c = await crafted(db)
    q2 = await db.scalar(
        text("SELECT id FROM periods WHERE kind = 'quarter'"
             " AND starts_on > (SELECT starts_on FROM periods WHERE id = :q) ORDER BY starts_on LIMIT 1"),
        {"q": c.period_q1},
    )  # fmt: skip
    assert q2 is not None
    url = "/api/v1/reports/performance.organizations?view=all&date=2026-12-04"
    body = await _get(client, c.region_user, url)
    applied = {f["id"]: f for f in body["filters"]}
    assert applied["period_id"]["value"] == c.period_q1
    assert _strip(body["totals"], PERF)["students"] == 4
    explicit = await _get(client, c.region_user, f"{url}&period_id={q2}")
    assert {f["id"]: f for f in explicit["filters"]}["period_id"]["value"] == q2


async def test_performance_missing_period_mark(client: httpx.AsyncClient, db: AsyncSession) -> None:
    """REPORTS.md: «не аттестован» for a subject when the period has ended and no period mark exists."""
    c = await crafted(db)
    s5, s6 = await fx.person(db, "Ученик", "S5"), await fx.person(db, "Ученик", "S6")
    await fx.enrol(db, c.classes["a1"], s5)
    await fx.enrol(db, c.classes["a2"], s6)
    cls = c.classes["a1"]
    # S5: math 5, no language mark; S6: no period mark at all
    await fx.add(db, fx.mark_of(cls, c.subjects["math"], s5, date(2026, 10, 25), "quarter", 5, period_id=c.period_q1))
    url = f"/api/v1/reports/performance.organizations?view=all&period_id={c.period_q1}"

    # Q1 (1.09–26.10) has ended by 1.11: S5 (language missing) and S6 (both missing) are not attested.
    ended = await _get(client, c.region_user, url + "&date=2026-11-01")
    rows = {r["name"]: _strip(r, PERF) for r in ended["rows"]}
    # A1: S1 5,5 excellent · S2 4,3 one «3» · S5 not attested; attested 2 → 100 %, quality 1/2 = 50;
    # marks 5,5,4,3,5 → SOU (300 + 64 + 36)/5 = 80, average 22/5 = 4.40.
    assert rows["Школа А"] == dict(zip(PERF, [3, 1, 0, 1, 0, 1, 100, 50, 80.0, 4.4], strict=True))
    # A2: S4 2,5 failing · S6 not attested; attested 1, failing 1 → 0 %; SOU (16 + 100)/2 = 58, average 3.5.
    assert rows["Школа А2"] == dict(zip(PERF, [2, 0, 0, 0, 1, 1, 0, 0, 58.0, 3.5], strict=True))
    assert rows["Школа Б"] == dict(zip(PERF, [1, 0, 0, 0, 0, 1, None, None, 64.0, 4.0], strict=True))
    # Totals: 6 students, not attested S5, S6, S3; attested S1, S2, S4 → (3 − 1)/3 = 66, quality 1/3 = 33;
    # marks n5 4, n4 2, n3 1, n2 1 → SOU (400 + 128 + 36 + 16)/8 = 72.50, average 33/8 = 4.125 → 4.13.
    assert _strip(ended["totals"], PERF) == dict(zip(PERF, [6, 1, 0, 1, 1, 3, 66, 33, 72.5, 4.13], strict=True))

    # While Q1 runs (20.10) a missing mark is not «не аттестован»: S5 (math 5) is excellent, S6 (no marks) is a
    # student, neither attested nor not; only S3's «н/а» counts.
    running = await _get(client, c.region_user, url + "&date=2026-10-20")
    rows = {r["name"]: _strip(r, PERF) for r in running["rows"]}
    # A1: excellent S1, S5; one «3» S2; attested 3 → 100 %, quality 2/3 = 66.
    assert rows["Школа А"] == dict(zip(PERF, [3, 2, 0, 1, 0, 0, 100, 66, 80.0, 4.4], strict=True))
    assert rows["Школа А2"] == dict(zip(PERF, [2, 0, 0, 0, 1, 0, 0, 0, 58.0, 3.5], strict=True))
    # Totals: attested S1, S2, S4, S5 → (4 − 1)/4 = 75, quality 2/4 = 50.
    assert _strip(running["totals"], PERF) == dict(zip(PERF, [6, 2, 0, 1, 1, 1, 75, 50, 72.5, 4.13], strict=True))

    # The same definitions as «Успеваемость: Школа» (today Q1 has ended): each row equals that report's total.
    today = await _get(client, c.region_user, url)
    for org in (c.a1, c.a2, c.b):
        school = await _get(
            client,
            c.region_user,
            f"/api/v1/reports/school.performance.school?organization_id={org.id}&period_id={c.period_q1}",
        )
        row = next(r for r in today["rows"] if r["name"] == org.name_ru)
        assert _strip(row, PERF) == _strip(school["totals"], PERF), org.name_ru


async def test_first_grade_is_not_graded(client: httpx.AsyncClient, db: AsyncSession) -> None:
    """The 1st grade is taught without marks: its students are neither students nor «не аттестован» in the
    performance figures (rpt_graded_grade), in the management report and in the school reports alike."""
    c = await crafted(db)
    first = await fx.school_class(db, c.a1, await db.get(AcademicYear, c.classes["a1"].academic_year_id), 1, "А")
    for subj in c.subjects.values():
        await fx.assignment(db, first, subj)
    for i in (1, 2):  # enrolled, both subjects assigned, no period marks at all
        await fx.enrol(db, first, await fx.person(db, "Первоклассник", f"F{i}"))
    url = f"/api/v1/reports/performance.organizations?view=all&period_id={c.period_q1}&date=2026-11-01"
    school_url = f"/api/v1/reports/school.performance.school?organization_id={c.a1.id}&period_id={c.period_q1}"

    # Q1 has ended by 1.11; the figures are those of the crafted data without the first-graders (see
    # test_performance_organizations): A1 S1 excellent, S2 one «3»; nobody in A1 is not attested.
    body = await _get(client, c.region_user, url)
    rows = {r["name"]: _strip(r, PERF) for r in body["rows"]}
    assert rows["Школа А"] == dict(zip(PERF, [2, 1, 0, 1, 0, 0, 100, 50, 75.0, 4.25], strict=True))
    assert _strip(body["totals"], PERF) == dict(zip(PERF, [4, 1, 0, 1, 1, 1, 66, 33, 68.57, 4.0], strict=True))
    rule = "Учащиеся 1-х классов не оцениваются (безотметочное обучение) и в расчёт не входят"
    assert rule in body["methodology"]
    school = await _get(client, c.region_user, school_url)
    assert [r["class"] for r in school["rows"]] == ["5А"]  # the 1st grade's class is not shown
    assert (school["totals"]["students"], school["totals"]["not_attested"]) == (2, 0)
    assert rule in school["methodology"]
    students = await _get(
        client,
        c.region_user,
        f"/api/v1/reports/school.performance.students?organization_id={c.a1.id}&period_id={c.period_q1}",
    )
    assert students["count"] == 2 and {r["class"] for r in students["rows"]} == {"5А"}

    # The rule is the class's grade: made a 2nd grade, its two students count, not attested (no marks after the
    # period ended), in the kept aggregate (classes trigger) as in the school report; back to 1st grade, gone.
    for grade, students_a1, not_attested_a1 in ((2, 4, 2), (1, 2, 0)):
        await db.execute(text("UPDATE classes SET grade = :g WHERE id = :c"), {"g": grade, "c": first.id})
        for table in ("rpt_student_period", "rpt_org_period_perf"):
            assert await differences(db, table) == [], (grade, table)
        row = next(r for r in (await _get(client, c.region_user, url))["rows"] if r["name"] == "Школа А")
        school = await _get(client, c.region_user, school_url)
        assert (row["students"], row["not_attested"]) == (students_a1, not_attested_a1), grade
        assert _strip(row, PERF) == _strip(school["totals"], PERF), grade


ATT = ["lessons", "student_lessons", "abs_illness", "abs_valid", "abs_unexcused", "abs_total", "abs_late"]
ATT += ["pct_attendance"]


async def test_attendance_organizations(client: httpx.AsyncClient, db: AsyncSession) -> None:
    c = await crafted(db)
    url = "/api/v1/reports/attendance.organizations?view=all&date_from=2026-09-01&date_to=2026-09-30"
    body = await _get(client, c.region_user, url)
    rows = {r["name"]: _strip(r, ATT) for r in body["rows"]}
    # A1: 2 held lessons × 2 students = 4; illness 1; late 1 (not an absence) → (4-1)/4 = 75.
    assert rows["Школа А"] == dict(zip(ATT, [2, 4, 1, 0, 0, 1, 1, 75], strict=True))
    # A2: 1 lesson in September (the October one is outside) × 1 student; unexcused 1 → 0.
    assert rows["Школа А2"] == dict(zip(ATT, [1, 1, 0, 0, 1, 1, 0, 0], strict=True))
    # B: 2 lessons; S3 enrolled from 10.09 → only the lesson of 12.09 counts → 1 student-lesson → 100.
    assert rows["Школа Б"] == dict(zip(ATT, [2, 1, 0, 0, 0, 0, 0, 100], strict=True))
    assert _strip(body["totals"], ATT) == dict(zip(ATT, [5, 6, 1, 0, 1, 2, 1, 66], strict=True))
    districts = await _get(client, c.region_user, url.replace("view=all&", ""))
    assert [r["pct_attendance"] for r in districts["rows"]] == [60, 100]  # A: (5-2)/5
    r = await client.get(
        "/api/v1/reports/attendance.organizations?date_from=2026-10-01&date_to=2026-09-01",
        headers=fx.auth_headers(c.region_user),
    )
    assert r.status_code == 422 and r.json()["error"]["message"].startswith("date_from")


async def test_no_data_and_print(client: httpx.AsyncClient, db: AsyncSession) -> None:
    c = await crafted(db)
    url = f"/api/v1/reports/performance.organizations/print?view=all&period_id={c.period_q1}"
    r = await client.get(url, headers=fx.auth_headers(c.region_user))
    assert r.status_code == 200
    assert "нет данных" in r.text and "<thead>" in r.text and "Всего" in r.text


async def test_fresh_after_a_new_mark(client: httpx.AsyncClient, db: AsyncSession) -> None:
    c = await crafted(db)
    url = f"/api/v1/reports/performance.organizations?view=all&period_id={c.period_q1}"
    before = await _get(client, c.region_user, url)
    a2 = next(r for r in before["rows"] if r["name"] == "Школа А2")
    await db.execute(text("UPDATE marks SET value = 4 WHERE value = 2 AND kind = 'quarter'"))
    after = await _get(client, c.region_user, url)
    a2_after = next(r for r in after["rows"] if r["name"] == "Школа А2")
    assert (a2["failing"], a2_after["failing"], a2_after["good"]) == (1, 0, 1)
    assert after["data_as_of"] >= before["data_as_of"]
