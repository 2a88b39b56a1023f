"""Migrations: upgrade → downgrade → upgrade on a fresh database, and the models match the migrated schema."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

import api.models
from api.config import PROJECT_ROOT
from api.db import ensure_database, with_database


def _cfg(url: str) -> Config:
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.attributes["database_url"] = url
    return cfg


async def _tables(url: str) -> set[str]:
    eng = create_async_engine(url, poolclass=NullPool)
    async with eng.connect() as conn:
        rows = await conn.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
        out = set(rows.all())
    await eng.dispose()
    return out


async def _diff(url: str) -> list:  # type: ignore[type-arg]
    eng = create_async_engine(url, poolclass=NullPool)
    async with eng.connect() as conn:
        diff = await conn.run_sync(lambda c: compare_metadata(MigrationContext.configure(c), api.models.Base.metadata))
    await eng.dispose()
    return diff


def test_upgrade_downgrade_upgrade(database_url: str) -> None:
    url = with_database(database_url, f"bilim_mig_{uuid.uuid4().hex[:8]}")
    asyncio.run(ensure_database(url))
    try:
        cfg = _cfg(url)
        command.upgrade(cfg, "heads")
        full = asyncio.run(_tables(url))
        assert {"organizations", "persons", "marks", "lessons", "absences", "visits"} <= full
        command.downgrade(cfg, "base")
        assert asyncio.run(_tables(url)) <= {"alembic_version"}
        command.upgrade(cfg, "heads")
        assert asyncio.run(_tables(url)) == full
        # The models and the migrations describe the same schema.
        assert asyncio.run(_diff(url)) == []
    finally:
        asyncio.run(_drop(url))


async def _first_grade_data(url: str) -> dict[str, int]:
    """A 1st grade and a 5th grade class with a student each, both subjects-assigned, no period marks."""
    from tests import factories as fx

    eng = create_async_engine(url, poolclass=NullPool)
    async with AsyncSession(eng) as db:
        w = await fx.world(db)
        year = await fx.academic_year(db, 2026)
        subj = await fx.subject(db)
        ids = {}
        for grade in (1, 5):
            cls = await fx.school_class(db, w.school_a, year, grade=grade)
            await fx.assignment(db, cls, subj)
            student = await fx.person(db)
            await fx.enrol(db, cls, student)
            ids[f"grade{grade}"] = student.id
        await db.commit()
    await eng.dispose()
    return ids


async def _period_rows(url: str, student_id: int) -> int:
    eng = create_async_engine(url, poolclass=NullPool)
    async with eng.connect() as conn:
        n = await conn.scalar(
            text("SELECT count(*) FROM rpt_student_period WHERE student_person_id = :s"), {"s": student_id}
        )
    await eng.dispose()
    return int(n or 0)


async def _exact(url: str) -> dict[str, list]:  # type: ignore[type-arg]
    from api.services.reports.aggregates import differences

    eng = create_async_engine(url, poolclass=NullPool)
    async with AsyncSession(eng) as db:
        out = {t: await differences(db, t) for t in ("rpt_student_period", "rpt_org_period_perf")}
    await eng.dispose()
    return out


async def _drop(url: str) -> None:
    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = create_async_engine(with_database(url, "postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


def test_ungraded_grades_migration_fixes_the_performance_rows(database_url: str) -> None:
    """0304_reports on a database with data: the rows 0303_reports kept for a 1st-grader (a «не аттестован»
    student in every period) go, the aggregates equal the recomputation; the downgrade brings them back."""
    url = with_database(database_url, f"bilim_mig_{uuid.uuid4().hex[:8]}")
    asyncio.run(ensure_database(url))
    try:
        cfg = _cfg(url)
        command.upgrade(cfg, "heads")
        command.downgrade(cfg, "0303_reports")  # the reports branch at 0303_reports, the others at their heads
        ids = asyncio.run(_first_grade_data(url))
        assert asyncio.run(_period_rows(url, ids["grade1"])) > 0  # 0303 counted the 1st-grader
        command.upgrade(cfg, "heads")
        assert asyncio.run(_period_rows(url, ids["grade1"])) == 0
        assert asyncio.run(_period_rows(url, ids["grade5"])) > 0
        assert asyncio.run(_exact(url)) == {"rpt_student_period": [], "rpt_org_period_perf": []}
        command.downgrade(cfg, "0303_reports")
        assert asyncio.run(_period_rows(url, ids["grade1"])) == asyncio.run(_period_rows(url, ids["grade5"])) > 0
    finally:
        asyncio.run(_drop(url))


async def _replaced_lesson_data(url: str) -> int:
    """A class of 2 with a replaced lesson carrying an absence; returns the school's id."""
    from api.models import Absence
    from tests import factories as fx

    eng = create_async_engine(url, poolclass=NullPool)
    async with AsyncSession(eng) as db:
        w = await fx.world(db)
        year = await fx.academic_year(db, 2026)
        cls = await fx.school_class(db, w.school_a, year, grade=5)
        teacher, substitute = await fx.person(db), await fx.person(db)
        a = await fx.assignment(db, cls, await fx.subject(db), teacher)
        students = [await fx.person(db), await fx.person(db)]
        for st in students:
            await fx.enrol(db, cls, st)
        lesson = await fx.lesson(db, a, date(2026, 9, 15), status="replaced", substitute_person_id=substitute.id)
        await fx.add(
            db,
            Absence(
                organization_id=w.school_a.id,
                region_id=w.school_a.region_id,
                class_id=cls.id,
                lesson_id=lesson.id,
                student_person_id=students[0].id,
                date=lesson.date,
                reason="illness",
            ),
        )
        school_id = w.school_a.id
        await db.commit()
    await eng.dispose()
    return school_id


async def _attendance(url: str, school_id: int) -> tuple[int, int, int]:
    eng = create_async_engine(url, poolclass=NullPool)
    async with eng.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT sum(lessons_held), sum(student_lessons), sum(abs_illness) FROM rpt_org_day_attendance "
                    "WHERE organization_id = :o"
                ),
                {"o": school_id},
            )
        ).one()
    await eng.dispose()
    return (int(row[0] or 0), int(row[1] or 0), int(row[2] or 0))


async def _attendance_exact(url: str) -> list:  # type: ignore[type-arg]
    from api.services.reports.aggregates import differences

    eng = create_async_engine(url, poolclass=NullPool)
    async with AsyncSession(eng) as db:
        out = await differences(db, "rpt_org_day_attendance")
    await eng.dispose()
    return out


def test_replaced_lessons_migration_rebuilds_attendance(database_url: str) -> None:
    """0310_reports on a database with data: a replaced lesson kept by the 0300 triggers added no lesson and no
    student-lessons while its absence counted; after the upgrade it is a held lesson, exactly as recomputed."""
    url = with_database(database_url, f"bilim_mig_{uuid.uuid4().hex[:8]}")
    asyncio.run(ensure_database(url))
    try:
        cfg = _cfg(url)
        command.upgrade(cfg, "heads")
        command.downgrade(cfg, "0304_reports")
        school = asyncio.run(_replaced_lesson_data(url))
        assert asyncio.run(_attendance(url, school)) == (0, 0, 1)
        command.upgrade(cfg, "heads")
        assert asyncio.run(_attendance(url, school)) == (1, 2, 1)
        assert asyncio.run(_attendance_exact(url)) == []
        command.downgrade(cfg, "0304_reports")
        assert asyncio.run(_attendance(url, school)) == (0, 0, 1)
    finally:
        asyncio.run(_drop(url))
