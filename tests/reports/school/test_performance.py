"""Успеваемость reports on the crafted school, quarter 1: every figure computed by hand (see crafted.py)."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.reports.school.crafted import build
from tests.reports.school.test_school_common import get

METRICS = (
    "students", "excellent", "good", "one_three", "threes", "failing", "not_attested",
    "pct_success", "pct_quality", "sou", "avg",
)  # fmt: skip


def m(*values: Any) -> dict[str, Any]:
    return dict(zip(METRICS, values, strict=True))


def only(row: dict[str, Any], keys: tuple[str, ...] = METRICS) -> dict[str, Any]:
    return {k: row[k] for k in keys}


# School totals over students: S1 excellent, S2 threes, S4 one «3», S7 good, S8 failing, S3 and S5 not
# attested → attested 5; success 4/5 = 80, quality 2/5 = 40; marks 5,5,3,3,2,3,4,2: СОУ 404/8 = 50.50,
# average 27/8 = 3.375 → 3.38 (half up).
SCHOOL_TOTAL = m(7, 1, 1, 1, 1, 1, 2, 80, 40, 50.5, 3.38)


async def test_performance_school_and_classes(client: httpx.AsyncClient, db: AsyncSession) -> None:
    c = await build(db)
    body = await get(client, c, "school.performance.school")
    rows = body["rows"]
    assert [r["class"] for r in rows] == ["5А", "5Б", "10А"]
    assert body["count_label"] == "Всего 3 класса"
    # 5А: S1 5/5 excellent, S2 3/3 threes, S3 2 + н/а not attested; marks 5,5,3,3,2 → СОУ 288/5, avg 18/5
    assert only(rows[0]) == m(3, 1, 0, 0, 1, 0, 1, 100, 50, 57.6, 3.6)
    # 5Б: S4 one «3», S7 good (S7 arrived 01.10, enrolled at the end); marks 3, 4
    assert only(rows[1]) == m(2, 0, 1, 1, 0, 0, 0, 100, 50, 50.0, 3.5)
    # 10А: S5 no mark after the quarter ended → not attested; S8 «2» → failing
    assert only(rows[2]) == m(2, 0, 0, 0, 0, 1, 1, 0, 0, 16.0, 2.0)
    assert body["totals"]["class"] == "Всего" and only(body["totals"]) == SCHOOL_TOTAL
    assert any(f["id"] == "period_id" and f["value"] == c.q1.id for f in body["filters"])

    # by current marks: S1 avg(5,4)=4.5 → 5 and 5 → excellent; S2 avg(3,4)=3.5 → 4 and 3 → one «3»;
    # S3 no current marks → not attested; marks 5,5,4,3 → СОУ 300/4 = 75, avg 17/4 = 4.25
    cur = await get(client, c, "school.performance.school", view="current")
    assert only(cur["rows"][0]) == m(3, 1, 0, 1, 0, 0, 1, 100, 50, 75.0, 4.25)

    body = await get(client, c, "school.performance.classes")
    got = {(r["class"], r["subject"]): only(r) for r in body["rows"]}
    assert list(got) == [("5А", "Математика"), ("5А", "Русский язык"), ("5Б", "Математика"), ("10А", "Математика")]
    # 5А math 5, 3, 2: success 2/3 = 66 (truncated), quality 1/3 = 33, СОУ 152/3 = 50.67, avg 10/3 = 3.33
    assert got[("5А", "Математика")] == m(3, 1, 0, 1, 0, 1, 0, 66, 33, 50.67, 3.33)
    assert got[("5А", "Русский язык")] == m(3, 1, 0, 1, 0, 0, 1, 100, 50, 68.0, 4.0)
    assert got[("5Б", "Математика")] == m(2, 0, 1, 1, 0, 0, 0, 100, 50, 50.0, 3.5)
    assert got[("10А", "Математика")] == m(2, 0, 0, 0, 0, 1, 1, 0, 0, 16.0, 2.0)
    assert only(body["totals"]) == SCHOOL_TOTAL

    one = await get(client, c, "school.performance.classes", class_id=c.c5b.id)
    assert [(r["class"], r["subject"]) for r in one["rows"]] == [("5Б", "Математика")]
    assert only(one["totals"]) == m(2, 0, 1, 1, 0, 0, 0, 100, 50, 50.0, 3.5)


async def test_performance_teachers_and_students(client: httpx.AsyncClient, db: AsyncSession) -> None:
    c = await build(db)
    body = await get(client, c, "school.performance.subject_teacher")
    got = {(r["class"], r["subject"]): only(r) for r in body["rows"]}
    assert list(got) == [("5А", "Математика"), ("5Б", "Математика")]
    assert got[("5А", "Математика")] == m(3, 1, 0, 1, 0, 1, 0, 66, 33, 50.67, 3.33)
    # T1's five students by their math marks 5, 3, 2, 3, 4: success 4/5, quality 2/5, СОУ 252/5, avg 17/5
    assert only(body["totals"]) == m(5, 1, 1, 2, 0, 1, 0, 80, 40, 50.4, 3.4)
    r = await client.get(
        "/api/v1/reports/school.performance.subject_teacher",
        params={"organization_id": c.w.school_a.id},
        headers={"Authorization": "Bearer x"},
    )
    assert r.status_code == 401

    body = await get(client, c, "school.performance.class_teacher")
    cols = body["columns"]
    subj = next(col for col in cols if col["id"] == "subjects")
    assert [ch["title"] for ch in subj["children"]] == ["Математика", "Русский язык"]
    m_id, r_id = f"s{c.math.id}", f"s{c.rus.id}"
    rows = {r["student"]: (r[m_id], r[r_id], r["avg"], r["absences"]) for r in body["rows"]}
    assert rows == {
        "Абаев Ерлан": (5, 5, 5.0, 1),
        "Бекова Айгерим": (3, 3, 3.0, 0),  # late is not an absence
        "Васильев Иван": (2, "н/а", 2.0, 1),
    }
    t = body["totals"]
    assert (t[m_id], t[r_id], t["avg"], t["absences"]) == (3.33, 4.0, 3.6, 2)
    cur = await get(client, c, "school.performance.class_teacher", view="current")
    first = cur["rows"][0]
    assert (first[m_id], first[r_id], first["avg"]) == (4.5, 5.0, 4.75)
    assert cur["rows"][2][m_id] is None and cur["no_data"] == "нет данных"

    body = await get(client, c, "school.performance.students", class_id=c.c5a.id, page_size=2)
    assert body["page"] == {"page": 1, "page_size": 2, "total_rows": 3} and body["count"] == 3
    r1, r2 = body["rows"]
    assert (r1["class"], r1["student"], r1["no"]) == ("5А", "Абаев Ерлан", 1)
    assert (r1[f"{m_id}_avg"], r1[f"{m_id}_mark"], r1[f"{r_id}_avg"], r1[f"{r_id}_mark"]) == (4.5, 5, 5.0, 5)
    assert (r2[f"{m_id}_avg"], r2[f"{m_id}_mark"], r2[f"{r_id}_avg"], r2[f"{r_id}_mark"]) == (3.5, 3, 3.0, 3)
    page2 = await get(client, c, "school.performance.students", class_id=c.c5a.id, page_size=2, page=2)
    (r3,) = page2["rows"]
    assert r3["no"] == 3 and r3["student"] == "Васильев Иван"
    assert (r3[f"{m_id}_avg"], r3[f"{m_id}_mark"], r3[f"{r_id}_avg"], r3[f"{r_id}_mark"]) == (None, 2, None, "н/а")


async def test_performance_needs_its_class_or_teacher(client: httpx.AsyncClient, db: AsyncSession) -> None:
    c = await build(db)
    from tests import factories as fx

    h = fx.auth_headers(c.user_a)
    base = {"organization_id": c.w.school_a.id, "period_id": c.q1.id}
    r = await client.get("/api/v1/reports/school.performance.class_teacher", params=base, headers=h)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "class_id"
    r = await client.get("/api/v1/reports/school.performance.subject_teacher", params=base, headers=h)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "teacher_id"
    # a class of the other district's school is not found for this organization
    other = await client.get(
        "/api/v1/reports/school.performance.class_teacher", params=base | {"class_id": 10**9}, headers=h
    )
    assert other.status_code == 404


async def test_current_marks_removed_leave_no_trace(client: httpx.AsyncClient, db: AsyncSession) -> None:
    """A current mark added and deleted again leaves its aggregate row at n = 0: read as no marks."""
    from sqlalchemy import text

    c = await build(db)
    s3 = c.s[3]
    params = {"o": c.w.school_a.id, "c": c.c5a.id, "s": c.math.id, "st": s3.id}
    lesson = await db.scalar(
        text("SELECT id FROM lessons WHERE class_id = :c AND subject_id = :s ORDER BY date LIMIT 1"), params
    )
    await db.execute(
        text(
            "INSERT INTO marks (organization_id, region_id, class_id, subject_id, student_person_id, lesson_id, "
            "kind, value, date) SELECT :o, region_id, :c, :s, :st, :l, 'current', 2, DATE '2025-09-01' "
            "FROM organizations WHERE id = :o"
        ),
        params | {"l": lesson},
    )
    await db.execute(text("DELETE FROM marks WHERE student_person_id = :st AND kind = 'current'"), params)
    kept = await db.scalar(
        text("SELECT n FROM rpt_student_current WHERE student_person_id = :st AND subject_id = :s AND period_id = :p"),
        params | {"p": c.q1.id},
    )
    assert kept == 0
    # as before: S3 has no current marks and is not attested
    cur = await get(client, c, "school.performance.school", view="current")
    assert only(cur["rows"][0]) == m(3, 1, 0, 1, 0, 0, 1, 100, 50, 75.0, 4.25)
    classes = await get(client, c, "school.performance.classes", view="current", class_id=c.c5a.id)
    math_5a = next(r for r in classes["rows"] if r["subject"] == "Математика")
    # S1 avg(5, 4) → 5, S2 avg(3, 4) → 4, S3 none → not attested: success 2/2, quality 2/2, marks 5, 4
    assert only(math_5a) == m(3, 1, 1, 0, 0, 0, 1, 100, 100, 82.0, 4.5)


async def test_default_period_of_period_marks_is_the_latest_started_with_marks(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    """Later quarters of the crafted year have started (the report date is today) but have no quarter marks:
    reports of period marks default to the 1st quarter, the one with marks; «by current marks» and the other
    reports to the latest quarter that has started."""
    from tests import factories as fx

    c = await build(db)
    base = {"organization_id": c.w.school_a.id}

    async def applied_period(report_id: str, **extra: Any) -> Any:
        r = await client.get(f"/api/v1/reports/{report_id}", params=base | extra, headers=fx.auth_headers(c.user_a))
        assert r.status_code == 200, r.text
        return next(f["value"] for f in r.json()["filters"] if f["id"] == "period_id")

    assert await applied_period("school.performance.school") == c.q1.id
    assert await applied_period("school.performance.class_teacher", class_id=c.c5a.id) == c.q1.id
    running = await applied_period("school.performance.school", view="current")
    assert running != c.q1.id
    assert await applied_period("school.attendance.summary") == running
