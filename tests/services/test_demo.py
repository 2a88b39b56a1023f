"""The demo region: internally consistent, valid against the database's rules, deterministic, with its accounts."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import date

import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from api.db import ensure_database, raw_connection, run_migrations, with_database
from api.demo import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DemoError,
    DemoParams,
    fingerprint,
    load_demo,
)
from api.services import bulk_checks as checks
from api.services import iin
from api.services.passwords import verify_password

TODAY = date(2026, 11, 6)  # the first quarter has ended, the second runs


@pytest.fixture(scope="module")
def demo_urls(database_url: str) -> Iterator[dict[str, str]]:
    """Separate migrated databases for the demo loads (they commit, unlike the other tests)."""
    tag = uuid.uuid4().hex[:6]
    urls = {name: with_database(database_url, f"bilim_demo_{name}_{tag}") for name in ("region", "named", "small")}
    for url in urls.values():
        asyncio.run(ensure_database(url))
        run_migrations(url)
    yield urls

    async def _drop() -> None:
        admin = create_async_engine(with_database(database_url, "postgres"), isolation_level="AUTOCOMMIT")
        async with admin.connect() as conn:
            for url in urls.values():
                name = url.rsplit("/", 1)[1].split("?", 1)[0]
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()

    asyncio.run(_drop())


async def _load(engine: AsyncEngine, params: DemoParams, **kw: object) -> dict[str, int]:
    async with engine.begin() as conn:
        result = await load_demo(conn, params, **kw)  # type: ignore[arg-type]
    return result.counts


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def region(demo_urls: dict[str, str]) -> AsyncIterator[AsyncEngine]:
    """Two schools through the first quarter and into the second, loaded with COPY in replica mode."""
    engine = create_async_engine(demo_urls["region"], poolclass=NullPool)
    await _load(engine, DemoParams(seed=3, schools=2, today=TODAY, students_per_class=(15, 22)), bulk_mode="replica")
    yield engine
    await engine.dispose()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def named(demo_urls: dict[str, str]) -> AsyncIterator[AsyncEngine]:
    """The default 24 organizations, two weeks into the year (small, but the whole tree)."""
    engine = create_async_engine(demo_urls["named"], poolclass=NullPool)
    await _load(engine, DemoParams(today=date(2026, 9, 11), students_per_class=(15, 16), parallels=(1, 1)))
    yield engine
    await engine.dispose()


async def _scalar(engine: AsyncEngine, sql: str) -> object:
    async with engine.connect() as conn:
        return await conn.scalar(text(sql))


async def _rows(engine: AsyncEngine, sql: str) -> list[tuple[object, ...]]:
    async with engine.connect() as conn:
        return [tuple(r) for r in await conn.execute(text(sql))]


# ---------------------------------------------------------------- consistency
async def test_no_student_in_two_classes_at_once(region: AsyncEngine) -> None:
    overlaps = await _scalar(
        region,
        """SELECT count(*) FROM enrolments a JOIN enrolments b
             ON a.student_person_id = b.student_person_id AND a.id < b.id
          AND daterange(a.starts_on, coalesce(a.ends_on, 'infinity'), '[]')
           && daterange(b.starts_on, coalesce(b.ends_on, 'infinity'), '[]')""",
    )
    assert overlaps == 0
    # A transfer between parallel classes gives a student two enrolments this year, one after the other.
    transferred = await _scalar(
        region,
        """SELECT count(*) FROM (SELECT e.student_person_id FROM enrolments e
                                  JOIN classes c ON c.id = e.class_id
                                  JOIN academic_years y ON y.id = c.academic_year_id AND y.name = '2026-2027'
                                 GROUP BY 1 HAVING count(*) > 1) t""",
    )
    assert transferred >= 1  # type: ignore[operator]
    assert await _scalar(region, "SELECT count(*) FROM movements WHERE counterpart LIKE '%класс этой школы'") >= 2


async def test_no_marks_or_absences_on_cancelled_lessons(region: AsyncEngine) -> None:
    assert await _scalar(region, "SELECT count(*) FROM lessons WHERE status = 'cancelled'") > 0
    for table in ("marks", "absences"):
        bad = await _scalar(
            region,
            f"SELECT count(*) FROM {table} x JOIN lessons l ON l.id = x.lesson_id "  # noqa: S608 (fixed names)
            "WHERE l.status = 'cancelled'",
        )
        assert bad == 0, table


async def test_marks_and_absences_only_for_students_enrolled_on_the_day(region: AsyncEngine) -> None:
    for table in ("marks", "absences"):
        bad = await _scalar(
            region,
            f"""SELECT count(*) FROM {table} x WHERE NOT EXISTS (
                   SELECT 1 FROM enrolments e WHERE e.student_person_id = x.student_person_id
                      AND e.class_id = x.class_id
                      AND x.date BETWEEN e.starts_on AND coalesce(e.ends_on, 'infinity'))""",  # noqa: S608
        )
        assert bad == 0, table
    # A student absent from a lesson (not merely late) gets no mark on it.
    assert (
        await _scalar(
            region,
            """SELECT count(*) FROM marks m JOIN absences a
                 ON a.lesson_id = m.lesson_id AND a.student_person_id = m.student_person_id AND a.reason <> 'late'""",
        )
        == 0
    )


async def test_class_totals_match_enrolments_and_movements(region: AsyncEngine) -> None:
    """Per class: students at the start + arrived − departed = students now."""
    rows = await _rows(
        region,
        """SELECT c.id,
                  (SELECT count(*) FROM enrolments e WHERE e.class_id = c.id AND e.starts_on = y.starts_on),
                  (SELECT count(*) FROM movements m WHERE m.class_id = c.id AND m.kind = 'arrived'),
                  (SELECT count(*) FROM movements m WHERE m.class_id = c.id AND m.kind = 'departed'),
                  (SELECT count(*) FROM enrolments e WHERE e.class_id = c.id AND e.ends_on IS NULL)
             FROM classes c JOIN academic_years y ON y.id = c.academic_year_id AND y.name = '2026-2027'""",
    )
    assert rows
    for class_id, at_start, arrived, departed, now in rows:
        assert at_start + arrived - departed == now, class_id  # type: ignore[operator]
        assert 15 <= at_start <= 22, class_id  # type: ignore[operator]
    assert sum(r[2] for r in rows) > 0 and sum(r[3] for r in rows) > 0  # type: ignore[misc]


async def test_quarter_marks_for_every_student_and_subject_of_the_ended_quarter(region: AsyncEngine) -> None:
    missing = await _scalar(
        region,
        """SELECT count(*) FROM classes c
             JOIN academic_years y ON y.id = c.academic_year_id AND y.name = '2026-2027'
             JOIN periods p ON p.academic_year_id = y.id AND p.kind = 'quarter' AND p.number = 1
             JOIN assignments a ON a.class_id = c.id
             JOIN enrolments e ON e.class_id = c.id AND e.starts_on <= p.ends_on
                              AND coalesce(e.ends_on, 'infinity') >= p.ends_on
            WHERE c.grade >= 2 AND NOT EXISTS (
                  SELECT 1 FROM marks m WHERE m.kind = 'quarter' AND m.period_id = p.id
                     AND m.student_person_id = e.student_person_id AND m.subject_id = a.subject_id
                     AND m.class_id = c.id)""",
    )
    assert missing == 0
    # No quarter marks for the running second quarter, none at all for first graders.
    assert (
        await _scalar(
            region,
            "SELECT count(*) FROM marks m JOIN periods p ON p.id = m.period_id "
            "WHERE m.kind = 'quarter' AND p.number = 2",
        )
        == 0
    )
    assert (
        await _scalar(region, "SELECT count(*) FROM marks m JOIN classes c ON c.id = m.class_id WHERE c.grade = 1") == 0
    )


async def test_every_kind_of_school_event_is_present(region: AsyncEngine) -> None:
    kinds = dict(await _rows(region, "SELECT kind, count(*) FROM marks GROUP BY kind"))
    assert {"current", "sor", "soch", "quarter"} <= set(kinds)
    assert await _scalar(region, "SELECT count(*) FROM marks WHERE not_attested") > 0
    reasons = {r[0] for r in await _rows(region, "SELECT DISTINCT reason FROM absences")}
    assert reasons == {"illness", "valid", "unexcused", "late"}
    statuses = {r[0] for r in await _rows(region, "SELECT DISTINCT status FROM lessons")}
    assert statuses == {"held", "cancelled", "replaced"}
    assert (
        await _scalar(
            region,
            "SELECT count(*) FROM lessons WHERE status = 'replaced' "
            "AND (substitute_person_id IS NULL OR change_reason IS NULL)",
        )
        == 0
    )
    assert (
        await _scalar(
            region,
            "SELECT count(*) FROM lessons WHERE status = 'replaced' AND substitute_person_id = teacher_person_id",
        )
        == 0
    )
    assert {r[0] for r in await _rows(region, "SELECT DISTINCT kind FROM movements")} == {"arrived", "departed"}
    docs = {r[0] for r in await _rows(region, "SELECT DISTINCT doc_type FROM education_documents")}
    assert docs == {"basic_certificate", "general_certificate"}
    actions = {r[0] for r in await _rows(region, "SELECT DISTINCT action FROM journal_changes")}
    assert actions == {"created", "changed", "deleted"}
    assert await _scalar(region, "SELECT count(*) FROM homework WHERE minutes > 0") > 0
    assert await _scalar(region, "SELECT count(*) FROM lessons WHERE topic IS NULL") > 0  # journal keeping gaps
    categories = {r[0] for r in await _rows(region, "SELECT DISTINCT category FROM staff_posts")}
    assert {"master", "researcher", "expert", "moderator", "pedagogue", "none"} <= categories


async def test_journal_history_agrees_with_the_marks(region: AsyncEngine) -> None:
    # A changed mark holds the new value; a deleted mark is gone; every history starts with «created».
    assert (
        await _scalar(
            region,
            """SELECT count(*) FROM journal_changes j JOIN marks m ON m.id = j.mark_id
            WHERE j.action = 'changed' AND m.value::text <> j.new_value""",
        )
        == 0
    )
    assert (
        await _scalar(
            region,
            "SELECT count(*) FROM journal_changes j JOIN marks m ON m.id = j.mark_id WHERE j.action = 'deleted'",
        )
        == 0
    )
    assert (
        await _scalar(
            region,
            """SELECT count(DISTINCT mark_id) FROM journal_changes j WHERE NOT EXISTS (
             SELECT 1 FROM journal_changes c WHERE c.mark_id = j.mark_id AND c.action = 'created')""",
        )
        == 0
    )


async def test_people_registration_and_visits(region: AsyncEngine) -> None:
    # Registered school users have no app role; some persons are not registered at all.
    assert await _scalar(region, "SELECT count(*) FROM users WHERE app_role IS NULL") > 0
    assert (
        await _scalar(
            region, "SELECT count(*) FROM persons p WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.person_id = p.id)"
        )
        > 0
    )
    # Some parents are also staff of the school.
    assert (
        await _scalar(
            region,
            "SELECT count(DISTINCT pl.parent_person_id) FROM parent_links pl "
            "JOIN staff_posts s ON s.person_id = pl.parent_person_id",
        )
        > 0
    )
    # Visits lie in the last 60 days, and weekdays are busier than weekends.
    first, last = (await _rows(region, "SELECT min(visited_at), max(visited_at) FROM visits"))[0]
    assert (TODAY - first.date()).days <= 60 and last.date() <= TODAY  # type: ignore[union-attr]
    weekday, weekend = (
        await _rows(
            region,
            """SELECT count(*) FILTER (WHERE extract(isodow FROM visited_at + interval '5 hours') <= 5) / 5.0,
                      count(*) FILTER (WHERE extract(isodow FROM visited_at + interval '5 hours') > 5) / 2.0
                 FROM visits""",
        )
    )[0]
    assert float(weekday) > 1.8 * float(weekend)  # type: ignore[arg-type]


async def test_iins_are_valid_for_the_birth_dates(region: AsyncEngine) -> None:
    rows = await _rows(region, "SELECT iin, birth_date, sex FROM persons WHERE iin IS NOT NULL")
    assert len(rows) > 1000
    for code, born, sex in rows:
        assert iin.is_valid(code) and iin.matches_birth(code, born, sex), code  # type: ignore[arg-type]
    assert len({r[0] for r in rows}) == len(rows)
    # Names: Kazakh and Russian surnames, patronymics.
    surnames = {r[0] for r in await _rows(region, "SELECT surname FROM persons")}
    assert {"Ахметов", "Ахметова"} & surnames or {"Жумабаев", "Жумабаева"} & surnames
    assert (
        await _scalar(region, "SELECT count(*) FROM persons WHERE patronymic LIKE '%ұлы' OR patronymic LIKE '%қызы'")
        > 0
    )


async def test_set_based_checks_pass_and_catch_a_broken_row(region: AsyncEngine) -> None:
    tables = ["marks", "absences", "lessons", "enrolments", "users", "visits"]
    async with region.connect() as conn:
        raw = await raw_connection(conn)
        report = await checks.verify(raw, tables)
        assert report.problems == [] and len(report.checked) > 10
        # Written with triggers off, a mark on a cancelled lesson and an orphan absence are caught afterwards.
        await raw.execute("SET LOCAL session_replication_role = replica")
        await raw.execute(
            """INSERT INTO marks (organization_id, region_id, class_id, subject_id, student_person_id, lesson_id,
                                  kind, value, date)
               SELECT l.organization_id, l.region_id, l.class_id, l.subject_id, e.student_person_id, l.id,
                      'current', 5, l.date
                 FROM lessons l JOIN enrolments e ON e.class_id = l.class_id
                WHERE l.status = 'cancelled' LIMIT 1"""
        )
        await raw.execute(
            """INSERT INTO absences (organization_id, region_id, class_id, lesson_id, student_person_id, date, reason)
               SELECT organization_id, region_id, class_id, id, 999999999, date, 'illness'
                 FROM lessons WHERE status = 'held' LIMIT 1"""
        )
        await raw.execute("SET LOCAL session_replication_role = origin")
        report = await checks.verify(raw, tables)
        await conn.rollback()
    assert any(p.startswith("no mark on a cancelled lesson") for p in report.problems)
    assert any("absences_student_person_id" in p for p in report.problems)
    assert any(p.startswith("absence of a student enrolled") for p in report.problems)


# ---------------------------------------------------------------- the named tree and the accounts
async def test_the_named_tree_of_24_organizations(named: AsyncEngine) -> None:
    assert await _scalar(named, "SELECT count(*) FROM organizations WHERE kind = 'school'") == 24
    names = {r[0] for r in await _rows(named, "SELECT name_ru FROM organizations")}
    assert {
        "Білім министрлігі (тестовое)",
        "Управление образования Тестового региона",
        "№1 Мектеп-гимназия",
    } <= names
    districts = dict(await _rows(named, "SELECT name_ru, kind FROM districts"))
    assert districts == {"Тест (город регионального значения)": "city", "Тестовый район": "district"}
    assert await _scalar(named, "SELECT name_ru FROM regions") == "Тестовый регион"
    # Every school sits under a body of its region, the bodies under the ministry.
    assert (
        await _scalar(
            named,
            """SELECT count(*) FROM organizations o JOIN organizations p ON p.id = o.parent_id
            WHERE o.kind = 'school' AND p.kind NOT IN ('regional_body', 'district_body')""",
        )
        == 0
    )
    assert await _scalar(named, "SELECT count(DISTINCT type_id) FROM organizations WHERE kind = 'school'") >= 5
    assert await _scalar(named, "SELECT count(DISTINCT structure_id) FROM organizations WHERE kind = 'school'") == 3
    types = {r[0] for r in await _rows(named, "SELECT name_kk FROM organization_types")}
    assert "Жалпы білім беретін ұйым" in types
    # «нет данных» in the registry: some schools lack a licence, accreditation, head or contacts.
    for column in ("license_number", "accreditation_number", "head_person_id", "phones"):
        sql = f"SELECT count(*) FROM organizations WHERE kind = 'school' AND {column} IS NULL"  # noqa: S608
        missing = await _scalar(named, sql)
        assert 0 < missing < 24, column  # type: ignore[operator]
    # Heads are staff of their organization.
    assert (
        await _scalar(
            named,
            """SELECT count(*) FROM organizations o WHERE head_person_id IS NOT NULL AND NOT EXISTS (
             SELECT 1 FROM staff_posts s WHERE s.organization_id = o.id AND s.person_id = o.head_person_id
                AND s.role_kind = 'head')""",
        )
        == 0
    )


async def test_the_five_demo_accounts(named: AsyncEngine) -> None:
    rows = await _rows(
        named,
        """SELECT u.username, u.app_role, u.password_hash, o.kind, d.kind, u.status
             FROM users u JOIN organizations o ON o.id = u.organization_id LEFT JOIN districts d ON d.id = o.district_id
            WHERE u.app_role IS NOT NULL ORDER BY u.username""",
    )
    by_name = {r[0]: r[1:] for r in rows}
    assert set(by_name) == {"ministry", "region", "district.city", "district.rural", "admin"}
    assert [a.username for a in DEMO_ACCOUNTS] == ["ministry", "region", "district.city", "district.rural", "admin"]
    assert by_name["ministry"][:1] == ("employee",) and by_name["ministry"][2] == "ministry"
    assert by_name["region"][2] == "regional_body"
    assert by_name["admin"][0] == "admin" and by_name["admin"][2] == "regional_body"
    assert by_name["district.city"][2:4] == ("district_body", "city")
    assert by_name["district.rural"][2:4] == ("district_body", "district")
    for _role, password_hash, *_ in by_name.values():
        assert password_hash.startswith("$argon2id$")  # type: ignore[union-attr]
    assert verify_password(DEMO_PASSWORD, by_name["admin"][1])  # type: ignore[arg-type]
    # Each account has a person on the staff of its body.
    assert (
        await _scalar(
            named,
            """SELECT count(*) FROM users u WHERE u.app_role IS NOT NULL AND NOT EXISTS (
             SELECT 1 FROM staff_posts s WHERE s.person_id = u.person_id AND s.organization_id = u.organization_id)""",
        )
        == 0
    )


async def test_loading_twice_needs_reset(named: AsyncEngine) -> None:
    async with named.begin() as conn:
        with pytest.raises(DemoError, match="--reset"):
            await load_demo(conn, DemoParams(schools=1, today=date(2026, 9, 3)))


# ---------------------------------------------------------------- determinism, triggers, parameters
async def _fingerprint(engine: AsyncEngine) -> dict[str, tuple[int, str]]:
    async with engine.connect() as conn:
        return await fingerprint(conn)


async def test_same_seed_same_data_and_the_triggers_accept_it(demo_urls: dict[str, str]) -> None:
    engine = create_async_engine(demo_urls["small"], poolclass=NullPool)
    params = DemoParams(seed=7, schools=2, today=date(2026, 10, 30), students_per_class=(15, 17), parallels=(1, 1))
    try:
        # With the row triggers on: the generated rows pass the same rules as the API's writes.
        counts = await _load(engine, params, bulk_mode="triggers")
        first = await _fingerprint(engine)
        await _load(engine, params, replace=True, bulk_mode="replica")
        second = await _fingerprint(engine)
        params.seed = 8
        await _load(engine, params, replace=True)
        other = await _fingerprint(engine)
    finally:
        await engine.dispose()
    assert counts["marks"] > 1000
    assert first == second
    assert first["marks"] != other["marks"] and first["persons"] != other["persons"]


def test_parameters_are_checked() -> None:
    with pytest.raises(ValueError, match="students_per_class"):
        DemoParams(students_per_class=(30, 15)).validate()
    with pytest.raises(ValueError, match="today"):
        DemoParams(today=date(2026, 8, 1)).validate()
    with pytest.raises(ValueError, match="schools"):
        DemoParams(schools=0).validate()


async def test_the_load_is_one_transaction(demo_urls: dict[str, str]) -> None:
    """A load that fails leaves nothing behind (here: an unknown bulk mode, after a reset)."""
    engine = create_async_engine(demo_urls["small"], poolclass=NullPool)
    try:
        before = await _scalar(engine, "SELECT count(*) FROM marks")
        with pytest.raises(DemoError, match="bulk_mode"):
            async with engine.begin() as conn:
                await load_demo(conn, DemoParams(schools=1, today=date(2026, 9, 3)), replace=True, bulk_mode="nope")
        assert await _scalar(engine, "SELECT count(*) FROM marks") == before
    finally:
        await engine.dispose()


def test_command_line_options_are_checked(capsys: pytest.CaptureFixture[str]) -> None:
    from api.__main__ import main
    from api.cli.demo import _range

    assert _range("15-30") == (15, 30) and _range("20") == (20, 20)
    with pytest.raises(SystemExit) as exc:
        main(["demo", "--students-per-class", "30-15"])
    assert exc.value.code == 2
    assert "LOW must not exceed HIGH" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["demo", "--today", "tomorrow"])
    assert "expected a date YYYY-MM-DD" in capsys.readouterr().err
    # Values that parse but are out of range are refused before any database work.
    assert main(["demo", "--today", "2026-08-01"]) == 2
    assert "today: the demo school year starts on 2026-09-01" in capsys.readouterr().out
    assert main(["demo", "--students-per-class", "10-50"]) == 2
    assert "students_per_class" in capsys.readouterr().out
