"""Benchmark of «Люди»: p50/p95 of the API's listing and search vs a naive ILIKE scan, in the same run.

    .venv/bin/python bench/people_search.py                 # bilim_bench if it exists, else its own database
    .venv/bin/python bench/people_search.py --database bilim_bench_people --runs 60

With the 500-school database `bilim_bench` (make bench-data) it searches there. Without it, it
creates `bilim_bench_people` once (migrated to heads) and generates a region: 20 district bodies,
500 schools, 360,000 students in classes, 30,000 staff, 60,000 parents, a fifth of them registered
(re-runs reuse it). It then times `api.services.profile.people.list_people` — the very function
behind GET /organizations/{id}/people, scope, category filter and the capped total included — as an
employee of the regional body, page size 25 as the SPA asks: the list as the tab opens, name queries
of several shapes (surname, surname + first name in either order, ё/е, a typo with and without the
first name, a 4- and a 3-letter prefix), the commonest surname alone, among the students and among
the school staff, and prints p50 / p95 per case.
Then the naive way: `ILIKE '%…%'` over the concatenated name with the same scope EXISTS, with no
trigram index to use — and whether it finds the typo at all.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any, cast

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.config import Settings  # noqa: E402
from api.db import ensure_database, resolve_database_url, run_migrations, with_database  # noqa: E402
from api.services.profile.people import list_people  # noqa: E402
from api.services.scope import Principal  # noqa: E402

OWN_DB = "bilim_bench_people"

SURNAME_ROOTS = [
    "Ахмет",
    "Бекмухамед",
    "Жумабай",
    "Ермек",
    "Кайрат",
    "Нурлан",
    "Серик",
    "Тулеген",
    "Омар",
    "Сейткали",
    "Иван",
    "Петр",
    "Сидор",
    "Кузнец",
    "Смирн",
    "Попов",
    "Соколов",
    "Лебедев",
    "Козлов",
    "Новик",
    "Морозов",
    "Волков",
    "Ёлкин",
    "Алексеев",
    "Павлов",
    "Семён",
    "Голуб",
    "Виноград",
    "Богдан",
    "Воробь",
    "Абай",
    "Сатпай",
    "Касым",
    "Мукан",
    "Есен",
    "Жаксыбек",
    "Исабек",
    "Кенже",
    "Маман",
    "Нуржан",
    "Оспан",
    "Рахим",
    "Сарсен",
    "Тажи",
    "Утеш",
    "Хасен",
    "Шарип",
    "Ыбырай",
    "Аман",
    "Базар",
    "Дюсен",
    "Ерлан",
    "Жанат",
    "Зейнол",
    "Калиев",
    "Лукпан",
    "Мырзах",
    "Ныгмет",
    "Орын",
    "Пернеш",
]
SURNAME_ENDINGS = ["ов", "ова", "ин", "ина", "ев", "ева", "бек", "улы", "кызы", "баев", "баева", "енко", "ский", "ская"]
FIRST_NAMES = [
    "Анна",
    "Мария",
    "Дана",
    "Алия",
    "Айгерим",
    "Гульнара",
    "Сауле",
    "Жанна",
    "Ольга",
    "Елена",
    "Асель",
    "Динара",
    "Камила",
    "Мадина",
    "Томирис",
    "Аружан",
    "Ерлан",
    "Марат",
    "Нурлан",
    "Тимур",
    "Арман",
    "Данияр",
    "Ерасыл",
    "Алихан",
    "Санжар",
    "Пётр",
    "Иван",
    "Сергей",
    "Алексей",
    "Дмитрий",
    "Руслан",
    "Бауыржан",
    "Олжас",
    "Адиль",
    "Азамат",
    "Максат",
    "Нурсултан",
    "Рустем",
    "Еркебулан",
    "Айдос",
]
PATRONYMICS = [
    "Петровна",
    "Ивановна",
    "Маратовна",
    "Ерланович",
    "Нурланович",
    "Сергеевич",
    "Асанович",
    "Болатовна",
    "",
    "",
]


def _arr(values: list[str]) -> str:
    return "ARRAY[" + ", ".join("'" + v + "'" for v in values) + "]"


# Only constants of this file are formatted into the SQL.
GENERATE = f"""
INSERT INTO regions (id, name_ru, name_kk, kind) VALUES (9001, 'Бенч-область', 'Бенч облысы', 'oblast');
INSERT INTO districts (id, region_id, name_ru, name_kk, kind)
  SELECT 9100 + d, 9001, 'Район ' || d, 'Аудан ' || d, 'district' FROM generate_series(1, 20) d;
INSERT INTO organization_types (id, code, name_ru, name_kk, name_en, sort_order)
  VALUES (9001, 'bench_school', 'Школа', 'Мектеп', 'School', 0);
INSERT INTO organizations (id, kind, name_ru) VALUES (900000, 'ministry', 'Бенч-министерство');
INSERT INTO organizations (id, parent_id, kind, region_id, name_ru)
  VALUES (900001, 900000, 'regional_body', 9001, 'Бенч-управление');
INSERT INTO organizations (id, parent_id, kind, region_id, district_id, name_ru)
  SELECT 900100 + d, 900001, 'district_body', 9001, 9100 + d, 'Отдел образования ' || d FROM generate_series(1, 20) d;
INSERT INTO organizations (id, parent_id, kind, region_id, district_id, type_id, name_ru)
  SELECT 901000 + s, 900100 + ((s - 1) % 20) + 1, 'school', 9001, 9100 + ((s - 1) % 20) + 1, 9001, 'Школа № ' || s
  FROM generate_series(1, 500) s;
INSERT INTO academic_years (id, name, starts_on, ends_on)
  VALUES (9001, 'bench-2026', DATE '2026-09-01', DATE '2027-05-31');
INSERT INTO classes (id, organization_id, region_id, academic_year_id, grade, letter)
  SELECT 9000000 + s * 100 + g * 3 + l, 901000 + s, 9001, 9001, g, (ARRAY['А','Б','В'])[l + 1]
  FROM generate_series(1, 500) s, generate_series(1, 11) g, generate_series(0, 2) l;
-- Persons: ids 10,000,001.. students (360k), then staff (30k), then parents (60k).
INSERT INTO persons (id, region_id, surname, first_name, patronymic)
  SELECT 10000000 + i, 9001,
         ({_arr(SURNAME_ROOTS)})[1 + (hashint4(i) & 65535) % {len(SURNAME_ROOTS)}]
           || ({_arr(SURNAME_ENDINGS)})[1 + (hashint4(i + 7) & 65535) % {len(SURNAME_ENDINGS)}],
         ({_arr(FIRST_NAMES)})[1 + (hashint4(i + 13) & 65535) % {len(FIRST_NAMES)}],
         nullif(({_arr(PATRONYMICS)})[1 + (hashint4(i + 29) & 65535) % {len(PATRONYMICS)}], '')
  FROM generate_series(1, 450000) i;
INSERT INTO enrolments (organization_id, region_id, class_id, student_person_id, starts_on)
  SELECT 901000 + s, 9001, 9000000 + s * 100 + g * 3 + l, 10000000 + i, DATE '2026-09-01'
  FROM generate_series(1, 360000) i,
       LATERAL (SELECT 1 + (i - 1) % 500 AS s, 1 + ((i - 1) / 500) % 11 AS g, ((i - 1) / 5500) % 3 AS l) k;
INSERT INTO staff_posts (organization_id, region_id, person_id, position, role_kind, category)
  SELECT 901000 + 1 + (i - 360001) % 500, 9001, 10000000 + i,
         CASE WHEN i <= 360500 THEN 'Директор' ELSE 'Учитель' END,
         CASE WHEN i <= 360500 THEN 'head' ELSE 'teacher' END, 'none'
  FROM generate_series(360001, 390000) i;
INSERT INTO parent_links (region_id, parent_person_id, child_person_id, relation)
  SELECT 9001, 10000000 + i, 10000000 + (i - 390000) * 6, 'other' FROM generate_series(390001, 450000) i;
INSERT INTO users (person_id, organization_id, region_id, status, last_seen_at)
  SELECT 10000000 + i, 901000 + 1 + i % 500, 9001, 'active',
         now() - make_interval(secs => (hashint4(i + 3) & 65535) % 7200)
  FROM generate_series(360001, 450000, 5) i;
INSERT INTO users (organization_id, region_id, username, password_hash, app_role, status)
  VALUES (900001, 9001, 'bench_people_employee', 'x', 'employee', 'active');
ANALYZE;
"""  # noqa: S608

NAIVE = """
WITH scope AS (SELECT id FROM organizations WHERE path @> ARRAY[CAST(:root AS int)])
SELECT p.id, concat_ws(' ', p.surname, p.first_name, p.patronymic)
  FROM persons p
 WHERE concat_ws(' ', p.surname, p.first_name, p.patronymic) ILIKE :pattern
   AND (EXISTS (SELECT 1 FROM staff_posts sp WHERE sp.person_id = p.id AND sp.organization_id IN (SELECT id FROM scope))
        OR EXISTS (SELECT 1 FROM enrolments e
                    WHERE e.student_person_id = p.id AND e.organization_id IN (SELECT id FROM scope))
        OR EXISTS (SELECT 1 FROM parent_links pl JOIN enrolments e ON e.student_person_id = pl.child_person_id
                    WHERE pl.parent_person_id = p.id AND e.organization_id IN (SELECT id FROM scope)))
 ORDER BY 2 LIMIT 25
"""


async def _ready(server: str) -> bool:
    """Whether bilim_bench is loaded and readable now (`make bench-data` may still be writing it)."""
    eng = create_async_engine(
        with_database(server, "bilim_bench"),
        poolclass=NullPool,
        connect_args={"server_settings": {"lock_timeout": "2000"}},
    )
    try:
        async with eng.connect() as conn:
            return bool(await conn.scalar(text("SELECT count(*) > 0 FROM users WHERE app_role IS NOT NULL")))
    except Exception:
        print("bilim_bench is not readable yet (still loading?): using the benchmark's own database")
        return False
    finally:
        await eng.dispose()


async def _generated(url: str) -> bool:
    eng = create_async_engine(url, poolclass=NullPool)
    try:
        async with eng.connect() as conn:
            return bool(await conn.scalar(text("SELECT count(*) FROM users WHERE username = 'bench_people_employee'")))
    except Exception:
        return False
    finally:
        await eng.dispose()


async def _generate(server: str, url: str) -> None:
    """(Re)create the benchmark database and fill it; each statement commits on its own."""
    print("generating 450,000 persons in 500 schools (once) …", flush=True)
    started = time.perf_counter()
    admin = create_async_engine(with_database(server, "postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{OWN_DB}" WITH (FORCE)'))
    await admin.dispose()
    await ensure_database(url)
    await asyncio.to_thread(run_migrations, url)
    eng = create_async_engine(url, poolclass=NullPool)
    for stmt in [s.strip() for s in GENERATE.split(";\n") if s.strip()]:
        async with eng.begin() as conn:
            if not stmt.startswith(("INSERT INTO organizations", "ANALYZE")):
                # Bulk rows skip the row triggers: the report aggregates take an advisory lock per student,
                # which runs the server out of lock memory at this size. CHECK and exclusion constraints
                # still hold; the foreign keys (triggers too) are consistent by construction.
                await conn.execute(text("SET LOCAL session_replication_role = replica"))
            await conn.execute(text(stmt.rstrip(";")))
    await eng.dispose()
    print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)


async def _principal(engine: AsyncEngine) -> tuple[Principal, int]:
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT u.id, u.organization_id FROM users u JOIN organizations o ON o.id = u.organization_id "
                    "WHERE u.app_role IS NOT NULL AND u.status = 'active' AND o.kind = 'regional_body' "
                    "ORDER BY u.id LIMIT 1"
                )
            )
        ).first()
        if row is None:
            org = await conn.scalar(
                text("SELECT id FROM organizations WHERE kind = 'regional_body' ORDER BY id LIMIT 1")
            )
            row = (0, org)
    return Principal(user_id=row[0], person_id=None, organization_id=row[1], role="employee", username="bench"), row[1]


async def _queries(engine: AsyncEngine, root: int) -> list[tuple[str, str | None, str]]:
    """Cases (label, query, category) built from real names in the scope."""
    pick = (
        "SELECT p.surname, p.first_name FROM persons p JOIN enrolments e ON e.student_person_id = p.id "
        "WHERE e.organization_id IN (SELECT id FROM organizations WHERE path @> ARRAY[CAST(:root AS int)]) "
        "AND length(p.surname) >= 7 AND p.surname ~ :letters ORDER BY p.id DESC LIMIT 1"
    )
    async with engine.connect() as conn:
        surname, first = (await conn.execute(text(pick), {"root": root, "letters": "."})).one()
        # A name written with ё (or е), to search it the other way round.
        yo = (await conn.execute(text(pick), {"root": root, "letters": "[ёЁ]"})).first() or (
            await conn.execute(text(pick), {"root": root, "letters": "е"})
        ).first()
        # The most common surname: the worst case of a one-word search.
        common = await conn.scalar(text("SELECT surname FROM persons GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"))
    s = surname.lower()
    typo = s[:3] + ("а" if s[3] != "а" else "о") + s[4:]
    queries: list[tuple[str, str | None, str]] = [
        ("the list as the tab opens", None, "all"),
        ("surname", surname, "all"),
        ("the most common surname", common, "all"),
        ("surname first name", f"{surname} {first}", "all"),
        ("first name surname, lower case", f"{first.lower()} {s}", "all"),
        ("one-letter typo", f"{typo} {first}", "all"),
        ("one-letter typo, surname alone", typo, "all"),
        ("prefix of a surname (4 letters)", surname[:4], "all"),
        ("prefix of a surname (3 letters)", surname[:3], "all"),
        ("common surname among students", common, "students"),
        ("common surname among school staff", common, "school_staff"),
    ]
    if yo is not None:
        swapped = yo[0].replace("ё", "е").replace("Ё", "Е") if "ё" in yo[0].lower() else yo[0].replace("е", "ё")
        queries.insert(5, ("ё/е swapped", f"{swapped} {yo[1]}", "all"))
    return queries


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))]


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database", default=None, help="bilim_bench when it exists, else bilim_bench_people")
    ap.add_argument("--runs", type=int, default=40)
    args = ap.parse_args()
    server = resolve_database_url(Settings())
    admin = create_async_engine(with_database(server, "postgres"), poolclass=NullPool)
    async with admin.connect() as conn:
        names = set((await conn.execute(text("SELECT datname FROM pg_database"))).scalars())
    await admin.dispose()
    name = args.database or ("bilim_bench" if "bilim_bench" in names and await _ready(server) else OWN_DB)
    url = with_database(server, name)
    if name == OWN_DB and not await _generated(url):
        await _generate(server, url)
    engine = create_async_engine(url, pool_size=2)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    principal, root = await _principal(engine)
    async with engine.connect() as conn:
        persons = await conn.scalar(text("SELECT count(*) FROM persons"))
        schools = await conn.scalar(
            text("SELECT count(*) FROM organizations WHERE kind = 'school' AND path @> ARRAY[CAST(:r AS int)]"),
            {"r": root},
        )
    async with engine.connect() as conn:
        indexed = await conn.scalar(text("SELECT to_regclass('ix_persons_search_name_c') IS NOT NULL"))
    print(f"database {name}: {persons:,} persons; searching as an employee of body {root} ({schools} schools)")
    if not indexed:
        print("NOTE: index ix_persons_search_name_c is missing (alembic upgrade heads): the lists walk no index")
    print(
        "load average (1, 5, 15 min) at start: {:.1f} {:.1f} {:.1f} on {} CPUs".format(*os.getloadavg(), os.cpu_count())
    )
    head = f"{'case':34} {'q':22} {'category':12} {'found':>5} {'total':>6} {'p50 ms':>7} {'p95 ms':>7}"
    print(f"{head} | {'naive p50':>9} {'naive p95':>9} {'found':>5}")
    all_fast: list[float] = []
    all_naive: list[float] = []
    worst = 0.0
    for label, q, category in await _queries(engine, root):
        times: list[float] = []
        found = 0
        total = ""
        for _ in range(args.runs):
            async with sessions() as session:
                t0 = time.perf_counter()
                res = await list_people(session, principal, root, q=q, category=cast(Any, category), page_size=25)
                times.append((time.perf_counter() - t0) * 1000)
                found = len(res.items)
                # (getattr: the same script also times older versions, from before the total)
                total = f"{getattr(res, 'total', '-')}{'' if getattr(res, 'total_exact', True) else '+'}"
                await session.rollback()
        all_fast += times
        worst = max(worst, _pct(times, 0.95))
        naive = "-"
        if q and category == "all":
            naive_times: list[float] = []
            naive_found = 0
            pattern = "%" + q.replace(" ", "%") + "%"
            for _ in range(max(3, args.runs // 8)):
                async with engine.connect() as conn:
                    t0 = time.perf_counter()
                    rows = (await conn.execute(text(NAIVE), {"pattern": pattern, "root": root})).all()
                    naive_times.append((time.perf_counter() - t0) * 1000)
                    naive_found = len(rows)
            all_naive += naive_times
            naive = f"{statistics.median(naive_times):9.1f} {_pct(naive_times, 0.95):9.1f} {naive_found:5d}"
        print(
            f"{label:34} {(q or '')[:22]:22} {category:12} {found:5d} {total:>6} "
            f"{statistics.median(times):7.1f} {_pct(times, 0.95):7.1f} | {naive}",
            flush=True,
        )
    print("load average at end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    fast50, naive50 = statistics.median(all_fast), statistics.median(all_naive)
    print(
        f"overall: «Люди» p50 {fast50:.1f} ms, p95 {_pct(all_fast, 0.95):.1f} ms, worst case p95 {worst:.1f} ms; "
        f"naive ILIKE p50 {naive50:.1f} ms, p95 {_pct(all_naive, 0.95):.1f} ms; speed-up at p50 ×{naive50 / fast50:.1f}"
    )
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
