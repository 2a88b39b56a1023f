"""Concurrent writers keep the period performance aggregates exact (committed transactions, own database).

The lock protocol of migration 0303_reports: writers of one student's rows take ROW EXCLUSIVE on
rpt_student_period and the student's advisory lock; an assignment (whose students are those of its class, read
from enrolments) takes SHARE ROW EXCLUSIVE first, so an enrolment and an assignment written at once wait for one
another and the second sees the first's rows."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from api.services.reports.aggregates import differences
from tests import factories as fx

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest_asyncio.fixture(loop_scope="session")
async def own_engine(own_database_url: str) -> AsyncIterator[AsyncEngine]:
    """A database of its own: these transactions commit."""
    eng = create_async_engine(own_database_url, poolclass=NullPool)
    try:
        yield eng
    finally:
        await eng.dispose()


async def _exact(engine: AsyncEngine) -> dict[str, list[dict[str, Any]]]:
    async with AsyncSession(engine) as s:
        return {t: await differences(s, t) for t in ("rpt_student_period", "rpt_org_period_perf")}


async def _blocked(conn: AsyncConnection, sql: str, params: dict[str, Any]) -> asyncio.Task[Any]:
    """Start a statement that should wait for the other transaction; check it does."""
    task = asyncio.create_task(conn.execute(text(sql), params))
    await asyncio.sleep(0.5)
    assert not task.done(), "the second writer did not wait for the first"
    return task


async def test_enrolment_and_assignment_at_once(own_engine: AsyncEngine) -> None:
    async with AsyncSession(own_engine, expire_on_commit=False) as db:
        w = await fx.world(db)
        year = await fx.academic_year(db, 2026)
        cls = await fx.school_class(db, w.school_a, year, grade=5)
        math, lang, art = [await fx.subject(db) for _ in range(3)]
        await fx.assignment(db, cls, math)
        first = await fx.person(db)
        await fx.enrol(db, cls, first)
        q1 = await db.scalar(
            text("SELECT id FROM periods WHERE academic_year_id = :y ORDER BY starts_on"), {"y": year.id}
        )
        students = [await fx.person(db) for _ in range(2)]
        await db.commit()
    assert await _exact(own_engine) == {"rpt_student_period": [], "rpt_org_period_perf": []}
    key = {"o": cls.organization_id, "r": cls.region_id, "c": cls.id}
    assign = "INSERT INTO assignments (organization_id, region_id, class_id, subject_id) VALUES (:o, :r, :c, :s)"
    enrol = (
        "INSERT INTO enrolments (organization_id, region_id, class_id, student_person_id, starts_on) "
        "VALUES (:o, :r, :c, :st, DATE '2026-09-01')"
    )
    mark = (
        "INSERT INTO marks (organization_id, region_id, class_id, subject_id, student_person_id, period_id, kind, "
        "value, date) VALUES (:o, :r, :c, :s, :st, :p, 'quarter', :v, DATE '2026-10-20')"
    )
    async with own_engine.connect() as a, own_engine.connect() as b:
        # The assignment first: the enrolment waits, then counts the new subject.
        await a.execute(text(assign), {**key, "s": lang.id})
        task = await _blocked(b, enrol, {**key, "st": students[0].id})
        await a.commit()
        await task
        await b.commit()
        assert await _exact(own_engine) == {"rpt_student_period": [], "rpt_org_period_perf": []}
        # The enrolment first: the assignment waits, then finds the new student.
        await b.execute(text(enrol), {**key, "st": students[1].id})
        task = await _blocked(a, assign, {**key, "s": art.id})
        await b.commit()
        await task
        await a.commit()
        assert await _exact(own_engine) == {"rpt_student_period": [], "rpt_org_period_perf": []}
        # Two period marks of one student at once: the second waits for the student's lock.
        await a.execute(text(mark), {**key, "s": math.id, "st": first.id, "p": q1, "v": 2})
        task = await _blocked(b, mark, {**key, "s": lang.id, "st": first.id, "p": q1, "v": 5})
        await a.commit()
        await task
        await b.commit()
        assert await _exact(own_engine) == {"rpt_student_period": [], "rpt_org_period_perf": []}
        # And a current mark does not wait for a writer of the same student's period marks.
        lesson = await a.scalar(
            text(
                "INSERT INTO lessons (organization_id, region_id, class_id, assignment_id, subject_id, date, number, "
                "status) SELECT :o, :r, :c, id, subject_id, DATE '2026-09-20', 1, 'held' FROM assignments "
                "WHERE class_id = :c AND subject_id = :s RETURNING id"
            ),
            {**key, "s": math.id},
        )
        await a.commit()
        await a.execute(text(mark), {**key, "s": art.id, "st": first.id, "p": q1, "v": 4})
        await asyncio.wait_for(
            b.execute(
                text(
                    "INSERT INTO marks (organization_id, region_id, class_id, subject_id, student_person_id, kind, "
                    "value, date, lesson_id) VALUES (:o, :r, :c, :s, :st, 'current', 3, DATE '2026-09-20', :l)"
                ),
                {**key, "s": math.id, "st": first.id, "l": lesson},
            ),
            timeout=5,
        )
        await b.commit()
        await a.commit()
    figures = await _exact(own_engine)
    assert figures == {"rpt_student_period": [], "rpt_org_period_perf": []}
    async with own_engine.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT n2, n4, n5, n_missing FROM rpt_student_period "
                    "WHERE student_person_id = :s AND period_id = :p"
                ),
                {"s": first.id, "p": q1},
            )
        ).one()
    assert tuple(row) == (1, 1, 1, 0)  # math 2, art 4, language 5: every subject of the class has its mark
