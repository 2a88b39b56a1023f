"""Partitions by school year (migration 0900_partitions): where rows land, the key tables, the integration upsert
on partitioned tables, and archiving a closed year (`python -m api archive-year`) with its refusals."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api import clock
from api.config import get_settings
from api.errors import InvalidInput, constraint_name
from api.models import Mark, Visit
from api.services import partitions
from api.services.integration import tokens
from api.services.reports.aggregates import AGGREGATE_TABLES, differences
from tests import factories as fx

TABLES = ("marks", "absences", "lessons", "visits", "journal_changes")
SYSTEM = "part-sys"
URL = "/api/v1/integration"
TODAY = date(2026, 12, 6)  # the school year 2026-2027 is the current one; 2025-2026 is closed
CLOSED = "2025-2026"
DAY = "2025-10-15"  # a school day of the closed year


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """«Today» fixed (BILIM_TODAY), so that the closed and the current school years don't move with the calendar."""
    monkeypatch.setenv("BILIM_TODAY", TODAY.isoformat())
    get_settings.cache_clear()
    assert clock.today() == TODAY
    yield
    monkeypatch.delenv("BILIM_TODAY")
    get_settings.cache_clear()


async def _scalar(db: AsyncSession, sql: str, **params: Any) -> Any:
    return (await db.execute(text(sql), params)).scalar()


async def test_the_five_tables_are_partitioned_with_a_default_partition(db: AsyncSession) -> None:
    rows = await db.execute(
        text(
            "SELECT c.relname, p.partstrat::text FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'"
        )
    )
    assert dict(rows.all()) == dict.fromkeys(TABLES, "r")
    for table in TABLES:
        parts = set(
            (
                await db.execute(
                    text("SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = CAST(:t AS regclass)"),
                    {"t": table},
                )
            ).scalars()
        )
        assert f"partitions.{table}_default" in parts
        # the migration made the years around today: the current one and the next at least
        assert {f"partitions.{table}_2026_2027", f"partitions.{table}_2027_2028"} <= parts


async def test_a_new_academic_year_gets_its_partitions(db: AsyncSession) -> None:
    assert await _scalar(db, "SELECT to_regclass('partitions.marks_2031_2032')") is None
    await fx.academic_year(db, 2031)
    for table in TABLES:
        assert await _scalar(db, f"SELECT to_regclass('partitions.{table}_2031_2032')::text") is not None


async def _where_is(db: AsyncSession, table: str, row_id: int) -> str:
    return str(await _scalar(db, f"SELECT tableoid::regclass::text FROM {table} WHERE id = :i", i=row_id))  # noqa: S608


async def test_rows_land_in_their_school_years_partition(db: AsyncSession) -> None:
    """31 July is the last day of a school year, 1 August the first of the next; in Asia/Almaty time for instants."""
    w = await fx.world(db)
    await fx.academic_year(db, 2025)
    year = await fx.academic_year(db, 2026)
    cls = await fx.school_class(db, w.school_a, year, grade=5)
    subj = await fx.subject(db)
    student = await fx.person(db)
    await fx.enrol(db, cls, student, starts_on=date(2026, 7, 1))
    ids = {}
    for day in (date(2026, 7, 31), date(2026, 8, 1)):
        m = await fx.add(db, fx.mark_of(cls, subj, student, day))
        ids[day] = m.id
    assert await _where_is(db, "marks", ids[date(2026, 7, 31)]) == "partitions.marks_2025_2026"
    assert await _where_is(db, "marks", ids[date(2026, 8, 1)]) == "partitions.marks_2026_2027"

    user = await fx.app_user(db, w.school_a)
    late = datetime(2026, 7, 31, 18, 30, tzinfo=UTC)  # 23:30 on 31 July in Almaty (UTC+5)
    early = datetime(2026, 7, 31, 19, 30, tzinfo=UTC)  # 00:30 on 1 August in Almaty
    visits = [
        await fx.add(db, Visit(user_id=user.id, organization_id=w.school_a.id, visited_at=at)) for at in (late, early)
    ]
    assert await _where_is(db, "visits", visits[0].id) == "partitions.visits_2025_2026"
    assert await _where_is(db, "visits", visits[1].id) == "partitions.visits_2026_2027"

    # a row of a year without partitions is not refused: the DEFAULT partition takes it …
    far = await fx.add(
        db, Visit(user_id=user.id, organization_id=w.school_a.id, visited_at=datetime(2040, 1, 1, tzinfo=UTC))
    )
    assert await _where_is(db, "visits", far.id) == "partitions.visits_default"
    # … and moves into the year's partition when it is made
    assert await partitions.create_year_partitions(db, 2039) == len(TABLES)
    assert await _where_is(db, "visits", far.id) == "partitions.visits_2039_2040"


async def test_the_key_table_keeps_one_row_per_external_id_across_partitions(db: AsyncSession) -> None:
    """Two marks of one external id in two school years: the partitioned table alone would take both."""
    w = await fx.world(db)
    year = await fx.academic_year(db, 2026)
    cls = await fx.school_class(db, w.school_a, year, grade=5)
    subj = await fx.subject(db)
    student = await fx.person(db)
    await fx.enrol(db, cls, student)

    def mark(day: date) -> Mark:
        return fx.mark_of(cls, subj, student, day, external_system=SYSTEM, external_id="same")

    await fx.add(db, mark(date(2026, 9, 10)))
    with pytest.raises(IntegrityError) as exc:
        async with db.begin_nested():
            await fx.add(db, mark(date(2027, 9, 10)))
    assert constraint_name(exc.value) == "uq_marks_external_system_external_id"
    # the key follows the row: deleted with it, changed with it
    await db.execute(text("UPDATE marks SET external_id = 'other' WHERE external_id = 'same'"))
    assert await _scalar(db, "SELECT external_id FROM marks_keys WHERE external_system = :s", s=SYSTEM) == "other"
    await fx.add(db, mark(date(2027, 9, 10)))
    await db.execute(text("DELETE FROM marks WHERE external_system = :s"), {"s": SYSTEM})
    assert await _scalar(db, "SELECT count(*) FROM marks_keys WHERE external_system = :s", s=SYSTEM) == 0


async def test_the_lesson_of_a_mark_is_still_a_foreign_key(db: AsyncSession) -> None:
    """fk_marks_lesson_class is a trigger now (lessons is partitioned): same name, same SQLSTATE, same cascade."""
    w = await fx.world(db)
    year = await fx.academic_year(db, 2026)
    cls = await fx.school_class(db, w.school_a, year, grade=5)
    other = await fx.school_class(db, w.school_a, year, grade=6)
    a = await fx.assignment(db, cls, await fx.subject(db))
    student = await fx.person(db)
    # enrolled in both classes (one after the other): only the lesson's class can be wrong
    await fx.enrol(db, cls, student, ends_on=date(2026, 12, 31))
    await fx.enrol(db, other, student, starts_on=date(2027, 1, 1))
    lesson = await fx.lesson(db, a, date(2026, 9, 10))

    def mark(class_id: int) -> Mark:
        return Mark(
            organization_id=w.school_a.id,
            region_id=w.school_a.region_id,
            class_id=class_id,
            subject_id=a.subject_id,
            student_person_id=student.id,
            lesson_id=lesson.id,
            kind="current",
            value=5,
            date=lesson.date,
        )

    with pytest.raises(IntegrityError) as exc:
        async with db.begin_nested():
            await fx.add(db, mark(other.id))
    assert constraint_name(exc.value) == "fk_marks_lesson_class"
    assert getattr(exc.value.orig, "sqlstate", None) == "23503"
    kept = await fx.add(db, mark(cls.id))
    await db.execute(text("DELETE FROM lessons WHERE id = :l"), {"l": lesson.id})
    assert await _scalar(db, "SELECT count(*) FROM marks WHERE id = :m", m=kept.id) == 0


# ---- through the integration API, and archiving a year ------------------------------------------------------


async def push(client: httpx.AsyncClient, h: dict[str, str], kind: str, items: list[dict[str, Any]]) -> httpx.Response:
    return await client.post(f"{URL}/{kind}", json={"items": items}, headers=h)


async def closed_year_school(client: httpx.AsyncClient, db: AsyncSession) -> dict[str, Any]:
    """A class of four in the closed school year 2025-2026 with one day of lessons, absences and marks, pushed."""
    w = await fx.world(db)
    w.school_a.external_system, w.school_a.external_id = SYSTEM, "sch"
    year = await fx.academic_year(db, 2025)
    await fx.academic_year(db, 2026)
    await db.flush()
    _, token = await tokens.create_token(
        db, name="t", organization_id=w.body_a.id, external_system=SYSTEM, kinds=list(tokens.KINDS), created_by=None
    )
    h = {"X-API-Token": token}
    steps: list[tuple[str, list[dict[str, Any]]]] = [
        ("persons", [{"external_id": f"s{i}", "surname": f"Ученик{i}", "first_name": "Тест"} for i in range(4)]),
        ("classes", [{"external_id": "c", "organization_external_id": "sch", "academic_year": year.name, "grade": 6}]),
        ("subjects", [{"external_id": "math", "name_ru": "Математика", "name_kk": "Математика"}]),
        ("assignments", [{"external_id": "a", "class_external_id": "c", "subject_external_id": "math"}]),
        (
            "enrolments",
            [
                {"external_id": f"e{i}", "class_external_id": "c", "student_external_id": f"s{i}"}
                | {"starts_on": "2025-09-01"}
                for i in range(4)
            ],
        ),
        (
            "lessons",
            [{"external_id": f"l{n}", "assignment_external_id": "a", "date": DAY, "number": n} for n in (1, 2)],
        ),
        (
            "absences",
            [{"external_id": "ab1", "student_external_id": "s0", "lesson_external_id": "l1", "reason": "illness"}],
        ),
        ("marks", [mark_item(f"m{i}", f"s{i}", 5) for i in (1, 2)]),
    ]
    for kind, items in steps:
        r = await push(client, h, kind, items)
        assert r.status_code == 200, (kind, r.text)
    await db.execute(
        text(
            "INSERT INTO users (organization_id, region_id, status, external_system, external_id)"
            " VALUES (:o, :r, 'active', :s, 'u1')"
        ),
        {"o": w.school_a.id, "r": w.region.id, "s": SYSTEM},
    )
    r = await push(client, h, "visits", [visit_item("2025-10-15T06:00:00Z")])
    assert r.status_code == 200, r.text
    return {"w": w, "headers": h, "user": await fx.app_user(db, w.regional_body)}


def visit_item(at: str) -> dict[str, Any]:
    return {"external_id": "v1", "user_external_id": "u1", "organization_external_id": "sch", "visited_at": at}


def mark_item(ext: str, student: str, value: int, lesson: str = "l1") -> dict[str, Any]:
    return {"external_id": ext, "student_external_id": student, "class_external_id": "c"} | {
        "subject_external_id": "math",
        "lesson_external_id": lesson,
        "value": value,
    }


async def attendance(client: httpx.AsyncClient, s: dict[str, Any]) -> dict[str, Any]:
    r = await client.get(
        "/api/v1/reports/attendance.organizations",
        params={"view": "all", "date_from": DAY, "date_to": DAY},
        headers=fx.auth_headers(s["user"]),
    )
    assert r.status_code == 200, r.text
    return {k: r.json()["totals"][k] for k in ("lessons", "student_lessons", "abs_total", "pct_attendance")}


async def test_the_upsert_updates_instead_of_duplicating(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await closed_year_school(client, db)
    h = s["headers"]
    again = await push(client, h, "marks", [mark_item("m1", "s1", 5), mark_item("m2", "s2", 5)])
    assert again.json() | {"kind": None} == {"kind": None, "created": 0, "updated": 0, "unchanged": 2, "deleted": 0}
    changed = await push(client, h, "marks", [mark_item("m1", "s1", 3), mark_item("m3", "s3", 4)])
    assert changed.json() | {"kind": None} == {"kind": None, "created": 1, "updated": 1, "unchanged": 0, "deleted": 0}
    # a mark moved to the other lesson keeps its one row; the journal has its created/changed history
    moved = await push(client, h, "marks", [mark_item("m1", "s1", 3, lesson="l2")])
    assert moved.json()["updated"] == 1
    rows = await db.execute(
        text("SELECT external_id, value FROM marks WHERE external_system = :s ORDER BY 1"), {"s": SYSTEM}
    )
    assert rows.all() == [("m1", 3), ("m2", 5), ("m3", 4)]
    journal = await db.execute(
        text(
            "SELECT j.action, j.old_value, j.new_value FROM journal_changes j JOIN marks m ON m.id = j.mark_id"
            " WHERE m.external_id = 'm1' ORDER BY j.id"
        )
    )
    assert journal.all() == [("created", None, "5"), ("changed", "5", "3"), ("changed", "3", "3")]
    lessons = await push(
        client,
        h,
        "lessons",
        [{"external_id": "l1", "assignment_external_id": "a", "date": DAY, "number": 1, "topic": "Дроби"}],
    )
    assert lessons.json()["updated"] == 1
    assert await _scalar(db, "SELECT count(*) FROM lessons WHERE external_system = :s", s=SYSTEM) == 2
    for table in AGGREGATE_TABLES:
        assert await differences(db, table) == [], table


async def test_refusals_in_words_are_unchanged(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await closed_year_school(client, db)
    h = s["headers"]
    r = await push(client, h, "marks", [mark_item("m9", "s1", 4), mark_item("m9", "s2", 4)])
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["message"] == "the same external id 'm9' is already at index 0 of this batch"
    r = await push(client, h, "marks", [mark_item("m9", "nobody", 4)])
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["message"] == f"no person with external id 'nobody' in system '{SYSTEM}'"
    r = await push(
        client,
        h,
        "absences",
        [{"external_id": "ab2", "student_external_id": "s0", "lesson_external_id": "l1", "reason": "valid"}],
    )
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["message"] == "the student already has an absence on this lesson"
    assert await _scalar(db, "SELECT count(*) FROM marks WHERE external_id = 'm9'") == 0


async def test_archiving_a_closed_year_keeps_its_reports_and_restores(
    client: httpx.AsyncClient, db: AsyncSession, today: None
) -> None:
    s = await closed_year_school(client, db)
    before = await attendance(client, s)
    assert before == {"lessons": 2, "student_lessons": 8, "abs_total": 1, "pct_attendance": 87}
    marks_before = await _scalar(db, "SELECT count(*) FROM marks WHERE external_system = :s", s=SYSTEM)

    message = await partitions.archive_year(db, CLOSED)
    assert "archived" in message
    for table in TABLES:
        assert await _scalar(db, f"SELECT to_regclass('archive.{table}_2025_2026')::text") is not None
        assert await _scalar(db, f"SELECT to_regclass('partitions.{table}_2025_2026')") is None
    assert await _scalar(db, "SELECT count(*) FROM marks WHERE external_system = :s", s=SYSTEM) == 0
    assert (
        await _scalar(db, "SELECT count(*) FROM archive.marks_2025_2026 WHERE external_system = :s", s=SYSTEM)
        == marks_before
    )
    assert await attendance(client, s) == before  # the aggregates stay: the past year's figures too

    # the external ids of the archived year stay taken: the same mark again is a conflict, in words, not a copy
    r = await push(client, s["headers"], "visits", [visit_item("2026-10-15T06:00:00Z")])
    assert r.status_code == 422, r.text
    assert r.json()["error"]["message"].endswith(
        "the batch conflicts with data already stored; nothing of the batch was written"
    )

    with pytest.raises(InvalidInput, match="already archived"):
        await partitions.archive_year(db, CLOSED)
    assert "restored" in await partitions.restore_year(db, CLOSED)
    assert await _scalar(db, "SELECT count(*) FROM marks WHERE external_system = :s", s=SYSTEM) == marks_before
    assert await attendance(client, s) == before
    with pytest.raises(InvalidInput, match="not archived"):
        await partitions.restore_year(db, CLOSED)
    for table in AGGREGATE_TABLES:
        assert await differences(db, table) == [], table


async def test_archive_year_refuses_an_unknown_the_current_or_a_malformed_year(db: AsyncSession, today: None) -> None:
    with pytest.raises(InvalidInput, match="not a closed school year"):
        await partitions.archive_year(db, "2026-2027")
    with pytest.raises(InvalidInput, match="not a closed school year"):
        await partitions.archive_year(db, "2027-2028")
    with pytest.raises(InvalidInput, match="no partitions of the school year 1990-1991: nothing to archive$"):
        await partitions.archive_year(db, "1990-1991")
    # a year whose rows only the DEFAULT partition holds: refused, saying so
    w = await fx.world(db)
    user = await fx.app_user(db, w.school_a)
    await fx.add(db, Visit(user_id=user.id, organization_id=w.school_a.id, visited_at=datetime(2001, 3, 1, tzinfo=UTC)))
    with pytest.raises(InvalidInput, match="1 rows of it are in the DEFAULT partitions"):
        await partitions.archive_year(db, "2000-2001")
    with pytest.raises(InvalidInput, match="not a school year"):
        await partitions.archive_year(db, "2025-2027")
    with pytest.raises(InvalidInput, match="not archived"):
        await partitions.restore_year(db, "1990-1991")


def test_archive_year_command_refuses_in_words(capsys: pytest.CaptureFixture[str]) -> None:
    from api.__main__ import main

    assert main(["archive-year", "2025/2027"]) == 2
    assert "not a school year" in capsys.readouterr().err
